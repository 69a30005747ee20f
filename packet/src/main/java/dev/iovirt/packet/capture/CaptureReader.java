package dev.iovirt.packet.capture;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pcap (either byte order, micro- or nanosecond) and pcapng (any number of sections and
 * interfaces; Enhanced and Simple Packet Blocks; other blocks skipped) files, told apart by their
 * first four bytes. Every malformation is a {@link CaptureFormatException} naming the byte offset;
 * nothing is allocated from a length field before it is checked.
 */
public final class CaptureReader implements Closeable {
    /** The largest block or record accepted; anything larger is a corrupt length field. */
    static final int MAX_RECORD = 16 * 1024 * 1024;

    /** Which of the two formats the file is. */
    public enum Format { PCAP, PCAPNG }

    private record Interface(String name, int linkType, int snapLen, long unitsPerSecond) {
    }

    private final InputStream in;
    private final String source;
    private final Format format;
    private long position;
    private ByteOrder order;
    // pcap
    private long pcapUnitsPerSecond;
    private int pcapLinkType;
    // pcapng
    private final List<Interface> interfaces = new ArrayList<>();

    private CaptureReader(InputStream in, String source) throws IOException {
        this.in = in;
        this.source = source;
        byte[] magic = new byte[4];
        int n = in.readNBytes(magic, 0, 4);
        if (n < 4) {
            throw new CaptureFormatException(source + ": too short to be a capture file (" + n + " bytes)");
        }
        position = 4;
        int be = ByteBuffer.wrap(magic).order(ByteOrder.BIG_ENDIAN).getInt();
        int le = ByteBuffer.wrap(magic).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (be == PcapngWriter.SHB) {
            format = Format.PCAPNG;
            readSectionHeader();
        } else if (be == PcapWriter.MAGIC_MICROS || be == PcapWriter.MAGIC_NANOS) {
            format = Format.PCAP;
            order = ByteOrder.BIG_ENDIAN;
            readPcapHeader(be);
        } else if (le == PcapWriter.MAGIC_MICROS || le == PcapWriter.MAGIC_NANOS) {
            format = Format.PCAP;
            order = ByteOrder.LITTLE_ENDIAN;
            readPcapHeader(le);
        } else {
            throw new CaptureFormatException(String.format("%s: not a pcap or pcapng file (magic 0x%08x)", source, be));
        }
    }

