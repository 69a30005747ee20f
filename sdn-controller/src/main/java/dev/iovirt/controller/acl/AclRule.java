package dev.iovirt.controller.acl;

/**
 * An ACL rule. Unset match fields (null) match anything.
 *
 * @param id the controller's id for the rule, assigned when it is added (0 before)
 * @param priority the rule's rank, 0..64000; the higher wins where rules overlap
 * @param ethType the EtherType, e.g. 0x0800; implied 0x0800 when an IPv4 field is given
 * @param ipv4Src the IPv4 source, an address or a prefix ({@code 10.0.0.0/24})
 * @param ipv4Dst the IPv4 destination, an address or a prefix
 * @param ipProto the IP protocol number (6 TCP, 17 UDP, 132 SCTP, 1 ICMP, ...)
 * @param tpSrc the TCP/UDP/SCTP source port; needs {@code ipProto} 6, 17 or 132
 * @param tpDst the TCP/UDP/SCTP destination port; needs {@code ipProto} 6, 17 or 132
 * @param action {@code allow} or {@code deny}
 */
public record AclRule(long id, int priority, Integer ethType, String ipv4Src, String ipv4Dst, Integer ipProto,
                      Integer tpSrc, Integer tpDst, String action) {
    /** This rule with {@code id}. */
    public AclRule withId(long id) {
        return new AclRule(id, priority, ethType, ipv4Src, ipv4Dst, ipProto, tpSrc, tpDst, action);
    }
}
