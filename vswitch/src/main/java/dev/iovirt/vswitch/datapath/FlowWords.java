package dev.iovirt.vswitch.datapath;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.MacAddress;

/**
 * A flow key packed into {@link #WORDS} 64-bit words, the form the classifier and caches match on:
 * a rule or megaflow is a mask and a value over these words, and matching is
 * {@code (key[w] & mask[w]) == value[w]} for every word the mask touches.
 *
 * <pre>
 * word  bits 63 ............................................................ 0
 *  0    in_port (32)                    | eth_type (16)      | vlan_tci (16)
 *  1    eth_dst (48)                                         | ip_proto (8) | ip_tos (8)
 *  2    eth_src (48)                                         | ip_ttl (8)   | ip_frag (8)
 *  3    nw_src / arp_spa (32)           | nw_dst / arp_tpa (32)
 *  4    tp_src (16)      | tp_dst (16)  | tcp_flags (16)     | arp_op (16)
 *  5    tunnel_id (64)
 *  6    metadata (64)
 *  7-8  ipv6_src (128)
 *  9-10 ipv6_dst (128)
 * 11    arp_sha (48)                                         | 0
 * 12    arp_tha (48)                                         | 0
 * 13    0                               | ipv6_label (20)
 * </pre>
 *
 * As in Open vSwitch: {@code vlan_tci} carries {@link #VLAN_PRESENT} (the CFI/DEI position, always 0
 * on Ethernet) when the frame is tagged, so "untagged" and "VLAN 0" differ; ICMP and ICMPv6 type and
 * code sit in {@code tp_src} and {@code tp_dst}; ARP's protocol addresses share the IPv4 words.
 * {@code ip_tos} is DSCP &lt;&lt; 2 | ECN. Fields of layers a frame lacks are zero.
 */
public final class FlowWords {
    public static final int WORDS = 14;
    /** Set in vlan_tci of a tagged frame (Open vSwitch's VLAN_CFI; OpenFlow's OFPVID_PRESENT is the same bit of vlan_vid). */
    public static final int VLAN_PRESENT = 0x1000;

    /** A field's place in the words: which word, its lowest bit, its width. */
    public enum Field {
        IN_PORT(0, 32, 32), ETH_TYPE(0, 16, 16), VLAN_TCI(0, 0, 16),
        ETH_DST(1, 16, 48), IP_PROTO(1, 8, 8), IP_TOS(1, 0, 8),
        ETH_SRC(2, 16, 48), IP_TTL(2, 8, 8), IP_FRAG(2, 0, 8),
        NW_SRC(3, 32, 32), NW_DST(3, 0, 32),
        TP_SRC(4, 48, 16), TP_DST(4, 32, 16), TCP_FLAGS(4, 16, 16), ARP_OP(4, 0, 16),
        TUNNEL_ID(5, 0, 64), METADATA(6, 0, 64),
        IPV6_SRC_HI(7, 0, 64), IPV6_SRC_LO(8, 0, 64), IPV6_DST_HI(9, 0, 64), IPV6_DST_LO(10, 0, 64),
        ARP_SHA(11, 16, 48), ARP_THA(12, 16, 48), IPV6_LABEL(13, 0, 20);

        public final int word;
        public final int shift;
        public final int width;
        /** The field's bits in place within its word. */
        public final long wordMask;

        Field(int word, int shift, int width) {
            this.word = word;
            this.shift = shift;
            this.width = width;
            this.wordMask = (width == 64 ? -1L : (1L << width) - 1) << shift;
        }

        /** Reads this field from a packed key. */
        public long get(long[] words, int off) {
            return (words[off + word] & wordMask) >>> shift;
        }

        /** Writes {@code value} (its low {@code width} bits) into a packed key. */
        public void set(long[] words, int off, long value) {
            words[off + word] = (words[off + word] & ~wordMask) | ((value << shift) & wordMask);
        }
    }

    private FlowWords() {
    }

