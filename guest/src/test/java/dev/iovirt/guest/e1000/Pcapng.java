package dev.iovirt.guest.e1000;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A minimal pcapng writer for the test's capture (draft-ietf-opsawg-pcapng: section header block,
 * one Ethernet interface with nanosecond timestamps, enhanced packet blocks). The packet module's
 * capture writer replaces it once both branches are merged.
 */
final class Pcapng {
    private Pcapng() {
    }

    static void write(Path file, List<E1000Lab.Capture.Record> frames) throws IOException {
        int size = 28 + 32;
        for (E1000Lab.Capture.Record r : frames) {
            size += 32 + pad(r.bytes().length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // Section header block (§4.1).
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28);
        // Interface description block (§4.2): LINKTYPE_ETHERNET, if_tsresol = 9 (nanoseconds).
        b.putInt(1).putInt(32).putShort((short) 1).putShort((short) 0).putInt(65535);
        b.putShort((short) 9).putShort((short) 1).put((byte) 9).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putShort((short) 0).putShort((short) 0).putInt(32);
        // Enhanced packet blocks (§4.3).
        for (E1000Lab.Capture.Record r : frames) {
            int len = r.bytes().length;
            int total = 32 + pad(len);
            b.putInt(6).putInt(total).putInt(0).putInt((int) (r.nanos() >>> 32)).putInt((int) r.nanos()).putInt(len).putInt(len);
            b.put(r.bytes());
            for (int i = len; i < pad(len); i++) {
                b.put((byte) 0);
            }
            b.putInt(total);
        }
        Files.write(file, b.array());
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
