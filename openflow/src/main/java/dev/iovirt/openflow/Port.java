package dev.iovirt.openflow;

import dev.iovirt.packet.MacAddress;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A port's description, {@code struct ofp_port} (OF 1.3.5 §7.2.1), 64 bytes on the wire.
 *
 * @param portNo the port number
 * @param hwAddr the port's MAC address
 * @param name the interface name (at most 15 bytes; NUL-terminated on the wire)
 * @param config {@code CONFIG_*} bits the controller sets
 * @param state {@code STATE_*} bits the switch reports
 * @param curr current features ({@code FEATURE_*} bits)
 * @param advertised features advertised by the port
 * @param supported features supported by the port
 * @param peer features advertised by the peer
 * @param currSpeed current bit rate in kbps
 * @param maxSpeed maximum bit rate in kbps
 */
public record Port(PortNo portNo, MacAddress hwAddr, String name, int config, int state, int curr, int advertised,
                   int supported, int peer, int currSpeed, int maxSpeed) {
    /** The size of {@code struct ofp_port}. */
    public static final int LENGTH = 64;
    /** OFP_MAX_PORT_NAME_LEN (OF 1.3.5 §7.2.1). */
    public static final int MAX_NAME_LEN = 16;

    // OF 1.3.5 §7.2.1, enum ofp_port_config.
    /** OFPPC_PORT_DOWN: port is administratively down. */
    public static final int CONFIG_PORT_DOWN = 1;
    /** OFPPC_NO_RECV: drop all packets received by the port. */
    public static final int CONFIG_NO_RECV = 1 << 2;
    /** OFPPC_NO_FWD: drop packets forwarded to the port. */
    public static final int CONFIG_NO_FWD = 1 << 5;
    /** OFPPC_NO_PACKET_IN: do not send packet-in messages for the port. */
    public static final int CONFIG_NO_PACKET_IN = 1 << 6;

    // OF 1.3.5 §7.2.1, enum ofp_port_state.
    /** OFPPS_LINK_DOWN: no physical link present. */
    public static final int STATE_LINK_DOWN = 1;
    /** OFPPS_BLOCKED: port is blocked. */
    public static final int STATE_BLOCKED = 1 << 1;
    /** OFPPS_LIVE: live for fast failover groups. */
    public static final int STATE_LIVE = 1 << 2;

    // OF 1.3.5 §7.2.1, enum ofp_port_features.
    public static final int FEATURE_10MB_HD = 1;
    public static final int FEATURE_10MB_FD = 1 << 1;
    public static final int FEATURE_100MB_HD = 1 << 2;
    public static final int FEATURE_100MB_FD = 1 << 3;
    public static final int FEATURE_1GB_HD = 1 << 4;
    public static final int FEATURE_1GB_FD = 1 << 5;
    public static final int FEATURE_10GB_FD = 1 << 6;
    public static final int FEATURE_40GB_FD = 1 << 7;
    public static final int FEATURE_100GB_FD = 1 << 8;
    public static final int FEATURE_1TB_FD = 1 << 9;
    public static final int FEATURE_OTHER = 1 << 10;
    public static final int FEATURE_COPPER = 1 << 11;
    public static final int FEATURE_FIBER = 1 << 12;
    public static final int FEATURE_AUTONEG = 1 << 13;
    public static final int FEATURE_PAUSE = 1 << 14;
    public static final int FEATURE_PAUSE_ASYM = 1 << 15;

    public Port {
        if (name.getBytes(StandardCharsets.ISO_8859_1).length >= MAX_NAME_LEN) {
            throw new IllegalArgumentException("port name longer than 15 bytes: '" + name + "'");
        }
    }

    /** True if the port is up and has a link (not PORT_DOWN, not LINK_DOWN). */
    public boolean isUp() {
        return (config & CONFIG_PORT_DOWN) == 0 && (state & STATE_LINK_DOWN) == 0;
    }

    void write(ByteBuf out) {
        out.writeInt(portNo.value());
        out.writeZero(4);
        out.writeShort((int) (hwAddr.bits() >>> 32));
        out.writeInt((int) hwAddr.bits());
        out.writeZero(2);
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(n);
        out.writeZero(MAX_NAME_LEN - n.length);
        out.writeInt(config);
        out.writeInt(state);
        out.writeInt(curr);
        out.writeInt(advertised);
        out.writeInt(supported);
        out.writeInt(peer);
        out.writeInt(currSpeed);
        out.writeInt(maxSpeed);
    }

    /** Reads 64 bytes; the caller has checked they are there. */
    static Port read(ByteBuf in) {
        PortNo no = PortNo.of(in.readInt());
        in.skipBytes(4);
        long mac = (long) in.readUnsignedShort() << 32 | in.readUnsignedInt();
        in.skipBytes(2);
        byte[] n = new byte[MAX_NAME_LEN];
        in.readBytes(n);
        int len = 0;
        while (len < MAX_NAME_LEN - 1 && n[len] != 0) {
            len++;
        }
        String name = new String(n, 0, len, StandardCharsets.ISO_8859_1);
        return new Port(no, MacAddress.of(mac), name, in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }
}
