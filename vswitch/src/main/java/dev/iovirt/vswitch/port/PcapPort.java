package dev.iovirt.vswitch.port;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CaptureWriter;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.capture.LinkType;
import dev.iovirt.packet.capture.PcapWriter;
import dev.iovirt.packet.capture.PcapngWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * A port backed by capture files, as Open vSwitch's dummy netdev with {@code rx_pcap} and
 * {@code tx_pcap}: once {@linkplain #startReplay() told to}, it hands the frames of an input pcap
 * or pcapng file to the switch, in file order and as fast as the switch takes them, once; every
 * frame the switch transmits to it is appended to an output file (pcapng if its name ends in
 * {@code .pcapng}, pcap otherwise), flushed after each batch so that a reader such as
 * {@code tshark -r} or {@code iovirt inspect} sees it while the switch runs.
 *
 * <p>Frames of another link type than Ethernet, and frames larger than the switch's buffers, are
 * skipped and counted in {@link PortCounters#rxErrors}. A write error is counted in
 * {@link PortCounters#txDropped} and kept in {@link #writeError()}; the switch goes on.
 *
 * <p>Invariant: {@link #receive}, {@link #transmit} and {@link #close} run on the switch thread
 * (or after it stopped); {@link #startReplay} may be called from any thread.
 */
public final class PcapPort implements FramePort, Closeable {
    private final String name;
    private final Path input;
    private final Path output;
    private final CaptureReader reader;
    private final CaptureWriter writer;
    private final LongSupplier wallClockNanos;
    private final PortCounters counters = new PortCounters();
    private final CompletableFuture<Integer> replayed = new CompletableFuture<>();
    private volatile boolean replaying;
    private volatile Runnable listener;
    private int framesReplayed;
    private boolean inputDone;
    private IOException writeError;

    /**
     * Opens both files now, so that a missing input or an unwritable output is reported before the
     * switch starts.
     *
     * @param input the capture whose frames enter the switch here, or null for none
     * @param output the file that receives what the switch sends out here, or null to discard it
     */
    public PcapPort(String name, Path input, Path output) throws IOException {
        this(name, input, output, PcapPort::epochNanos);
    }

    public PcapPort(String name, Path input, Path output, LongSupplier wallClockNanos) throws IOException {
        this.name = name;
        this.input = input;
        this.output = output;
        this.wallClockNanos = wallClockNanos;
        this.reader = input == null ? null : CaptureReader.open(input);
        CaptureWriter w = null;
        try {
            if (output != null) {
                if (output.getFileName().toString().endsWith(".pcapng")) {
                    PcapngWriter ng = PcapngWriter.create(output);
                    ng.addInterface(name);
                    w = ng;
                } else {
                    w = PcapWriter.create(output);
                }
                w.flush(); // the header is on disk: the file is a valid, empty capture from now on
            }
        } catch (IOException | RuntimeException e) {
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
        this.writer = w;
        if (reader == null) {
            inputDone = true;
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public Path input() {
        return input;
    }

    public Path output() {
        return output;
    }

    /** Starts handing the input file's frames to the switch; a second call does nothing. */
    public void startReplay() {
        if (reader == null) {
            replayed.complete(0);
            return;
        }
        replaying = true;
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    /** Completes with the number of frames handed to the switch once the input file is exhausted. */
    public CompletableFuture<Integer> replayed() {
        return replayed;
    }

    /** The first error writing the output file, or null. */
    public IOException writeError() {
        return writeError;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(FrameBatch batch) {
        if (!replaying || inputDone) {
            return 0;
        }
        int n = 0;
        try {
            while (!batch.isFull()) {
                CapturedFrame f = reader.next();
                if (f == null) {
                    finishInput();
                    break;
                }
                if (f.linkType() != LinkType.ETHERNET || !batch.add(f.data(), 0, f.data().length)) {
                    counters.rxErrors++;
                    continue;
                }
                counters.countRx(f.data().length);
                framesReplayed++;
                n++;
            }
        } catch (IOException e) {
            // A corrupt tail: what was read went in; the rest of the file is given up.
            counters.rxErrors++;
            finishInput();
            replayed.completeExceptionally(e);
        }
        return n;
    }

    private void finishInput() {
        inputDone = true;
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only file: nothing was lost
        }
        replayed.complete(framesReplayed);
    }

    @Override
    public int transmit(FrameBatch batch) {
        if (writer == null) {
            for (int i = 0; i < batch.size(); i++) {
                counters.countTx(batch.get(i).length());
            }
            return batch.size();
        }
        long now = wallClockNanos.getAsLong();
        int accepted = 0;
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            try {
                writer.write(0, now, f.buffer(), f.offset(), f.length(), null);
                counters.countTx(f.length());
                accepted++;
            } catch (IOException e) {
                counters.txDropped++;
                if (writeError == null) {
                    writeError = e;
                }
            }
        }
        try {
            writer.flush();
        } catch (IOException e) {
            if (writeError == null) {
                writeError = e;
            }
        }
        return accepted;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        this.listener = listener;
        if (replaying && listener != null) {
            listener.run();
        }
    }

    /** Flushes and closes the output file and closes the input. */
    @Override
    public void close() throws IOException {
        if (!inputDone) {
            inputDone = true;
            reader.close();
            replayed.complete(framesReplayed);
        }
        if (writer != null) {
            writer.close();
        }
    }

    /** Closes, turning an I/O error into an unchecked one (for shutdown hooks). */
    public void closeUnchecked() {
        try {
            close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "PcapPort[" + name + ", in " + input + ", out " + output + "]";
    }
}
