package dev.iovirt.packet.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes pcapng files (draft-ietf-opsawg-pcapng): a Section Header Block, one Interface Description
 * Block per capture point carrying its name ({@code if_name}), optionally a description
 * ({@code if_description}), and nanosecond resolution
 * ({@code if_tsresol} = 9), and an Enhanced Packet Block per frame with an optional
 * {@code opt_comment}. Little-endian, as the machines that write it.
 */
public final class PcapngWriter implements CaptureWriter {
    // pcapng §4.1-4.3 block types.
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 0x00000001;
    static final int EPB = 0x00000006;
    static final int SPB = 0x00000003;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    // Option codes (pcapng §3.5, §4.2, §4.3).
    static final int OPT_ENDOFOPT = 0;
    static final int OPT_COMMENT = 1;
    static final int SHB_USERAPPL = 4;
    static final int IF_NAME = 2;
    static final int IF_DESCRIPTION = 3;
    static final int IF_TSRESOL = 9;

    private final OutputStream out;
    private final int snapLen;
    private int interfaces;
    private ByteBuffer buf = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);

    public PcapngWriter(OutputStream out, int snapLen, String application) throws IOException {
        this.out = out;
        this.snapLen = snapLen;
        begin(SHB);
        buf.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L); // section length unknown
        if (application != null) {
            option(SHB_USERAPPL, application.getBytes(StandardCharsets.UTF_8));
        }
        endOptions();
        end();
    }

    public static PcapngWriter create(Path path) throws IOException {
        return new PcapngWriter(new BufferedOutputStream(Files.newOutputStream(path)), PcapWriter.DEFAULT_SNAPLEN, "iovirt");
    }

    @Override
    public int addInterface(String name) throws IOException {
        return addInterface(name, null, LinkType.ETHERNET);
    }

    /**
     * Declares an interface with a description ({@code if_description}, pcapng §4.2, e.g. what the
     * capture point is) and a link type other than Ethernet (for a merge of other files' frames).
     *
     * @param name its {@code if_name}, or null
     * @param description its {@code if_description}, or null
     * @param linkType a LINKTYPE_ value
     */
    public int addInterface(String name, String description, int linkType) throws IOException {
        begin(IDB);
        buf.putShort((short) linkType).putShort((short) 0).putInt(snapLen);
        if (name != null) {
            option(IF_NAME, name.getBytes(StandardCharsets.UTF_8));
        }
        if (description != null) {
            option(IF_DESCRIPTION, description.getBytes(StandardCharsets.UTF_8));
        }
        option(IF_TSRESOL, new byte[] {9});
        endOptions();
        end();
        return interfaces++;
    }

    @Override
    public void write(int interfaceId, long timestampNanos, byte[] data, int offset, int length, String comment) throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaces) {
            throw new IllegalArgumentException("interface " + interfaceId + " was not added (have " + interfaces + ")");
        }
        int captured = Math.min(length, snapLen);
        begin(EPB);
        ensure(20 + captured + 3 + (comment == null ? 0 : comment.length() * 3 + 12));
        buf.putInt(interfaceId).putInt((int) (timestampNanos >>> 32)).putInt((int) timestampNanos)
                .putInt(captured).putInt(length);
        buf.put(data, offset, captured);
        pad();
        if (comment != null) {
            option(OPT_COMMENT, comment.getBytes(StandardCharsets.UTF_8));
            endOptions();
        }
        end();
    }

    private void begin(int type) {
        buf.clear();
        buf.putInt(type).putInt(0); // total length patched in end()
    }

    private void ensure(int more) {
        if (buf.remaining() < more + 16) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64)).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    private void option(int code, byte[] value) {
        ensure(value.length + 8);
        buf.putShort((short) code).putShort((short) value.length).put(value);
        pad();
    }

    private void endOptions() {
        ensure(4);
        buf.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private void end() throws IOException {
        ensure(4);
        int total = buf.position() + 4;
        buf.putInt(total);
        buf.putInt(4, total);
        out.write(buf.array(), 0, total);
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
