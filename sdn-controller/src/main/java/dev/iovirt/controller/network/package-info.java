/**
 * Overlay networks: a network is a name and a VXLAN network identifier (VNI); its members are the
 * endpoints (switch, port, MAC, optional IPv4) that belong to it; tunnels say which port of a
 * switch is its VXLAN tunnel to which other switch (the VXLAN ports themselves are configured out
 * of band). {@link dev.iovirt.controller.network.NetworkManager} keeps them and tells listeners;
 * the {@code overlay} app ({@link dev.iovirt.controller.app.OverlayApp}) turns them into flows.
 */
package dev.iovirt.controller.network;
