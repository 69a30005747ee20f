package dev.iovirt.guest.net;

/** Counters of one {@link NetStack}, as a guest's {@code netstat -s} would show them. */
public final class NetStats {
    public long framesIn;
    public long framesOut;
    /** Frames of an EtherType the stack does not speak, or too short. */
    public long unknownEtherType;
    public long arpRequestsIn;
    public long arpRepliesIn;
    public long arpRequestsOut;
    public long arpRepliesOut;
    public long gratuitousArpIn;
    /** Packets dropped after the last ARP request went unanswered, or evicted from a full entry. */
    public long arpUnresolvedDrops;
    public long ipIn;
    public long ipOut;
    /** Malformed headers, bad header checksums. */
    public long ipHeaderErrors;
    /** Fragments: not reassembled, dropped (RFC 791 §3.2 reassembly is not implemented). */
    public long ipFragmentsDropped;
    public long ipNotForUs;
    public long ipNoRoute;
    public long ipUnknownProtocol;
    public long icmpEchoRequestsIn;
    public long icmpEchoRepliesOut;
    public long icmpEchoRepliesIn;
    public long icmpChecksumErrors;
    public long udpIn;
    public long udpOut;
    public long udpChecksumErrors;
    /** Datagrams to a port with no socket (no ICMP port unreachable is sent). */
    public long udpNoPort;
    /** Frames the device refused (its transmit ring full). */
    public long deviceDrops;
}
