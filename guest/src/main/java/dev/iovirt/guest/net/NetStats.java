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
    public long tcpSegmentsIn;
    public long tcpSegmentsOut;
    /** Segments sent again after their retransmission timer expired (RFC 6298 §5.4), and zero-window probes. */
    public long tcpRetransmissions;
    public long tcpResetsIn;
    public long tcpResetsOut;
    /** Segments shorter than their header, with a bad data offset, or to a broadcast address. */
    public long tcpHeaderErrors;
    public long tcpChecksumErrors;
    /** Segments whose options overran the header or had a bad length. */
    public long tcpBadOptions;
    /** Segments for no connection and no listener (answered with a RST unless they were one). */
    public long tcpNoPort;
    /** SYNs dropped because the connection table was full. */
    public long tcpListenDrops;
    /** Segments that arrived ahead of a gap: dropped, not queued (the sender retransmits them). */
    public long tcpOutOfOrderDropped;
    /** Segments outside the receive window, or duplicates: acknowledged and dropped (RFC 9293 §3.10.7.4). */
    public long tcpUnacceptable;
    public long tcpActiveOpens;
    public long tcpPassiveOpens;
    /** TIME_WAIT connections ended early because the connection table was full. */
    public long tcpTimeWaitRecycled;
    /** Connections that timed out after their last retransmission. */
    public long tcpTimeouts;
    /** Frames the device refused (its transmit ring full). */
    public long deviceDrops;
}
