package dev.iovirt.packet.capture;

/** LINKTYPE_ values of the tcpdump.org link-layer header type registry that iovirt writes. */
public final class LinkType {
    /** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet. */
    public static final int ETHERNET = 1;

    private LinkType() {
    }
}
