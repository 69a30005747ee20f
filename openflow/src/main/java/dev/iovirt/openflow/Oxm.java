package dev.iovirt.openflow;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;

/**
 * One OXM TLV (OF 1.3.5 §7.2.3.2): a field, its value and, where the spec allows, a mask. Values up
 * to 64 bits sit in {@code value}; the 128-bit IPv6 fields use {@code valueHi} for their first eight
 * octets. An unmasked field carries the all-ones mask of its width so that matching is always
 * {@code (packet & mask) == value}.
 *
 * @param field the field
 * @param valueHi bits 127..64 of a 128-bit value; 0 for narrower fields
 * @param value the value (bits 63..0)
 * @param maskHi bits 127..64 of a 128-bit mask; 0 for narrower fields
 * @param mask the mask (bits 63..0); the field's valid bits when {@code hasMask} is false
 * @param hasMask whether the TLV carries a mask on the wire ({@code oxm_hasmask})
 */
public record Oxm(OxmField field, long valueHi, long value, long maskHi, long mask, boolean hasMask) {

    /** An exact match on a field up to 64 bits wide. */
    public static Oxm exact(OxmField field, long value) {
        return new Oxm(field, 0, value, field.isWide() ? -1L : 0, field.validBits(), false);
    }

    /** A masked match on a field up to 64 bits wide. */
    public static Oxm masked(OxmField field, long value, long mask) {
        return new Oxm(field, 0, value, 0, mask, true);
    }

    /** An exact match on a 128-bit field. */
    public static Oxm exact(OxmField field, long valueHi, long value) {
        return new Oxm(field, valueHi, value, -1L, -1L, false);
    }

    /** A masked match on a 128-bit field. */
    public static Oxm masked(OxmField field, long valueHi, long value, long maskHi, long mask) {
        return new Oxm(field, valueHi, value, maskHi, mask, true);
    }

    /** The TLV's size on the wire: 4 header bytes plus the value and the mask if any. */
    public int wireLength() {
        return 4 + (hasMask ? 2 : 1) * field.width();
    }

    /** True if the TLV constrains nothing (all mask bits clear). */
    public boolean isWildcard() {
        return mask == 0 && maskHi == 0;
    }

    /** True if a packet whose fields are {@code key} (and pipeline metadata and tunnel id) has this field's value under the mask. */
    public boolean matches(FlowKey key, long metadata, long tunnelId) {
        long v;
        switch (field) {
            case IN_PORT, IN_PHY_PORT -> v = key.inPort() & 0xFFFF_FFFFL;
            case METADATA -> v = metadata;
            case TUNNEL_ID -> v = tunnelId;
            case ETH_DST -> v = key.ethDst();
            case ETH_SRC -> v = key.ethSrc();
            case ETH_TYPE -> v = key.ethType();
            case VLAN_VID -> v = key.vlanCount() > 0 ? OxmField.VID_PRESENT | key.vlanVid() : OxmField.VID_NONE;
            case VLAN_PCP -> v = key.vlanCount() > 0 ? key.vlanPcp() : 0;
            case IP_DSCP -> v = key.ipDscp();
            case IP_ECN -> v = key.ipEcn();
            case IP_PROTO -> v = key.ipProto();
            case IPV4_SRC -> v = key.ipv4Src() & 0xFFFF_FFFFL;
            case IPV4_DST -> v = key.ipv4Dst() & 0xFFFF_FFFFL;
            case TCP_SRC, UDP_SRC -> v = key.tpSrc();
            case TCP_DST, UDP_DST -> v = key.tpDst();
            case ICMPV4_TYPE, ICMPV6_TYPE -> v = key.icmpType();
            case ICMPV4_CODE, ICMPV6_CODE -> v = key.icmpCode();
            case ARP_OP -> v = key.arpOp();
            case ARP_SPA -> v = key.arpSpa() & 0xFFFF_FFFFL;
            case ARP_TPA -> v = key.arpTpa() & 0xFFFF_FFFFL;
            case ARP_SHA -> v = key.arpSha();
            case ARP_THA -> v = key.arpTha();
            case IPV6_FLABEL -> v = key.ipv6FlowLabel();
            case IPV6_SRC -> {
                return (key.ipv6SrcHi() & maskHi) == valueHi && (key.ipv6SrcLo() & mask) == value;
            }
            case IPV6_DST -> {
                return (key.ipv6DstHi() & maskHi) == valueHi && (key.ipv6DstLo() & mask) == value;
            }
            // Invariant: FlowKey does not parse SCTP, ND options, MPLS, PBB or IPv6 extension headers,
            // so a rule that constrains them cannot be decided and does not match.
            default -> {
                return isWildcard();
            }
        }
        return (v & mask) == value;
    }

    /** The TLV in ovs-ofctl's notation, e.g. {@code nw_dst=10.0.0.0/24}. */
    @Override
    public String toString() {
        return field.ovsName() + "=" + valueText();
    }

    /** The value (and mask) part of {@link #toString()}. */
    public String valueText() {
        return switch (field) {
            case IN_PORT, IN_PHY_PORT -> PortNo.of((int) value).toString();
            case ETH_DST, ETH_SRC, ARP_SHA, ARP_THA, IPV6_ND_SLL, IPV6_ND_TLL ->
                    MacAddress.format(value) + (hasMask ? "/" + MacAddress.format(mask) : "");
            case ETH_TYPE -> String.format("0x%04x", value);
            case IPV4_SRC, IPV4_DST, ARP_SPA, ARP_TPA -> Ipv4Address.format((int) value) + (hasMask ? "/" + ipv4MaskText((int) mask) : "");
            case IPV6_SRC, IPV6_DST, IPV6_ND_TARGET ->
                    Ipv6Address.format(valueHi, value) + (hasMask ? "/" + ipv6MaskText(maskHi, mask) : "");
            case METADATA, TUNNEL_ID, VLAN_VID, IPV6_FLABEL, PBB_ISID, IPV6_EXTHDR ->
                    "0x" + Long.toHexString(value) + (hasMask ? "/0x" + Long.toHexString(mask) : "");
            default -> Long.toString(value);
        };
    }

    private static String ipv4MaskText(int mask) {
        int prefix = Integer.bitCount(mask);
        return mask == Ipv4Address.prefixMask(prefix) ? Integer.toString(prefix) : Ipv4Address.format(mask);
    }

    private static String ipv6MaskText(long hi, long lo) {
        int prefix = Long.bitCount(hi) + Long.bitCount(lo);
        long wantHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        long wantLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        return hi == wantHi && lo == wantLo ? Integer.toString(prefix) : Ipv6Address.format(hi, lo);
    }
}
