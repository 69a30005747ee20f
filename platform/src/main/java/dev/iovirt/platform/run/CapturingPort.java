package dev.iovirt.platform.run;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.capture.BpfFilter;
import dev.iovirt.packet.capture.PcapngWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * A vNIC's port as the switch sees it, with every frame that crosses it, both ways, written to a
 * pcapng file (where tcpdump on the VM's tap device would see them), if it matches the filter.
 * Writing is done on the thread that moves the frames; a write error stops the capture, is kept for
 * the report, and never stops the traffic.
 */
final class CapturingPort extends ForwardingPort implements AutoCloseable {
    private final PcapngWriter writer;
    private final int interfaceId;
    private final BpfFilter filter;
    private final LongSupplier clock;
    private long written;
    private IOException error;

    CapturingPort(FramePort port, PcapngWriter writer, BpfFilter filter, LongSupplier clock) throws IOException {
        super(port);
        this.writer = writer;
        this.filter = filter;
        this.clock = clock;
        this.interfaceId = writer.addInterface(port.name());
    }

    @Override
    public int receive(FrameBatch batch) {
        int before = batch.size();
        int n = port.receive(batch);
        for (int i = before; i < batch.size(); i++) {
            record(batch.get(i));
        }
        return n;
    }

    @Override
    public int transmit(FrameBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            record(batch.get(i));
        }
        return port.transmit(batch);
    }

    private void record(Frame f) {
        if (error != null) {
            return;
        }
        byte[] bytes = f.toBytes();
        if (filter != null && !filter.matches(bytes)) {
            return;
        }
        try {
            writer.write(interfaceId, clock.getAsLong(), bytes, 0, bytes.length, null);
            written++;
        } catch (IOException e) {
            error = e;
        } catch (UncheckedIOException e) {
            error = e.getCause();
        }
    }

    /** Frames written so far. */
    long written() {
        return written;
    }

    /** The write error that stopped the capture, or null. */
    IOException error() {
        return error;
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            if (filter != null) {
                filter.close();
            }
        }
    }
}
