package dev.iovirt.vswitch.port;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import java.io.EOFException;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;

/**
 * A switch port on a real network interface of the host (a NIC, or a veth into a network
 * namespace): frames captured on the interface enter the switch, frames the switch sends out are
 * injected on it — Open vSwitch's "system" port, done with libpcap through Pcap4J.
 *
 * <pre>
 * interface ─libpcap (direction IN)─▶ reader thread ─▶ queue ─▶ receive()   (wakes the switch)
 * transmit() ─▶ pcap_sendpacket on a second handle ─▶ interface
 * </pre>
 *
 * Two handles, because a libpcap handle is not safe to read on one thread and write on another.
 * Capturing only inbound frames keeps the switch from seeing its own transmissions again. The
 * reader allocates one array per frame (libpcap hands out copies); this is a port to the outside
 * world, not the datapath's inner loop. Needs the right to capture (root or CAP_NET_RAW).
 *
 * <p>On a veth served this way, turn off transmit checksum offload on the peer (`ethtool -K peer tx
 * off`): otherwise TCP and UDP leave it with partial checksums that nothing completes.
 */
public final class UplinkPort implements FramePort, AutoCloseable {
    static final int SNAPLEN = 65536;

    private final String name;
    private final String device;
    private final PcapHandle capture;
    private final PcapHandle inject;
    private final ArrivedFrames arrived = new ArrivedFrames();
    private final PortCounters counters = new PortCounters();
    private final byte[] scratch = new byte[SNAPLEN];
    private final Thread reader;
    private volatile boolean closed;

    private UplinkPort(String name, String device, PcapHandle capture, PcapHandle inject) {
        this.name = name;
        this.device = device;
        this.capture = capture;
        this.inject = inject;
        this.reader = Thread.ofVirtual().name("uplink-" + device).unstarted(this::read);
    }

    /**
     * Opens the interface {@code device} (e.g. {@code eth1}, {@code veth0}).
     *
     * @throws IllegalStateException naming the interface and libpcap's reason (no such device,
     *     no permission, libpcap missing)
     */
    public static UplinkPort open(String name, String device) {
        PcapHandle capture = null;
        try {
            capture = new PcapHandle.Builder(device).snaplen(SNAPLEN)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.PROMISCUOUS)
                    .immediateMode(true).timeoutMillis(10).direction(PcapHandle.PcapDirection.IN).build();
            PcapHandle inject = new PcapHandle.Builder(device).snaplen(SNAPLEN).timeoutMillis(10).build();
            UplinkPort port = new UplinkPort(name, device, capture, inject);
            port.reader.start();
            return port;
        } catch (PcapNativeException e) {
            if (capture != null) {
                capture.close();
            }
            throw new IllegalStateException("cannot open interface " + device + ": " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new IllegalStateException("libpcap is not installed (Debian package libpcap0.8): " + e.getMessage(), e);
        }
    }

    private void read() {
        while (!closed) {
            byte[] frame;
            try {
                frame = capture.getNextRawPacketEx();
            } catch (TimeoutException e) {
                continue;
            } catch (PcapNativeException | EOFException | NotOpenException e) {
                if (!closed) {
                    counters.rxErrors++;
                }
                return;
            }
            arrived.offer(frame);
        }
    }

    /** The interface this port is on. */
    public String device() {
        return device;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(FrameBatch batch) {
        return arrived.drainInto(batch, counters);
    }

    @Override
    public int transmit(FrameBatch batch) {
        int sent = 0;
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            int len = f.copyTo(scratch, 0);
            try {
                inject.sendPacket(scratch, len);
                counters.countTx(len);
                sent++;
            } catch (PcapNativeException | NotOpenException e) {
                counters.txDropped++;
            }
        }
        return sent;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public boolean isLinkUp() {
        return !closed;
    }

    @Override
    public void setReceiveListener(Runnable listener) {
        arrived.setListener(listener);
    }

    @Override
    public void close() {
        closed = true;
        try {
            capture.breakLoop();
        } catch (NotOpenException e) {
            // already closed
        }
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        capture.close();
        inject.close();
    }

    @Override
    public String toString() {
        return "UplinkPort[" + name + " on " + device + "]";
    }
}
