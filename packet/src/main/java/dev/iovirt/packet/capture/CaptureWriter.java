package dev.iovirt.packet.capture;

import java.io.Closeable;
import java.io.IOException;

/** Writes frames to a capture file, pcap or pcapng. Not thread-safe. */
public interface CaptureWriter extends Closeable {
    /**
     * Appends a frame captured on interface {@code interfaceId} (an index returned by
     * {@link #addInterface}; pcap files have only interface 0).
     *
     * @param comment a per-packet comment, or null; pcap files cannot hold one and drop it
     */
    void write(int interfaceId, long timestampNanos, byte[] data, int offset, int length, String comment) throws IOException;

    default void write(long timestampNanos, byte[] data) throws IOException {
        write(0, timestampNanos, data, 0, data.length, null);
    }

    /**
     * Declares a capture interface (an Ethernet port) and returns its index. pcap files have exactly
     * one interface, declared by the writer; calling this on them returns 0 for the first name and
     * fails for a second.
     */
    int addInterface(String name) throws IOException;

    void flush() throws IOException;
}
