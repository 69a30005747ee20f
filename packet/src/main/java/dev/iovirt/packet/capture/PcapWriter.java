package dev.iovirt.packet.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes classic libpcap files (the format of draft-ietf-opsawg-pcap): a 24-byte file header and a
 * 16-byte record header per frame, little-endian, with nanosecond timestamps (magic 0xa1b23c4d).
 */
public final class PcapWriter implements CaptureWriter {
    /** Magic of a file with microsecond timestamps. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** Magic of a file with nanosecond timestamps. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    public static final int DEFAULT_SNAPLEN = 262144;

    private final OutputStream out;
    private final int snapLen;
    private final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private boolean interfaceNamed;

    public PcapWriter(OutputStream out, int linkType, int snapLen) throws IOException {
        this.out = out;
        this.snapLen = snapLen;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snapLen).putInt(linkType);
        out.write(h.array());
    }

    /** An Ethernet pcap file at {@code path}, replacing it. */
    public static PcapWriter create(Path path) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(path)), LinkType.ETHERNET, DEFAULT_SNAPLEN);
    }

    @Override
    public int addInterface(String name) {
        if (interfaceNamed) {
            throw new IllegalStateException("a pcap file has one interface; write pcapng for several");
        }
        interfaceNamed = true;
        return 0;
    }

    @Override
    public void write(int interfaceId, long timestampNanos, byte[] data, int offset, int length, String comment) throws IOException {
        if (interfaceId != 0) {
            throw new IllegalArgumentException("a pcap file has only interface 0, not " + interfaceId);
        }
        int captured = Math.min(length, snapLen);
        header.clear();
        header.putInt((int) Math.floorDiv(timestampNanos, 1_000_000_000L))
                .putInt((int) Math.floorMod(timestampNanos, 1_000_000_000L))
                .putInt(captured).putInt(length);
        out.write(header.array());
        out.write(data, offset, captured);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