    /**
     * Packs a parsed key and the pipeline metadata into {@code out[off, off + WORDS)}. Allocates
     * nothing.
     */
    public static void pack(FlowKey k, long tunnelId, long metadata, long[] out, int off) {
        int tci = k.vlanCount() > 0 ? (k.vlanTci() & ~VLAN_PRESENT) | VLAN_PRESENT : 0;
        out[off] = (long) k.inPort() << 32 | (long) k.ethType() << 16 | tci;
        int tos = k.ipDscp() << 2 | k.ipEcn();
        out[off + 1] = k.ethDst() << 16 | (long) k.ipProto() << 8 | tos;
        out[off + 2] = k.ethSrc() << 16 | (long) k.ipTtl() << 8 | k.ipFrag();
        long tpSrc;
        long tpDst;
        if (k.has(FlowKey.L_ICMP) || k.has(FlowKey.L_ICMPV6)) {
            tpSrc = k.icmpType();
            tpDst = k.icmpCode();
        } else {
            tpSrc = k.tpSrc();
            tpDst = k.tpDst();
        }
        if (k.has(FlowKey.L_ARP)) {
            out[off + 3] = (long) k.arpSpa() << 32 | (k.arpTpa() & 0xFFFF_FFFFL);
            out[off + 11] = k.arpSha() << 16;
            out[off + 12] = k.arpTha() << 16;
        } else {
            out[off + 3] = (long) k.ipv4Src() << 32 | (k.ipv4Dst() & 0xFFFF_FFFFL);
            out[off + 11] = 0;
            out[off + 12] = 0;
        }
        out[off + 4] = tpSrc << 48 | tpDst << 32 | (long) k.tcpFlags() << 16 | k.arpOp();
        out[off + 5] = tunnelId;
        out[off + 6] = metadata;
        out[off + 7] = k.ipv6SrcHi();
        out[off + 8] = k.ipv6SrcLo();
        out[off + 9] = k.ipv6DstHi();
        out[off + 10] = k.ipv6DstLo();
        out[off + 13] = k.ipv6FlowLabel();
    }

    /**
     * Odd 64-bit multipliers, one per word. A hash is the sum of each word times its multiplier,
     * then one finalizing mix: the multiplies are independent, so the CPU overlaps them, where a
     * chain of per-word mixes would serialize.
     */
    private static final long[] K = {
        0x9E3779B97F4A7C15L, 0xC2B2AE3D27D4EB4FL, 0x165667B19E3779F9L, 0xD6E8FEB86659FD93L,
        0xFF51AFD7ED558CCDL, 0xC4CEB9FE1A85EC53L, 0x94D049BB133111EBL, 0xBF58476D1CE4E5B9L,
        0x8CB92BA72F3D8DD7L, 0xA0761D6478BD642FL, 0xE7037ED1A0B428DBL, 0x8EBC6AF09C88C6E3L,
        0x589965CC75374CC3L, 0x1D8E4E27C47D124FL,
    };

    /** A hash of all words of a key (for the exact-match cache). */
    public static long hash(long[] key, int off) {
        long h = key[off] * K[0] + key[off + 1] * K[1] + key[off + 2] * K[2] + key[off + 3] * K[3]
                + key[off + 4] * K[4] + key[off + 5] * K[5] + key[off + 6] * K[6] + key[off + 7] * K[7]
                + key[off + 8] * K[8] + key[off + 9] * K[9] + key[off + 10] * K[10] + key[off + 11] * K[11]
                + key[off + 12] * K[12] + key[off + 13] * K[13];
        return mix(h);
    }

    /** A hash of a key under a mask, over only the words the mask touches. */
    static long maskedHash(long[] key, int off, long[] mask, int[] words) {
        long h = 0;
        for (int w : words) {
            h += (key[off + w] & mask[w]) * K[w];
        }
        return mix(h);
    }

    /** A strong 64-bit finalizer (David Stafford's Mix13 variant of MurmurHash3's fmix64). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** The key in Open vSwitch's notation, for traces and failures (allocates). */
    public static String format(long[] key, int off) {
        StringBuilder sb = new StringBuilder();
        for (Field f : Field.values()) {
            long v = f.get(key, off);
            if (v == 0 && f != Field.IN_PORT) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(f.name().toLowerCase()).append('=');
            if (f == Field.ETH_SRC || f == Field.ETH_DST || f == Field.ARP_SHA || f == Field.ARP_THA) {
                sb.append(MacAddress.format(v));
            } else if (f == Field.NW_SRC || f == Field.NW_DST) {
                sb.append(dev.iovirt.packet.Ipv4Address.format((int) v));
            } else if (f == Field.ETH_TYPE || f == Field.VLAN_TCI || f == Field.TCP_FLAGS) {
                sb.append("0x").append(Long.toHexString(v));
            } else {
                sb.append(v);
            }
        }
        return sb.toString();
    }
}