    public static CaptureReader open(Path path) throws IOException {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        try {
            return new CaptureReader(in, path.toString());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public static CaptureReader open(InputStream in, String sourceName) throws IOException {
        return new CaptureReader(in, sourceName);
    }

    public Format format() {
        return format;
    }

    /** Reads every remaining frame. */
    public List<CapturedFrame> readAll() throws IOException {
        List<CapturedFrame> frames = new ArrayList<>();
        for (CapturedFrame f; (f = next()) != null; ) {
            frames.add(f);
        }
        return frames;
    }

    /** The next frame, or null at the end of the file. */
    public CapturedFrame next() throws IOException {
        return format == Format.PCAP ? nextPcap() : nextPcapng();
    }

    private void readPcapHeader(int magic) throws IOException {
        ByteBuffer h = readExactly(20, "pcap file header");
        int major = Short.toUnsignedInt(h.getShort());
        h.getShort(); // minor
        h.getInt(); // thiszone (always 0 in practice)
        h.getInt(); // sigfigs
        h.getInt(); // snaplen
        pcapLinkType = h.getInt() & 0x0FFF_FFFF; // the top bits carry FCS information
        if (major != 2) {
            throw new CaptureFormatException(source + ": pcap version " + major + " is not supported (want 2)");
        }
        pcapUnitsPerSecond = magic == PcapWriter.MAGIC_NANOS ? 1_000_000_000L : 1_000_000L;
    }

    private CapturedFrame nextPcap() throws IOException {
        long at = position;
        ByteBuffer h = readOrEnd(16, "pcap record header");
        if (h == null) {
            return null;
        }
        long seconds = Integer.toUnsignedLong(h.getInt());
        long fraction = Integer.toUnsignedLong(h.getInt());
        int captured = h.getInt();
        int original = h.getInt();
        if (captured < 0 || captured > MAX_RECORD || fraction >= pcapUnitsPerSecond) {
            throw new CaptureFormatException(source + ": corrupt pcap record header at offset " + at
                    + " (captured length " + Integer.toUnsignedString(captured) + ", fraction " + fraction + ")");
        }
        byte[] data = readExactly(captured, "pcap record data").array();
        long nanos = seconds * 1_000_000_000L + fraction * (1_000_000_000L / pcapUnitsPerSecond);
        return new CapturedFrame(0, null, pcapLinkType, nanos, data, Math.max(original, captured), null);
    }

    private void readSectionHeader() throws IOException {
        // Block type already read; the byte-order magic after the length tells the section's order.
        long at = position - 4;
        byte[] lenAndMagic = readExactly(8, "section header block").array();
        int magicLe = ByteBuffer.wrap(lenAndMagic, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int magicBe = ByteBuffer.wrap(lenAndMagic, 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (magicLe == PcapngWriter.BYTE_ORDER_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (magicBe == PcapngWriter.BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new CaptureFormatException(source + ": bad byte-order magic in section header at offset " + at);
        }
        int total = ByteBuffer.wrap(lenAndMagic, 0, 4).order(order).getInt();
        checkBlockLength(total, 28, at);
        ByteBuffer body = readExactly(total - 12, "section header block");
        int major = Short.toUnsignedInt(body.getShort());
        if (major != 1) {
            throw new CaptureFormatException(source + ": pcapng version " + major + " is not supported (want 1)");
        }
        checkTrailer(body, total, at);
        interfaces.clear();
    }

    private CapturedFrame nextPcapng() throws IOException {
        while (true) {
            long at = position;
            ByteBuffer head = readOrEnd(4, "block header");
            if (head == null) {
                return null;
            }
            int type = head.getInt();
            if (type == PcapngWriter.SHB) {
                readSectionHeader();
                continue;
            }
            int total = readExactly(4, "block length").getInt();
            checkBlockLength(total, 12, at);
            ByteBuffer body = readExactly(total - 8, "block");
            switch (type) {
                case PcapngWriter.IDB -> readInterface(body, total, at);
                case PcapngWriter.EPB -> {
                    return readEnhancedPacket(body, total, at);
                }
                case PcapngWriter.SPB -> {
                    return readSimplePacket(body, total, at);
                }
                default -> checkTrailer(body, total, at); // NRB, ISB, DSB and unknown blocks are skipped
            }
        }
    }

    private void readInterface(ByteBuffer body, int total, long at) throws IOException {
        need(body, 8 + 4, at, "interface description block");
        int linkType = Short.toUnsignedInt(body.getShort());
        body.getShort();
        int snapLen = body.getInt();
        String name = null;
        long units = 1_000_000L; // pcapng §4.2: default resolution is microseconds
        for (Option o : options(body, total, at)) {
            if (o.code == PcapngWriter.IF_NAME) {
                name = o.text();
            } else if (o.code == PcapngWriter.IF_TSRESOL && o.value.length >= 1) {
                int r = o.value[0] & 0xFF;
                int exp = r & 0x7F;
                if ((r & 0x80) != 0 ? exp > 62 : exp > 18) {
                    throw new CaptureFormatException(source + ": if_tsresol " + r + " out of range at offset " + at);
                }
                units = (r & 0x80) != 0 ? 1L << exp : pow10(exp);
            }
        }
        interfaces.add(new Interface(name, linkType, snapLen, units));
    }

    private CapturedFrame readEnhancedPacket(ByteBuffer body, int total, long at) throws IOException {
        need(body, 20 + 4, at, "enhanced packet block");
        int ifId = body.getInt();
        long ts = Integer.toUnsignedLong(body.getInt()) << 32 | Integer.toUnsignedLong(body.getInt());
        int captured = body.getInt();
        int original = body.getInt();
        if (ifId < 0 || ifId >= interfaces.size()) {
            throw new CaptureFormatException(source + ": packet at offset " + at + " names interface " + ifId
                    + " but the section declares " + interfaces.size());
        }
        if (captured < 0 || captured > body.remaining() - 4) {
            throw new CaptureFormatException(source + ": packet at offset " + at + " claims " + Integer.toUnsignedString(captured)
                    + " bytes but its block holds " + (body.remaining() - 4));
        }
        byte[] data = new byte[captured];
        body.get(data);
        body.position(body.position() + ((4 - (captured & 3)) & 3));
        String comment = null;
        for (Option o : options(body, total, at)) {
            if (o.code == PcapngWriter.OPT_COMMENT) {
                comment = o.text();
            }
        }
        Interface itf = interfaces.get(ifId);
        return new CapturedFrame(ifId, itf.name, itf.linkType, toNanos(ts, itf.unitsPerSecond), data,
                Math.max(original, captured), comment);
    }

    private CapturedFrame readSimplePacket(ByteBuffer body, int total, long at) throws IOException {
        need(body, 4 + 4, at, "simple packet block");
        if (interfaces.isEmpty()) {
            throw new CaptureFormatException(source + ": simple packet block at offset " + at + " before any interface");
        }
        Interface itf = interfaces.get(0);
        int original = body.getInt();
        int captured = Math.min(body.remaining() - 4, itf.snapLen > 0 ? Math.min(original, itf.snapLen) : original);
        if (captured < 0) {
            throw new CaptureFormatException(source + ": corrupt simple packet block at offset " + at);
        }
        byte[] data = new byte[captured];
        body.get(data);
        return new CapturedFrame(0, itf.name, itf.linkType, 0, data, Math.max(original, captured), null);
    }

    private record Option(int code, byte[] value) {
        String text() {
            int n = value.length;
            while (n > 0 && value[n - 1] == 0) {
                n--;
            }
            return new String(value, 0, n, StandardCharsets.UTF_8);
        }
    }

    /** Reads options up to the trailing block length, then checks that trailer. */
    private List<Option> options(ByteBuffer body, int total, long at) throws IOException {
        List<Option> list = new ArrayList<>(2);
        while (body.remaining() > 4) {
            if (body.remaining() < 8) {
                throw new CaptureFormatException(source + ": truncated option in block at offset " + at);
            }
            int code = Short.toUnsignedInt(body.getShort());
            int len = Short.toUnsignedInt(body.getShort());
            if (code == PcapngWriter.OPT_ENDOFOPT) {
                break;
            }
            int padded = (len + 3) & ~3;
            if (padded > body.remaining() - 4) {
                throw new CaptureFormatException(source + ": option " + code + " of " + len + " bytes overruns its block at offset " + at);
            }
            byte[] v = new byte[len];
            body.get(v);
            body.position(body.position() + padded - len);
            list.add(new Option(code, v));
        }
        body.position(body.limit() - 4);
        checkTrailer(body, total, at);
        return list;
    }

    private void checkTrailer(ByteBuffer body, int total, long at) throws CaptureFormatException {
        int trailer = body.getInt(body.limit() - 4);
        if (trailer != total) {
            throw new CaptureFormatException(source + ": block at offset " + at + " has length " + total
                    + " but trailer " + trailer);
        }
    }

    private void checkBlockLength(int total, int min, long at) throws CaptureFormatException {
        if (total < min || total > MAX_RECORD || (total & 3) != 0) {
            throw new CaptureFormatException(source + ": bad block length " + Integer.toUnsignedString(total) + " at offset " + at);
        }
    }

    private void need(ByteBuffer body, int n, long at, String what) throws CaptureFormatException {
        if (body.remaining() < n) {
            throw new CaptureFormatException(source + ": " + what + " at offset " + at + " is too short");
        }
    }

    private static long pow10(int exp) {
        long v = 1;
        for (int i = 0; i < exp; i++) {
            v *= 10;
        }
        return v;
    }

    private static long toNanos(long ticks, long unitsPerSecond) {
        if (unitsPerSecond == 1_000_000_000L) {
            return ticks;
        }
        long seconds = Long.divideUnsigned(ticks, unitsPerSecond);
        long rest = Long.remainderUnsigned(ticks, unitsPerSecond);
        return seconds * 1_000_000_000L + (long) ((double) rest * 1e9 / unitsPerSecond);
    }

    private ByteBuffer readOrEnd(int n, String what) throws IOException {
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        if (got == 0) {
            return null;
        }
        if (got < n) {
            throw new CaptureFormatException(source + ": truncated " + what + " at offset " + position);
        }
        position += n;
        return ByteBuffer.wrap(b).order(order);
    }

    private ByteBuffer readExactly(int n, String what) throws IOException {
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        if (got < n) {
            throw new CaptureFormatException(source + ": truncated " + what + " at offset " + position
                    + " (wanted " + n + " bytes, file has " + got + ")");
        }
        position += n;
        return ByteBuffer.wrap(b).order(order == null ? ByteOrder.BIG_ENDIAN : order);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
