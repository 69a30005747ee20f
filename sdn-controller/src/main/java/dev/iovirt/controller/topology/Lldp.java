package dev.iovirt.controller.topology;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.MacAddress;
import java.nio.charset.StandardCharsets;

/**
 * The LLDP probe (IEEE 802.1AB-2016 §8): an Ethernet frame to the nearest-bridge group address with
 * Chassis ID "dpid:&lt;16 hex digits&gt;" (subtype 7, locally assigned), Port ID the 4-byte port
 * number (subtype 2, port component), TTL and End TLVs.
 */
public final class Lldp {
    /** The LLDP EtherType (IEEE 802.1AB §7.2). */
    public static final int ETHERTYPE = 0x88CC;
    /** Nearest-bridge group address (IEEE 802.1AB §7.1): not forwarded by 802.1D bridges. */
    public static final MacAddress NEAREST_BRIDGE = MacAddress.of(0x0180_C200_000EL);
    // IEEE 802.1AB §8.4 TLV types.
    private static final int TLV_END = 0;
    private static final int TLV_CHASSIS_ID = 1;
    private static final int TLV_PORT_ID = 2;
    private static final int TLV_TTL = 3;
    private static final int CHASSIS_SUBTYPE_LOCAL = 7; // §8.5.2.2
    private static final int PORT_SUBTYPE_COMPONENT = 2; // §8.5.3.2
    private static final String PREFIX = "dpid:";

    private Lldp() {
    }

    /** The probe sent out of (dpid, port), from {@code srcMac}. */
    public static byte[] probe(DatapathId dpid, PortNo port, MacAddress srcMac) {
        byte[] chassis = (PREFIX + dpid).getBytes(StandardCharsets.US_ASCII);
        int len = 14 + (2 + 1 + chassis.length) + (2 + 1 + 4) + (2 + 2) + 2;
        byte[] f = new byte[Math.max(60, len)];
        NEAREST_BRIDGE.write(f, 0);
        srcMac.write(f, 6);
        f[12] = (byte) (ETHERTYPE >>> 8);
        f[13] = (byte) ETHERTYPE;
        int o = tlv(f, 14, TLV_CHASSIS_ID, 1 + chassis.length);
        f[o++] = CHASSIS_SUBTYPE_LOCAL;
        System.arraycopy(chassis, 0, f, o, chassis.length);
        o += chassis.length;
        o = tlv(f, o, TLV_PORT_ID, 5);
        f[o++] = PORT_SUBTYPE_COMPONENT;
        int p = port.value();
        f[o++] = (byte) (p >>> 24);
        f[o++] = (byte) (p >>> 16);
        f[o++] = (byte) (p >>> 8);
        f[o++] = (byte) p;
        o = tlv(f, o, TLV_TTL, 2);
        f[o++] = 0;
        f[o++] = 120;
        tlv(f, o, TLV_END, 0);
        return f;
    }

    private static int tlv(byte[] f, int o, int type, int length) {
        int h = type << 9 | length;
        f[o] = (byte) (h >>> 8);
        f[o + 1] = (byte) h;
        return o + 2;
    }

    /** True if the frame is untagged LLDP. */
    public static boolean isLldp(byte[] f) {
        return f.length >= 14 && ((f[12] & 0xFF) << 8 | f[13] & 0xFF) == ETHERTYPE;
    }

    /** The (dpid, port) a probe of ours was sent from, or null if the frame is not one. */
    public static ConnectPoint parse(byte[] f) {
        if (!isLldp(f)) {
            return null;
        }
        DatapathId dpid = null;
        PortNo port = null;
        int o = 14;
        while (o + 2 <= f.length) {
            int h = (f[o] & 0xFF) << 8 | f[o + 1] & 0xFF;
            int type = h >>> 9;
            int len = h & 0x1FF;
            o += 2;
            if (type == TLV_END || o + len > f.length) {
                break;
            }
            if (type == TLV_CHASSIS_ID && len > 1 + PREFIX.length() && f[o] == CHASSIS_SUBTYPE_LOCAL) {
                String s = new String(f, o + 1, len - 1, StandardCharsets.US_ASCII);
                if (s.startsWith(PREFIX)) {
                    try {
                        dpid = DatapathId.parse(s.substring(PREFIX.length()));
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
            } else if (type == TLV_PORT_ID && len == 5 && f[o] == PORT_SUBTYPE_COMPONENT) {
                port = PortNo.of((f[o + 1] & 0xFF) << 24 | (f[o + 2] & 0xFF) << 16 | (f[o + 3] & 0xFF) << 8 | f[o + 4] & 0xFF);
            }
            o += len;
        }
        return dpid == null || port == null ? null : new ConnectPoint(dpid, port);
    }
}
