package dev.iovirt.vmm.dev;

import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;

/** A {@link ConsoleSink} that keeps everything written, readable as text. */
public final class ConsoleBuffer implements ConsoleSink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void put(int b) {
        bytes.write(b);
    }

    public synchronized String text() {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
