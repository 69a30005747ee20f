package dev.iovirt.guest.drivers;

import static dev.iovirt.virtio.pci.VirtioPciLayout.*;

import dev.iovirt.guest.Driver;
import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.virtio.VirtioRings;
import dev.iovirt.guest.net.FrameReceiver;
import dev.iovirt.guest.net.NetDevice;
import dev.iovirt.guest.net.PollModeDevice;
import dev.iovirt.guest.pci.Msix;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.virtio.VirtioStatus;
import dev.iovirt.virtio.net.VirtioNetLayout;
import dev.iovirt.virtio.queue.SplitRing;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * The guest's virtio-net driver (virtio 1.2 §5.1.5, §4.1.5, §3.1.1), after Linux's {@code virtio_net}
 * in what it costs: it negotiates VERSION_1, MAC, STATUS and, when asked and offered, EVENT_IDX and
 * the packed ring; builds a receive and a transmit queue in guest memory and fills the receive queue;
 * routes the receive queue's MSI-X vector to its handler.
 *
 * <p><b>Transmit</b>: reclaim what the device used (memory reads, no exit), write the 12-byte header
 * and the frame into a buffer, make it available, publish, and kick only if the device asked for it
 * (EVENT_IDX's avail_event / the device's event-suppression flags). A kick is a write to the notify
 * register: an in-kernel exit (ioeventfd), not one to user space. Transmit completions are reaped
 * lazily: the transmit queue never interrupts.
 *
 * <p><b>Receive</b> (NAPI): the interrupt handler disarms the queue's interrupts and schedules the
 * poll task; the task takes up to {@link #POLL_BUDGET} frames, refills their buffers, publishes
 * them, then re-arms (used_event at the next buffer) and polls again if one slipped in meanwhile.
 * Under load most packets therefore cost no interrupt and no exit.
 *
 * <p><b>Poll mode</b> ({@code pollMode}, as DPDK's {@code virtio_net} PMD): no MSI-X vector is routed
 * for the receive queue and its interrupts stay suppressed (VIRTQ_AVAIL_F_NO_INTERRUPT, virtio 1.2
 * §2.7.7, or with EVENT_IDX a used_event kept half a ring behind, §2.7.10, rewritten after every
 * burst so that the device never reaches it); the owner takes frames with {@link #receiveBurst}.
 * Transmit honours {@link #setXmitMore}: while it is set, buffers are added but not published, and
 * clearing it publishes the whole burst with at most one kick.
 *
 * <p>The driver holds no device object: only BAR addresses, guest memory and the register maps of
 * the {@code virtio} module.
 */
public final class VirtioNetDriver implements Driver, PollModeDevice {
    /** Entries per queue (the driver's ring size; the device may offer more). */
    public static final int RING_SIZE = 256;
    public static final int BUFFER_SIZE = 2048;
    public static final int POLL_BUDGET = 64;
    public static final long DEFAULT_MEMORY_BASE = 0x0200_0000L;
    /** Entries of the control queue (one command at a time). */
    static final int CONTROL_RING_SIZE = 8;
    /** Guest memory the driver uses: two rings, two sets of buffers, and the control queue with its command buffer. */
    public static final long MEMORY_BYTES = 2 * VirtioRings.RING_AREA + 2L * RING_SIZE * BUFFER_SIZE + 2 * 4096;
    private static final int CONTROL = 2; // §5.1.2: controlq is queue 2N with N = 1 pair (no VIRTIO_NET_F_MQ)
    private static final int RX = VirtioNetLayout.rxQueue(0);
    private static final int TX = VirtioNetLayout.txQueue(0);

    private final long memoryBase;
    private final boolean wantPacked;
    private final boolean wantEventIdx;
    private final boolean pollMode;
    private final boolean wantPromiscuous;
    private boolean promiscuous;
    private boolean xmitMore;
    private boolean txUnpublished;
    private final byte[] frame = new byte[BUFFER_SIZE];
    private final byte[] header = new byte[VirtioNetLayout.HDR_LEN];
    private GuestCpu cpu;
    private long common;
    private long notifyBase;
    private int notifyMultiplier;
    private long deviceConfig;
    private MacAddress mac;
    private VirtioRings rings;
    private FrameReceiver receiver = (b, o, l) -> { };
    private boolean pollScheduled;
    private final Task poll = k -> poll();
    private final boolean[] txBusy = new boolean[RING_SIZE];
    private int txNext;

    private long kicks;
    private long kicksSuppressed;
    private long interrupts;
    private long rxPackets;
    private long txPackets;
    private long txRingFull;
    private long features;

    public VirtioNetDriver() {
        this(DEFAULT_MEMORY_BASE, false, true);
    }

    /**
     * @param packed use the packed ring if the device offers it
     * @param eventIdx negotiate EVENT_IDX if offered
     */
    public VirtioNetDriver(long memoryBase, boolean packed, boolean eventIdx) {
        this(memoryBase, packed, eventIdx, false);
    }

    /**
     * @param packed use the packed ring if the device offers it
     * @param eventIdx negotiate EVENT_IDX if offered
     * @param pollMode suppress receive interrupts and leave the receive ring to {@link #receiveBurst}
     */
    public VirtioNetDriver(long memoryBase, boolean packed, boolean eventIdx, boolean pollMode) {
        this(memoryBase, packed, eventIdx, pollMode, false);
    }

    /**
     * @param packed use the packed ring if the device offers it
     * @param eventIdx negotiate EVENT_IDX if offered
     * @param pollMode suppress receive interrupts and leave the receive ring to {@link #receiveBurst}
     * @param promiscuous receive every frame, not only those for this MAC (a bump in the wire, a
     *     bridge): negotiates the control queue and sends VIRTIO_NET_CTRL_RX_PROMISC (§5.1.6.5.1).
     *     The control queue is written as a split ring, so this excludes {@code packed}.
     */
    public VirtioNetDriver(long memoryBase, boolean packed, boolean eventIdx, boolean pollMode, boolean promiscuous) {
        if (packed && promiscuous) {
            throw new IllegalArgumentException("the driver's control queue is a split ring: promiscuous mode needs packed off");
        }
        this.wantPromiscuous = promiscuous;
        this.memoryBase = memoryBase;
        this.wantPacked = packed;
        this.wantEventIdx = eventIdx;
        this.pollMode = pollMode;
    }

    @Override
    public boolean probe(Kernel kernel, PciDevice device) {
        cpu = kernel.cpu();
        PciEnumerator config = new PciEnumerator(cpu);
        // §4.1.4: find the vendor capabilities; each names a BAR, an offset and a length.
        long[] region = new long[6];
        int status = config.read(device.bdf(), PciConfig.COMMAND) >>> 16;
        if ((status & PciConfig.STATUS_CAPABILITIES_LIST) == 0) {
            return false;
        }
        int ptr = config.read(device.bdf(), PciConfig.CAPABILITIES_POINTER) & 0xFC;
        for (int guard = 0; ptr >= 0x40 && guard < 48; guard++) {
            int head = config.read(device.bdf(), ptr);
            if ((head & 0xFF) == CAP_ID_VENDOR) {
                int type = (head >>> 24) & 0xFF;
                int bar = config.read(device.bdf(), ptr + CAP_BAR) & 0xFF;
                int offset = config.read(device.bdf(), ptr + CAP_OFFSET);
                if (type >= CFG_COMMON && type <= CFG_DEVICE && bar < 6 && region[type] == 0) {
                    region[type] = device.barAddress()[bar] + Integer.toUnsignedLong(offset);
                    if (type == CFG_NOTIFY) {
                        notifyMultiplier = config.read(device.bdf(), ptr + CAP_NOTIFY_OFF_MULTIPLIER);
                    }
                }
            }
            ptr = (head >>> 8) & 0xFC;
        }
        if (region[CFG_COMMON] == 0 || region[CFG_NOTIFY] == 0 || region[CFG_DEVICE] == 0) {
            return false;
        }
        common = region[CFG_COMMON];
        notifyBase = region[CFG_NOTIFY];
        deviceConfig = region[CFG_DEVICE];

        // §3.1.1: reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queues, DRIVER_OK.
        cpu.write8(common + DEVICE_STATUS, 0);
        cpu.write8(common + DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE);
        cpu.write8(common + DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        long offered = 0;
        for (int sel = 0; sel < 2; sel++) {
            cpu.write32(common + DEVICE_FEATURE_SELECT, sel);
            offered |= (cpu.read32(common + DEVICE_FEATURE) & 0xFFFF_FFFFL) << (32 * sel);
        }
        long want = VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(VirtioNetLayout.F_MAC)
                | VirtioStatus.bit(VirtioNetLayout.F_STATUS);
        if (wantEventIdx) {
            want |= VirtioStatus.bit(VirtioStatus.F_EVENT_IDX);
        }
        if (wantPacked) {
            want |= VirtioStatus.bit(VirtioStatus.F_RING_PACKED);
        }
        if (wantPromiscuous) {
            want |= VirtioStatus.bit(VirtioNetLayout.F_CTRL_VQ) | VirtioStatus.bit(VirtioNetLayout.F_CTRL_RX);
        }
        features = want & offered;
        if ((features & VirtioStatus.bit(VirtioStatus.F_VERSION_1)) == 0) {
            return false; // not a modern device
        }
        for (int sel = 0; sel < 2; sel++) {
            cpu.write32(common + DRIVER_FEATURE_SELECT, sel);
            cpu.write32(common + DRIVER_FEATURE, (int) (features >>> (32 * sel)));
        }
        cpu.write8(common + DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
        if ((cpu.read8(common + DEVICE_STATUS) & VirtioStatus.FEATURES_OK) == 0) {
            cpu.write8(common + DEVICE_STATUS, VirtioStatus.FAILED);
            return false;
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) cpu.read8(deviceConfig + VirtioNetLayout.CONFIG_MAC + i);
        }
        mac = MacAddress.read(m, 0);

        boolean packed = (features & VirtioStatus.bit(VirtioStatus.F_RING_PACKED)) != 0;
        boolean eventIdx = (features & VirtioStatus.bit(VirtioStatus.F_EVENT_IDX)) != 0;
        rings = new VirtioRings(cpu, memoryBase, RING_SIZE, packed, eventIdx);
        byte[] zeros = new byte[4096];
        for (long a = memoryBase; a < memoryBase + MEMORY_BYTES; a += 4096) {
            cpu.write(a, zeros, 0, zeros.length);
        }
        // MSI-X: entry 1 for the receive queue; the transmit queue and configuration have no vector.
        // Poll mode routes none at all: the receive queue is read only by receiveBurst.
        if (!pollMode) {
            int vector = kernel.allocateVector((k, v, e) -> interrupt(k));
            Msix msix = new Msix(cpu, device);
            msix.route(1, kernel.apicId(), vector);
            msix.enable();
        }
        cpu.write16(common + CONFIG_MSIX_VECTOR, NO_VECTOR);
        setUpQueue(RX, pollMode ? NO_VECTOR : 1);
        setUpQueue(TX, NO_VECTOR);
        boolean control = (features & VirtioStatus.bit(VirtioNetLayout.F_CTRL_VQ)) != 0
                && (features & VirtioStatus.bit(VirtioNetLayout.F_CTRL_RX)) != 0;
        if (control) {
            setUpControlQueue();
        }
        cpu.write8(common + DEVICE_STATUS, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
                | VirtioStatus.DRIVER_OK);

        for (int id = 0; id < RING_SIZE; id++) {
            rings.ring(RX).add(id, rxBuffer(id), BUFFER_SIZE, true);
        }
        rings.ring(RX).publish();
        if (pollMode) {
            rings.ring(RX).disableInterrupts();
        } else {
            rings.ring(RX).enableInterrupts();
        }
        rings.ring(TX).disableInterrupts();
        if (control) {
            promiscuous = sendControl(VirtioNetLayout.CTRL_RX, VirtioNetLayout.CTRL_RX_PROMISC, 1);
        }
        return true;
    }

    // ------------------------------------------------------------------ control queue (§5.1.6.5)

    private long controlArea() {
        return memoryBase + 2 * VirtioRings.RING_AREA + 2L * RING_SIZE * BUFFER_SIZE;
    }

    /** §2.7: descriptor table, then the driver (avail) area, then the device (used) area, in one page. */
    private void setUpControlQueue() {
        long desc = controlArea();
        long avail = desc + SplitRing.descTableBytes(CONTROL_RING_SIZE);
        long used = (avail + SplitRing.availBytes(CONTROL_RING_SIZE) + SplitRing.USED_ALIGN - 1) & -SplitRing.USED_ALIGN;
        cpu.write16(common + QUEUE_SELECT, CONTROL);
        cpu.write16(common + QUEUE_SIZE, CONTROL_RING_SIZE);
        cpu.write64(common + QUEUE_DESC, desc);
        cpu.write64(common + QUEUE_DRIVER, avail);
        cpu.write64(common + QUEUE_DEVICE, used);
        cpu.write16(common + QUEUE_MSIX_VECTOR, NO_VECTOR);
        cpu.write16(common + QUEUE_ENABLE, 1);
        // Completions are polled: no interrupt, by the flag (§2.7.7) or, under EVENT_IDX, by a used_event
        // half a lap away (§2.7.10; the device then ignores the flag).
        cpu.write16(avail + SplitRing.AVAIL_FLAGS, SplitRing.AVAIL_F_NO_INTERRUPT);
        cpu.write16(avail + SplitRing.usedEventOffset(CONTROL_RING_SIZE), 0x8000);
    }

    /**
     * Sends one control command ({@code class}, {@code command}, one data byte) and polls for its ack,
     * as Linux's {@code virtnet_send_command} spins for it; returns whether the device said OK.
     */
    private boolean sendControl(int cls, int command, int data) {
        long desc = controlArea();
        long avail = desc + SplitRing.descTableBytes(CONTROL_RING_SIZE);
        long used = (avail + SplitRing.availBytes(CONTROL_RING_SIZE) + SplitRing.USED_ALIGN - 1) & -SplitRing.USED_ALIGN;
        long buffer = desc + 4096;
        long ack = buffer + 64;
        cpu.write8(buffer, cls);
        cpu.write8(buffer + 1, command);
        cpu.write8(buffer + 2, data);
        cpu.write8(ack, 0xFF);
        // §5.1.6.5: the command (device-readable), then the ack byte (device-writable), chained.
        cpu.write64(desc + SplitRing.DESC_ADDR, buffer);
        cpu.write32(desc + SplitRing.DESC_LEN, 3);
        cpu.write16(desc + SplitRing.DESC_FLAGS, SplitRing.DESC_F_NEXT);
        cpu.write16(desc + SplitRing.DESC_NEXT, 1);
        long d1 = desc + SplitRing.DESC_SIZE;
        cpu.write64(d1 + SplitRing.DESC_ADDR, ack);
        cpu.write32(d1 + SplitRing.DESC_LEN, 1);
        cpu.write16(d1 + SplitRing.DESC_FLAGS, SplitRing.DESC_F_WRITE);
        int index = cpu.read16(avail + SplitRing.AVAIL_IDX);
        cpu.write16(avail + SplitRing.AVAIL_RING + 2L * (index & (CONTROL_RING_SIZE - 1)), 0);
        cpu.write16(avail + SplitRing.AVAIL_IDX, (index + 1) & 0xFFFF);
        kick(CONTROL);
        for (int spin = 0; spin < 1000; spin++) {
            if (cpu.read16(used + SplitRing.USED_IDX) == ((index + 1) & 0xFFFF)) {
                return cpu.read8(ack) == VirtioNetLayout.CTRL_OK;
            }
        }
        return false;
    }

    /** Whether the device accepted promiscuous mode. */
    public boolean promiscuous() {
        return promiscuous;
    }

    private void setUpQueue(int queue, int msixVector) {
        cpu.write16(common + QUEUE_SELECT, queue);
        int max = cpu.read16(common + QUEUE_SIZE);
        if (max < RING_SIZE) {
            throw new IllegalStateException("virtio-net queue " + queue + " holds only " + max);
        }
        cpu.write16(common + QUEUE_SIZE, RING_SIZE);
        cpu.write64(common + QUEUE_DESC, rings.descArea(queue));
        cpu.write64(common + QUEUE_DRIVER, rings.driverArea(queue));
        cpu.write64(common + QUEUE_DEVICE, rings.deviceArea(queue));
        cpu.write16(common + QUEUE_MSIX_VECTOR, msixVector);
        cpu.write16(common + QUEUE_ENABLE, 1);
    }

    private long rxBuffer(int id) {
        return memoryBase + 2 * VirtioRings.RING_AREA + (long) BUFFER_SIZE * id;
    }

    private long txBuffer(int id) {
        return memoryBase + 2 * VirtioRings.RING_AREA + (long) BUFFER_SIZE * (RING_SIZE + id);
    }

    private void kick(int queue) {
        // queue_notify_off of queue q is q on our transport; read it once per queue in a fuller driver.
        kicks++;
        cpu.write16(notifyBase + (long) queue * notifyMultiplier, queue);
    }

    // ------------------------------------------------------------------ NetDevice

    @Override
    public MacAddress macAddress() {
        return mac;
    }

    @Override
    public boolean transmit(byte[] f, int off, int len) {
        reclaimTx();
        if (len + VirtioNetLayout.HDR_LEN > BUFFER_SIZE || txBusy[txNext]) {
            txRingFull++;
            return false;
        }
        int id = txNext;
        long buf = txBuffer(id);
        cpu.write(buf, header, 0, header.length); // no offloads: all zero (§5.1.6)
        cpu.write(buf + VirtioNetLayout.HDR_LEN, f, off, len);
        if (!rings.ring(TX).add(id, buf, VirtioNetLayout.HDR_LEN + len, false)) {
            txRingFull++;
            return false;
        }
        txBusy[id] = true;
        txNext = (txNext + 1) % RING_SIZE;
        txPackets++;
        if (xmitMore) {
            txUnpublished = true; // published, with at most one kick, when xmit_more is cleared
        } else {
            publishTx();
        }
        return true;
    }

    private void publishTx() {
        txUnpublished = false;
        if (rings.ring(TX).publish()) {
            kick(TX);
        } else {
            kicksSuppressed++;
        }
    }

    @Override
    public void setXmitMore(boolean more) {
        xmitMore = more;
        if (!more && txUnpublished) {
            publishTx();
        }
    }

    private void reclaimTx() {
        for (long u; (u = rings.ring(TX).takeUsed()) >= 0; ) {
            int id = (int) (u >>> 32);
            if (id >= 0 && id < RING_SIZE) {
                txBusy[id] = false;
            }
        }
    }

    @Override
    public void setReceiver(FrameReceiver r) {
        this.receiver = r;
    }

    @Override
    public boolean linkUp() {
        return (cpu.read16(deviceConfig + VirtioNetLayout.CONFIG_STATUS) & VirtioNetLayout.STATUS_LINK_UP) != 0;
    }

    // ------------------------------------------------------------------ receive (NAPI)

    private void interrupt(Kernel kernel) {
        interrupts++;
        if (!pollScheduled) {
            pollScheduled = true;
            rings.ring(RX).disableInterrupts();
            kernel.spawn(poll);
        }
    }

    private boolean poll() {
        int done = 0;
        for (long u; done < POLL_BUDGET && (u = rings.ring(RX).takeUsed()) >= 0; done++) {
            deliver(u, receiver);
        }
        if (done > 0 && rings.ring(RX).publish()) {
            kick(RX);
        }
        if (done == POLL_BUDGET) {
            return true; // more may be waiting: run again, interrupts still off
        }
        pollScheduled = false;
        if (rings.ring(RX).enableInterrupts()) {
            // A buffer was used between the last look and the re-arm: poll again instead of waiting.
            pollScheduled = true;
            rings.ring(RX).disableInterrupts();
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ receive (poll mode)

    @Override
    public boolean pollMode() {
        return pollMode;
    }

    @Override
    public int receiveBurst(FrameReceiver r, int max) {
        if (!pollMode) {
            throw new IllegalStateException("receiveBurst needs a driver built in poll mode (its receive queue interrupts)");
        }
        int done = 0;
        for (long u; done < max && (u = rings.ring(RX).takeUsed()) >= 0; done++) {
            deliver(u, r);
        }
        if (done > 0) {
            if (rings.ring(RX).publish()) {
                kick(RX);
            }
            // With EVENT_IDX, move used_event along with the ring so that the device never reaches it
            // (§2.7.10); without, this rewrites the NO_INTERRUPT flag already set (§2.7.7).
            rings.ring(RX).disableInterrupts();
        }
        return done;
    }

    /** Copies one used receive buffer ({@code id << 32 | length}) out to {@code r} and puts the buffer back. */
    private void deliver(long u, FrameReceiver r) {
        int id = (int) (u >>> 32);
        int len = (int) u - VirtioNetLayout.HDR_LEN;
        if (id >= 0 && id < RING_SIZE && len > 0 && len <= BUFFER_SIZE - VirtioNetLayout.HDR_LEN) {
            cpu.read(rxBuffer(id) + VirtioNetLayout.HDR_LEN, frame, 0, len);
            rxPackets++;
            r.receive(frame, 0, len);
        }
        if (id >= 0 && id < RING_SIZE) {
            rings.ring(RX).add(id, rxBuffer(id), BUFFER_SIZE, true); // refill with the same buffer
        }
    }

    // ------------------------------------------------------------------ counters

    public long kicks() {
        return kicks;
    }

    public long kicksSuppressed() {
        return kicksSuppressed;
    }

    public long interrupts() {
        return interrupts;
    }

    public long rxPackets() {
        return rxPackets;
    }

    public long txPackets() {
        return txPackets;
    }

    public long txRingFull() {
        return txRingFull;
    }

    /** The features the driver and device agreed on. */
    public long features() {
        return features;
    }
}
