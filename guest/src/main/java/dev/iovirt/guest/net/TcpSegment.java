package dev.iovirt.guest.net;

/** One received segment's header fields, parsed once; valid only while the segment is processed. */
final class TcpSegment {
    int sourcePort;
    int destinationPort;
    int seq;
    int ack;
    /** The control bits, RFC 9293 §3.1 (URG, ACK, PSH, RST, SYN, FIN). */
    int flags;
    int window;
    /** The MSS option's value, or 0 if the segment carried none. */
    int mss;
    /** The packet's bytes; the payload is {@code data[dataOffset, dataOffset + dataLength)}. */
    byte[] data;
    int dataOffset;
    int dataLength;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: the payload plus one for each of SYN and FIN. RFC 9293 §3.4. */
    int sequenceLength() {
        return dataLength + ((flags & TcpLayer.SYN) != 0 ? 1 : 0) + ((flags & TcpLayer.FIN) != 0 ? 1 : 0);
    }
}
