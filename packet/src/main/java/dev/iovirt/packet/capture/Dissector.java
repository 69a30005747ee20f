package dev.iovirt.packet.capture;

import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UnknownPacket;

/**
 * A full, layer-by-layer dissection of an Ethernet frame by Pcap4J's packet classes, for people to
 * read ({@code iovirt inspect -v}). Malformed frames dissect as far as Pcap4J can go.
 */
public final class Dissector {
    private Dissector() {
    }

    /** The Pcap4J packet tree of {@code frame}. */
    public static Packet packet(byte[] frame) {
        try {
            return EthernetPacket.newPacket(frame, 0, frame.length);
        } catch (IllegalRawDataException e) {
            return UnknownPacket.newPacket(frame, 0, frame.length);
        }
    }

    /** Multi-line text: each layer's header fields, then the payload in hex. */
    public static String dissect(byte[] frame) {
        try {
            return packet(frame).toString();
        } catch (RuntimeException e) {
            // Pcap4J throws on some inconsistent headers while rendering; show the bytes instead of failing.
            return "[dissection failed: " + e.getMessage() + "]\n" + UnknownPacket.newPacket(frame, 0, frame.length);
        }
    }
}
