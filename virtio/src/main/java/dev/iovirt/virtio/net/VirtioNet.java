package dev.iovirt.virtio.net;

import static dev.iovirt.virtio.net.VirtioNetLayout.*;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.virtio.VirtioDevice;
import dev.iovirt.virtio.VirtioStatus;
import dev.iovirt.virtio.queue.DescriptorChain;
import dev.iovirt.virtio.queue.VirtQueue;
import dev.iovirt.virtio.queue.VirtQueueException;
import dev.iovirt.vmm.mem.DmaMemory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A virtio-net device (virtio 1.2 §5.1) whose backend runs vhost-user style: the host side is a
 * {@link FramePort}, and whoever polls it — the switch's datapath thread, apart from the vCPU —
 * services the virtqueues directly, as an Open vSwitch PMD thread services a vhost-user port.
 *
 * <pre>
 * guest TX: driver adds chain, kicks (unless avail_event says not to) ─▶ queueNotify ─▶ receive listener
 *           switch ─▶ receive(batch): pop transmitq chains ─▶ copy hdr + frame into the batch (1 copy)
 *                  ─▶ addUsed ─▶ interrupt if used_event was passed
 * guest RX: switch ─▶ transmit(batch): MAC filter ─▶ pop receiveq chain(s) ─▶ write hdr + frame (1 copy)
 *                  ─▶ addUsed ─▶ interrupt if used_event was passed
 * </pre>
 *
 * Receive buffers are mergeable (MRG_RXBUF, num_buffers) when negotiated. A transmitted packet
 * with NEEDS_CSUM gets its checksum filled in (the device side of CSUM). Anything the driver
 * breaks in a queue stops the device with DEVICE_NEEDS_RESET; the host and other VMs go on.
 *
 * <p>Invariant: one thread at a time calls {@link #receive}/{@link #transmit} (the switch);
 * {@link #queueNotify} may come from the vCPU thread and only sets a flag and wakes the switch.
 */
public final class VirtioNet implements VirtioDevice, FramePort {
    /** Receive queue buffers a device may merge for one frame (bounded, so a tiny-buffer guest cannot loop us). */
    static final int MAX_MERGED_BUFFERS = 64;

    private final String name;
    private final MacAddress mac;
    private final int maxPairs;
    private final int queueSize;
    private final PortCounters counters = new PortCounters();
    private final VirtioNetStats stats = new VirtioNetStats();
    private final byte[] hdr = new byte[HDR_LEN];
    private final FlowKey rxKey = new FlowKey();
    private final int[] heads = new int[MAX_MERGED_BUFFERS];
    private final int[] lens = new int[MAX_MERGED_BUFFERS];
    private final boolean[] touchedPairs;
    private volatile Runnable listener;
    private volatile boolean txKicked;
    private volatile boolean linkUp = true;

    // Set at activation; read by the servicing thread.
    private volatile boolean active;
    private List<VirtQueue> queues;
    private DmaMemory memory;
    private Transport transport;
    private long features;
    private int pairs = 1;
    private boolean promiscuous;
    private boolean allMulticast;
    private final Set<Long> macTable = new HashSet<>();
    private long nextRxPair;

    public VirtioNet(String name, MacAddress mac, int maxPairs, int queueSize) {
        this.name = name;
        this.mac = mac;
        this.maxPairs = maxPairs;
        this.queueSize = queueSize;
        this.touchedPairs = new boolean[maxPairs];
    }

    public VirtioNetStats stats() {
        return stats;
    }

    public MacAddress mac() {
        return mac;
    }

    // ------------------------------------------------------------------ VirtioDevice

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long deviceFeatures() {
        long f = VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(VirtioStatus.F_EVENT_IDX)
                | VirtioStatus.bit(VirtioStatus.F_INDIRECT_DESC) | VirtioStatus.bit(VirtioStatus.F_RING_PACKED)
                | VirtioStatus.bit(F_MAC) | VirtioStatus.bit(F_STATUS)
                | VirtioStatus.bit(F_MRG_RXBUF) | VirtioStatus.bit(F_CSUM) | VirtioStatus.bit(F_GUEST_CSUM) | VirtioStatus.bit(F_CTRL_VQ)
                | VirtioStatus.bit(F_CTRL_RX);
        if (maxPairs > 1) {
            f |= VirtioStatus.bit(F_MQ);
        }
        return f;
    }

    @Override
    public int queueCount() {
        return 2 * maxPairs + 1;
    }

    @Override
    public int maxQueueSize() {
        return queueSize;
    }

    @Override
    public long configRead(int offset, int size) {
        byte[] cfg = new byte[12];
        mac.write(cfg, CONFIG_MAC);
        cfg[CONFIG_STATUS] = (byte) (linkUp ? STATUS_LINK_UP : 0);
        cfg[CONFIG_MAX_VIRTQUEUE_PAIRS] = (byte) maxPairs;
        cfg[CONFIG_MAX_VIRTQUEUE_PAIRS + 1] = (byte) (maxPairs >>> 8);
        cfg[CONFIG_MTU] = (byte) 1500;
        cfg[CONFIG_MTU + 1] = (byte) (1500 >>> 8);
        long v = 0;
        for (int i = 0; i < size && offset + i < cfg.length; i++) {
            v |= (long) (cfg[offset + i] & 0xFF) << (8 * i); // little-endian fields (§5.1.4)
        }
        return v;
    }

    @Override
    public void configWrite(int offset, int size, long value) {
        // §5.1.4: the configuration space is read-only for the driver (VIRTIO_NET_F_MAC set by the device).
    }

    @Override
    public synchronized void activate(long negotiated, List<VirtQueue> vqs, DmaMemory mem, Transport t) {
        this.features = negotiated;
        this.queues = vqs;
        this.memory = mem;
        this.transport = t;
        this.pairs = 1;
        this.promiscuous = false;
        this.allMulticast = false;
        macTable.clear();
        // Receive queues need no kicks: buffers are taken when frames arrive. Saying so spares the
        // driver an exit per refill (split: NO_NOTIFY or an avail_event never reached; packed: DISABLE).
        for (int pair = 0; pair < maxPairs; pair++) {
            VirtQueue rx = vqs.get(rxQueue(pair));
            if (rx != null) {
                try {
                    rx.disableNotification();
                } catch (dev.iovirt.virtio.queue.VirtQueueException e) {
                    t.needsReset("queue " + rxQueue(pair) + ": " + e.getMessage());
                    return;
                }
            }
        }
        this.active = true;
        kick();
    }

    @Override
    public void queueNotify(int index) {
        if (index == queueCount() - 1) {
            serviceControl();
        } else if ((index & 1) == 1) {
            kick();
        }
        // A receive-queue kick means new buffers: frames keep arriving through transmit().
    }

    private void kick() {
        txKicked = true;
        Runnable l = listener;
        if (l != null) {
            l.run();
        }
    }

    @Override
    public synchronized void reset() {
        active = false;
        queues = null;
        memory = null;
        transport = null;
    }

    private boolean has(int feature) {
        return (features & VirtioStatus.bit(feature)) != 0;
    }

    private void broken(VirtQueueException e, int queue) {
        active = false;
        transport.needsReset("queue " + queue + ": " + e.getMessage());
    }

    private void interrupt(VirtQueue q, int index) throws VirtQueueException {
        if (q.needsNotification()) {
            stats.interrupts++;
            transport.signalQueue(index);
        } else {
            stats.interruptsSuppressed++;
        }
    }

    // ------------------------------------------------------------------ FramePort: guest TX

    @Override
    public String name() {
        return name;
    }

    /** Frames the guest transmitted, taken from the transmit queues into {@code batch}. */
    @Override
    public synchronized int receive(FrameBatch batch) {
        if (!active || !txKicked) {
            return 0;
        }
        txKicked = false;
        int n = 0;
        for (int pair = 0; pair < pairs && active; pair++) {
            int index = txQueue(pair);
            VirtQueue q = queues.get(index);
            if (q == null) {
                continue;
            }
            try {
                int usedBefore = q.nextUsed();
                n += drainTx(q, batch);
                if (batch.isFull()) {
                    txKicked = true; // more may be waiting: come back
                }
                if (q.nextUsed() != usedBefore) {
                    interrupt(q, index);
                }
            } catch (VirtQueueException e) {
                broken(e, index);
            }
        }
        return n;
    }

    private int drainTx(VirtQueue q, FrameBatch batch) throws VirtQueueException {
        int n = 0;
        q.disableNotification();
        while (!batch.isFull()) {
            DescriptorChain c = q.popOrEnableNotification();
            if (c == null) {
                break;
            }
            if (c.writableBytes() > 0) {
                // §5.1.6.2: a transmit buffer is device-readable only (QEMU: "virtio-net header not in first element").
                throw new VirtQueueException(dev.iovirt.virtio.queue.VirtQueueError.WRONG_BUFFER_DIRECTION,
                        "a transmit buffer with device-writable descriptors");
            }
            long len = c.readableBytes() - HDR_LEN;
            if (len < 14 || len > Frame.DEFAULT_MAX_FRAME || c.readFrom(memory, 0, hdr, 0, HDR_LEN) < HDR_LEN) {
                counters.rxErrors++; // a malformed packet is dropped, the buffer returned (§5.1.6.2)
                q.addUsed(c.head(), 0);
                continue;
            }
            Frame f = batch.add();
            int got = c.readFrom(memory, HDR_LEN, f.buffer(), f.offset(), (int) len);
            f.setLength(got);
            if ((hdr[HDR_FLAGS] & HDR_F_NEEDS_CSUM) != 0 && has(F_CSUM)) {
                fillChecksum(f, Bytes.getU16le(hdr, HDR_CSUM_START), Bytes.getU16le(hdr, HDR_CSUM_OFFSET));
            }
            q.addUsed(c.head(), 0);
            stats.txPackets++;
            stats.txBytes += got;
            stats.copies++;
            stats.bytesCopied += got;
            counters.countRx(got);
            n++;
        }
        return n;
    }

    /** §5.1.6.2: the checksum over [csum_start, end), seeded with what the driver put there (the pseudo-header sum). */
    private static void fillChecksum(Frame f, int start, int offset) {
        byte[] b = f.buffer();
        int at = f.offset() + start + offset;
        if (start + offset + 2 > f.length()) {
            return;
        }
        int c = Checksums.internet(b, f.offset() + start, f.length() - start);
        Bytes.putU16(b, at, c);
    }

    // ------------------------------------------------------------------ FramePort: guest RX

    /** Frames for the guest: written into its posted receive buffers. */
    @Override
    public synchronized int transmit(FrameBatch batch) {
        if (!active || !linkUp) {
            counters.txDropped += batch.size();
            return 0;
        }
        int accepted = 0;
        boolean[] touched = touchedPairs;
        java.util.Arrays.fill(touched, false);
        for (int i = 0; i < batch.size() && active; i++) {
            Frame f = batch.get(i);
            if (!wanted(f)) {
                stats.rxFiltered++;
                counters.txDropped++;
                continue;
            }
            int pair = (int) (nextRxPair++ % pairs);
            int index = rxQueue(pair);
            VirtQueue q = queues.get(index);
            try {
                if (q != null && deliver(q, f)) {
                    accepted++;
                    touched[pair] = true;
                } else {
                    stats.rxNoBuffer++;
                    counters.txDropped++;
                }
            } catch (VirtQueueException e) {
                broken(e, index);
            }
        }
        for (int pair = 0; pair < pairs && active; pair++) {
            if (touched[pair]) {
                try {
                    interrupt(queues.get(rxQueue(pair)), rxQueue(pair));
                } catch (VirtQueueException e) {
                    broken(e, rxQueue(pair));
                }
            }
        }
        return accepted;
    }

    private boolean deliver(VirtQueue q, Frame f) throws VirtQueueException {
        int len = f.length();
        java.util.Arrays.fill(hdr, (byte) 0);
        if (has(F_GUEST_CSUM) && checksumValid(f)) {
            hdr[HDR_FLAGS] = HDR_F_DATA_VALID; // §5.1.6.3.2: the driver may skip verifying it
        }
        DescriptorChain c = q.pop();
        if (c == null) {
            return false;
        }
        if (c.writableBytes() == 0) {
            // §5.1.6.3: receive buffers are device-writable; a read-only one is a driver error (QEMU: virtio_error).
            throw new VirtQueueException(dev.iovirt.virtio.queue.VirtQueueError.WRONG_BUFFER_DIRECTION,
                    "a receive buffer with no device-writable descriptor");
        }
        boolean mergeable = has(F_MRG_RXBUF);
        if (!mergeable) {
            if (c.writableBytes() < HDR_LEN + len) {
                q.addUsed(c.head(), 0); // too small: the frame is dropped, the buffer returned
                return false;
            }
            c.writeTo(memory, 0, hdr, 0, HDR_LEN);
            c.writeTo(memory, HDR_LEN, f.buffer(), f.offset(), len);
            q.addUsed(c.head(), HDR_LEN + len);
        } else {
            // §5.1.6.3.1: spread over as many buffers as needed; num_buffers goes in the first one's header.
            if (c.writableBytes() < HDR_LEN) {
                q.addUsed(c.head(), 0);
                return false;
            }
            // The queue reuses its chain object: note where num_buffers lives before popping more.
            long numBuffersLo = c.writableAddress(HDR_NUM_BUFFERS);
            long numBuffersHi = c.writableAddress(HDR_NUM_BUFFERS + 1);
            int firstHead = c.head();
            int payloadInFirst = (int) Math.min(len, c.writableBytes() - HDR_LEN);
            int buffers = 1;
            heads[0] = firstHead;
            lens[0] = HDR_LEN + payloadInFirst;
            int written = payloadInFirst;
            Bytes.putU16le(hdr, HDR_NUM_BUFFERS, 1);
            c.writeTo(memory, 0, hdr, 0, HDR_LEN);
            c.writeTo(memory, HDR_LEN, f.buffer(), f.offset(), payloadInFirst);
            while (written < len) {
                DescriptorChain more = buffers < MAX_MERGED_BUFFERS ? q.pop() : null;
                if (more == null) {
                    // Too few buffers for this frame now: leave them all available and drop the frame.
                    q.undoPop(buffers);
                    return false;
                }
                int n = more.writeTo(memory, 0, f.buffer(), f.offset() + written, len - written);
                heads[buffers] = more.head();
                lens[buffers] = n;
                written += n;
                buffers++;
            }
            if (buffers > 1) {
                try {
                    memory.write8(dev.iovirt.vmm.mem.Gpa.of(numBuffersLo), buffers & 0xFF);
                    memory.write8(dev.iovirt.vmm.mem.Gpa.of(numBuffersHi), buffers >>> 8);
                } catch (dev.iovirt.vmm.mem.DmaFaultException e) {
                    throw new VirtQueueException(dev.iovirt.virtio.queue.VirtQueueError.BUFFER_OUT_OF_MEMORY, e.getMessage());
                }
            }
            for (int k = 0; k < buffers; k++) {
                q.addUsed(heads[k], lens[k]);
            }
        }
        stats.rxPackets++;
        stats.rxBytes += len;
        stats.copies++;
        stats.bytesCopied += len;
        counters.countTx(len);
        return true;
    }

    /**
     * Whether the frame is IPv4 TCP or UDP with a transport checksum that verifies (a UDP checksum of
     * zero means none was sent: nothing to vouch for). Allocates nothing.
     */
    private boolean checksumValid(Frame f) {
        FlowKeyParser.parse(f, rxKey);
        if (!rxKey.has(FlowKey.L_IPV4) || !rxKey.isComplete() || rxKey.ipFrag() != 0) {
            return false;
        }
        boolean tcp = rxKey.has(FlowKey.L_TCP);
        if (!tcp && !rxKey.has(FlowKey.L_UDP)) {
            return false;
        }
        byte[] b = f.buffer();
        int l4 = f.offset() + rxKey.l4Offset();
        int l4Len = rxKey.l3Length() - (rxKey.l4Offset() - rxKey.l3Offset());
        if (!tcp && Bytes.getU16(b, l4 + 6) == 0) {
            return false;
        }
        long pseudo = Checksums.pseudoHeaderIpv4(rxKey.ipv4Src(), rxKey.ipv4Dst(), rxKey.ipProto(), l4Len);
        return Checksums.finish(Checksums.sum(b, l4, l4Len, pseudo)) == 0;
    }

    /** §5.1.6.5.1: receive filtering by MAC, unless promiscuous. */
    private boolean wanted(Frame f) {
        if (promiscuous || f.length() < 6) {
            return true;
        }
        long dst = Bytes.getU48(f.buffer(), f.offset());
        if (dst == mac.bits() || dst == MacAddress.BROADCAST.bits()) {
            return true;
        }
        boolean multicast = (dst & 0x0100_0000_0000L) != 0;
        return multicast && allMulticast || macTable.contains(dst) || !has(F_CTRL_RX) && multicast;
    }

    // ------------------------------------------------------------------ control queue

    private synchronized void serviceControl() {
        if (!active) {
            return;
        }
        int index = queueCount() - 1;
        VirtQueue q = queues.get(index);
        if (q == null) {
            return;
        }
        try {
            byte[] cmd = new byte[2 + 4 + 6 * 64 * 2 + 8];
            for (DescriptorChain c; (c = q.pop()) != null; ) {
                int n = c.readFrom(memory, 0, cmd, 0, (int) Math.min(cmd.length, c.readableBytes()));
                int ack = n >= 2 ? control(cmd, n) : CTRL_ERR;
                byte[] ackByte = {(byte) ack};
                if (c.writableBytes() < 1) {
                    throw new VirtQueueException(dev.iovirt.virtio.queue.VirtQueueError.WRONG_BUFFER_DIRECTION,
                            "a control command without a writable ack byte");
                }
                c.writeTo(memory, 0, ackByte, 0, 1);
                q.addUsed(c.head(), 1);
                stats.controlCommands++;
            }
            interrupt(q, index);
        } catch (VirtQueueException e) {
            broken(e, index);
        }
    }

    private int control(byte[] cmd, int n) {
        int cls = cmd[0] & 0xFF;
        int command = cmd[1] & 0xFF;
        switch (cls) {
            case CTRL_RX -> {
                if (!has(F_CTRL_RX) || n < 3) {
                    return CTRL_ERR;
                }
                boolean on = cmd[2] != 0;
                if (command == CTRL_RX_PROMISC) {
                    promiscuous = on;
                } else if (command == CTRL_RX_ALLMULTI) {
                    allMulticast = on;
                } else {
                    return CTRL_ERR;
                }
                return CTRL_OK;
            }
            case CTRL_MAC -> {
                if (command != CTRL_MAC_TABLE_SET) {
                    return CTRL_ERR;
                }
                // §5.1.6.5.2: two tables (unicast, multicast), each le32 entries then 6-byte addresses.
                macTable.clear();
                int at = 2;
                for (int table = 0; table < 2; table++) {
                    if (at + 4 > n) {
                        return CTRL_ERR;
                    }
                    long entries = Integer.toUnsignedLong(Bytes.getI32le(cmd, at));
                    at += 4;
                    if (entries > 64 || at + 6 * entries > n) {
                        return CTRL_ERR;
                    }
                    for (int i = 0; i < entries; i++) {
                        macTable.add(Bytes.getU48(cmd, at));
                        at += 6;
                    }
                }
                return CTRL_OK;
            }
            case CTRL_MQ -> {
                if (!has(F_MQ) || command != CTRL_MQ_VQ_PAIRS_SET || n < 4) {
                    return CTRL_ERR;
                }
                int want = Bytes.getU16le(cmd, 2);
                if (want < MQ_PAIRS_MIN || want > maxPairs) {
                    return CTRL_ERR;
                }
                pairs = want;
                return CTRL_OK;
            }
            default -> {
                return CTRL_ERR;
            }
        }
    }

    // ------------------------------------------------------------------ FramePort plumbing

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public boolean isLinkUp() {
        return linkUp;
    }

    /** Sets the link state and tells the driver (STATUS changes are a configuration change, §5.1.4). */
    public void setLinkUp(boolean up) {
        linkUp = up;
        Transport t = transport;
        if (t != null && has(F_STATUS)) {
            t.signalConfigChange();
        }
    }

    @Override
    public void setReceiveListener(Runnable l) {
        listener = l;
    }

    /** The number of queue pairs in use (set by VIRTIO_NET_CTRL_MQ). */
    public int activePairs() {
        return pairs;
    }

    @Override
    public String toString() {
        return "virtio-net[" + name + ", " + mac + ", " + stats + "]";
    }
}
