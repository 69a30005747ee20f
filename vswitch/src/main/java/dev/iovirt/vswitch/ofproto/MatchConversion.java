package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.Oxm;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.vswitch.datapath.FlowMatch;
import dev.iovirt.vswitch.datapath.FlowWords.Field;

/**
 * OpenFlow matches (OXM, OF 1.3.5 §7.2.3) in the datapath's packed-key form. As in Open vSwitch,
 * TCP, UDP and SCTP ports share tp_src/tp_dst and ICMP type/code sit there too; the match's
 * prerequisites (checked by the codec) keep them apart.
 */
final class MatchConversion {
    private MatchConversion() {
    }

    static FlowMatch toFlowMatch(Match match) throws OfpException {
        FlowMatch.Builder b = FlowMatch.builder();
        for (Oxm o : match.fields()) {
            long v = o.value();
            long m = o.hasMask() ? o.mask() : o.field().validBits();
            switch (o.field()) {
                case IN_PORT -> b.masked(Field.IN_PORT, v, m);
                case IN_PHY_PORT -> {
                    // Our ports are physical ports: in_phy_port always equals in_port, which the codec requires.
                }
                case METADATA -> b.masked(Field.METADATA, v, m);
                case ETH_DST -> b.masked(Field.ETH_DST, v, m);
                case ETH_SRC -> b.masked(Field.ETH_SRC, v, m);
                case ETH_TYPE -> b.masked(Field.ETH_TYPE, v, m);
                // vlan_vid's OFPVID_PRESENT bit is the datapath's VLAN_PRESENT bit of vlan_tci.
                case VLAN_VID -> merge(b, Field.VLAN_TCI, v & 0x1FFF, m & 0x1FFF);
                case VLAN_PCP -> merge(b, Field.VLAN_TCI, v << 13, 0xE000);
                case IP_DSCP -> merge(b, Field.IP_TOS, v << 2, 0xFC);
                case IP_ECN -> merge(b, Field.IP_TOS, v, 0x03);
                case IP_PROTO -> b.masked(Field.IP_PROTO, v, m);
                case IPV4_SRC, ARP_SPA -> b.masked(Field.NW_SRC, v, m);
                case IPV4_DST, ARP_TPA -> b.masked(Field.NW_DST, v, m);
                case TCP_SRC, UDP_SRC, SCTP_SRC, ICMPV4_TYPE, ICMPV6_TYPE -> b.masked(Field.TP_SRC, v, m);
                case TCP_DST, UDP_DST, SCTP_DST, ICMPV4_CODE, ICMPV6_CODE -> b.masked(Field.TP_DST, v, m);
                case ARP_OP -> b.masked(Field.ARP_OP, v, m);
                case ARP_SHA -> b.masked(Field.ARP_SHA, v, m);
                case ARP_THA -> b.masked(Field.ARP_THA, v, m);
                case IPV6_SRC -> {
                    b.masked(Field.IPV6_SRC_HI, o.valueHi(), o.hasMask() ? o.maskHi() : -1L);
                    b.masked(Field.IPV6_SRC_LO, v, o.hasMask() ? o.mask() : -1L);
                }
                case IPV6_DST -> {
                    b.masked(Field.IPV6_DST_HI, o.valueHi(), o.hasMask() ? o.maskHi() : -1L);
                    b.masked(Field.IPV6_DST_LO, v, o.hasMask() ? o.mask() : -1L);
                }
                case IPV6_FLABEL -> b.masked(Field.IPV6_LABEL, v, m);
                case TUNNEL_ID -> b.masked(Field.TUNNEL_ID, v, m);
                default -> throw new OfpException(ErrorCode.BAD_MATCH_BAD_FIELD,
                        o.field().ovsName() + " is not supported by this switch");
            }
        }
        return b.build();
    }

    /** Adds bits to a field that several OXM fields share (vlan_tci, ip_tos). */
    private static void merge(FlowMatch.Builder b, Field f, long value, long mask) {
        b.mergeMasked(f, value, mask);
    }

    /** Whether {@code field} is one our datapath can match and set. */
    static boolean supports(OxmField field) {
        return switch (field) {
            case MPLS_LABEL, MPLS_TC, MPLS_BOS, PBB_ISID, IPV6_ND_TARGET, IPV6_ND_SLL, IPV6_ND_TLL, IPV6_EXTHDR -> false;
            default -> true;
        };
    }
}
