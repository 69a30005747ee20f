/**
 * VXLAN tunnel ports (RFC 7348) over real UDP sockets (Netty): how one host's switch reaches
 * another's.
 *
 * <pre>
 * Bridge ─output─▶ VxlanPort.transmit ─▶ [flags I | VNI = tunnel_id | inner frame] ─UDP─▶ remote VTEP :4789
 * remote VTEP ─▶ VxlanEndpoint (validate, demux by source IP) ─▶ VxlanPort.receive ─▶ Bridge (tunnel_id = VNI)
 * </pre>
 *
 * A {@link dev.iovirt.vswitch.tunnel.VxlanEndpoint} is a host's one UDP socket; each
 * {@link dev.iovirt.vswitch.tunnel.VxlanPort} is a switch port to one remote, whose VNI comes from
 * the frame's tunnel id (set by an OpenFlow {@code set_field:...->tun_id}) or a fixed key. The
 * operating system adds the outer IP and UDP headers; the VXLAN header and inner frame are ours,
 * and tshark dissects them as RFC 7348 VXLAN (VxlanTunnelTest).
 */
package dev.iovirt.vswitch.tunnel;
