package dev.iovirt.guest.drivers;

import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;

import dev.iovirt.guest.Driver;
import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.FrameReceiver;
import dev.iovirt.guest.net.NetDevice;
import dev.iovirt.guest.net.PollModeDevice;
import dev.iovirt.guest.pci.Msix;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.sriov.api.SriovRegisters;
import dev.iovirt.sriov.api.VfMailboxMessages;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's driver for the SR-IOV NIC's virtual function (8086:154C), after Linux's {@code ixgbevf}
 * / {@code iavf}: bound by vendor and device ID after PCI enumeration, it reaches the VF only through
 * its BARs (register BAR 0, MSI-X BAR 3), configuration cycles and its rings in guest memory; it holds
 * no device object, only the register maps of {@code dev.iovirt.sriov.api}.
 *
 * <p><b>Probe</b>: memory space and bus mastering on; MSI-X entries 0 (mailbox) and 1 (RX) routed to
 * this CPU; both rings zeroed and programmed (trapped MMIO, the setup path); the RX ring filled; then the
 * mailbox handshake: a RESET request asks the PF for this VF's MAC. The PF answers later (its driver is a
 * host task), with the mailbox cause on MSI-X vector 0; until then {@link #ready()} is false and
 * {@link #whenReady} holds what needs the MAC (a network stack).
 *
 * <p><b>Data path</b> — no exit at all under device assignment: a transmit is descriptor and buffer
 * writes in guest memory and a store to TX_TAIL, which lies in the doorbell page the VMM mapped through
 * EPT; completions are reaped lazily from the descriptors' DD bits (TX never interrupts). Receive is
 * NAPI-style as in {@link VirtioNetDriver}: the RX vector (posted by the IOMMU) schedules the poll task;
 * interrupts that arrive while it is scheduled are ignored, and the poll takes up to
 * {@link #POLL_BUDGET} frames, gives their buffers back and stores the new RX_TAIL. The driver never
 * masks the RX cause through EIMC on the data path (that register page traps here; {@code ixgbevf}
 * relies on auto-clear the same way), so re-arming costs nothing.
 *
 * <p><b>Poll mode</b> ({@code pollMode}, as a DPDK PMD): the RX cause stays masked (EIMS holds only the
 * mailbox and errors) and no RX vector is routed; a task polls the RX ring and keeps polling while it
 * finds frames. When the ring is empty it sleeps {@link #setPollIdleNanos} (default
 * {@value #DEFAULT_POLL_IDLE_NANOS} ns), as a power-aware PMD ({@code l3fwd-power}) does: a guest that
 * never halts would stall this model's virtual time (the step driver waits for every part to go idle),
 * so the idle wake-ups cost the kernel timer's exits (TSC-deadline WRMSR, HLT) and nothing else.
 * Built with {@code pollTask} false, the driver starts no task of its own and its owner (an appliance's
 * poll loop) takes frames with {@link #receiveBurst}, deciding itself when to sleep.
 */
public final class VfNetDriver implements Driver, PollModeDevice {
    public static final int VENDOR_ID = SriovRegisters.VENDOR_INTEL;
    public static final int DEVICE_ID = SriovRegisters.DEVICE_X710_VF;
    /** Descriptors per ring. */
    public static final int RING_SIZE = 256;
    public static final int BUFFER_SIZE = 2048;
    public static final int POLL_BUDGET = 64;
    public static final long DEFAULT_MEMORY_BASE = 0x0300_0000L;
    /** Poll mode: how long the poll task sleeps when it finds the RX ring empty. */
    public static final long DEFAULT_POLL_IDLE_NANOS = 20_000;
    /** Guest memory the driver uses: two rings and two sets of buffers. */
    public static final long MEMORY_BYTES = 2L * RING_SIZE * SIZE + 2L * RING_SIZE * BUFFER_SIZE;

    private final long memoryBase;
    private final boolean pollMode;
    private final boolean pollTask;
    private final byte[] frame = new byte[BUFFER_SIZE];
    private final List<Runnable> onReady = new ArrayList<>();
    private GuestCpu cpu;
    private Kernel kernel;
    private long bar0;
    private long txRing;
    private long rxRing;
    private MacAddress mac;
    private boolean ready;
    private FrameReceiver receiver = (b, o, l) -> { };
    private boolean pollScheduled;
    private final Task poll = k -> poll();
    private final Task busyPoll = new Task() {
        @Override
        public boolean step(Kernel k) {
            pollRounds++;
            if (poll()) {
                return true; // work found: poll again at once
            }
            k.spawnAfter(pollIdleNanos, this); // ring empty: sleep one interval, as a power-aware PMD does
            return false;
        }
    };
    private long pollIdleNanos = DEFAULT_POLL_IDLE_NANOS;
    private long pollRounds;
    private int txTail;
    private int txClean;
    private boolean xmitMore;
    private boolean doorbellPending;
    private int rxNext;
    private int rxTail;

    private long doorbells;
    private long interrupts;
    private long mailboxInterrupts;
    private long rxPackets;
    private long rxErrors;
    private long txPackets;
    private long txRingFull;

    public VfNetDriver() {
        this(DEFAULT_MEMORY_BASE, false);
    }

    /**
     * @param memoryBase guest-physical base of the driver's rings and buffers ({@link #MEMORY_BYTES})
     * @param pollMode poll the RX ring from a task that never sleeps instead of taking RX interrupts
     */
    public VfNetDriver(long memoryBase, boolean pollMode) {
        this(memoryBase, pollMode, pollMode);
    }

    /**
     * @param memoryBase guest-physical base of the driver's rings and buffers ({@link #MEMORY_BYTES})
     * @param pollMode no RX interrupts: the RX ring is polled
     * @param pollTask in poll mode, whether the driver runs its own poll task; without it the owner
     *     calls {@link #receiveBurst}
     */
    public VfNetDriver(long memoryBase, boolean pollMode, boolean pollTask) {
        if (pollTask && !pollMode) {
            throw new IllegalArgumentException("a poll task needs poll mode");
        }
        this.memoryBase = memoryBase;
        this.pollMode = pollMode;
        this.pollTask = pollTask;
    }

    @Override
    public boolean probe(Kernel kernel, PciDevice device) {
        if (device.barIo()[SriovRegisters.VF_REGS_BAR] || device.barSize()[SriovRegisters.VF_REGS_BAR] < SriovRegisters.VF_REGS_SIZE
                || device.capability(PciConfig.CAP_ID_MSIX) < 0) {
            return false;
        }
        this.kernel = kernel;
        this.cpu = kernel.cpu();
        this.bar0 = device.barAddress()[SriovRegisters.VF_REGS_BAR];
        PciEnumerator config = new PciEnumerator(cpu);
        config.write16(device.bdf(), PciConfig.COMMAND, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
        cpu.write32(bar0 + EIMC, CAUSES);
        cpu.read32(bar0 + EICR);

        txRing = memoryBase;
        rxRing = memoryBase + (long) RING_SIZE * SIZE;
        byte[] zeros = new byte[4096];
        for (long a = memoryBase; a < memoryBase + MEMORY_BYTES; a += zeros.length) {
            cpu.write(a, zeros, 0, zeros.length); // dma_alloc_coherent hands out zeroed memory
        }

        Msix msix = new Msix(cpu, device);
        int misc = kernel.allocateVector((k, v, e) -> miscInterrupt());
        msix.route(VECTOR_MISC, kernel.apicId(), misc);
        if (!pollMode) {
            int rx = kernel.allocateVector((k, v, e) -> rxInterrupt());
            msix.route(VECTOR_RX, kernel.apicId(), rx);
        }
        msix.enable();

        cpu.write32(bar0 + TDBAL, (int) txRing);
        cpu.write32(bar0 + TDBAH, (int) (txRing >>> 32));
        cpu.write32(bar0 + TDLEN, RING_SIZE * SIZE);
        cpu.write32(bar0 + TXDCTL, QUEUE_ENABLE);
        for (int i = 0; i < RING_SIZE - 1; i++) {
            postRx(i);
        }
        rxTail = RING_SIZE - 1;
        cpu.write32(bar0 + RDBAL, (int) rxRing);
        cpu.write32(bar0 + RDBAH, (int) (rxRing >>> 32));
        cpu.write32(bar0 + RDLEN, RING_SIZE * SIZE);
        cpu.write32(bar0 + SRRCTL, BUFFER_SIZE >>> 10);
        cpu.write32(bar0 + RXDCTL, QUEUE_ENABLE);
        cpu.write32(bar0 + RX_TAIL, rxTail);
        cpu.write32(bar0 + EIMS, pollMode ? CAUSE_MAILBOX | CAUSE_ERR : CAUSE_MAILBOX | CAUSE_ERR | CAUSE_RX0);

        // The mailbox handshake (ixgbevf_reset_hw): RESET asks the PF for our MAC; the answer comes later.
        cpu.write32(bar0 + VFMBMEM, VfMailboxMessages.RESET);
        cpu.write32(bar0 + VFMAILBOX, MAILBOX_REQ);
        if (pollTask) {
            kernel.spawn(busyPoll);
        }
        return true;
    }

    private long rxBuffer(int index) {
        return memoryBase + 2L * RING_SIZE * SIZE + (long) BUFFER_SIZE * index;
    }

    private long txBuffer(int index) {
        return memoryBase + 2L * RING_SIZE * SIZE + (long) BUFFER_SIZE * (RING_SIZE + index);
    }

    private void postRx(int index) {
        long d = rxRing + (long) index * SIZE;
        cpu.write64(d + ADDRESS, rxBuffer(index));
        cpu.write64(d + RX_STATUS, 0); // header buffer 0; DD clear
    }

    // ------------------------------------------------------------------ mailbox and errors (vector 0)

    private void miscInterrupt() {
        mailboxInterrupts++;
        cpu.read32(bar0 + EICR); // slow path: which of mailbox / error
        int mbox = cpu.read32(bar0 + VFMAILBOX);
        if ((mbox & MAILBOX_PFSTS) != 0) {
            int[] m = new int[4];
            for (int i = 0; i < m.length; i++) {
                m[i] = cpu.read32(bar0 + VFMBMEM + 4L * i);
            }
            cpu.write32(bar0 + VFMAILBOX, MAILBOX_ACK);
            if ((m[0] & VfMailboxMessages.TYPE_MASK) == VfMailboxMessages.RESET && (m[0] & VfMailboxMessages.ACK) != 0
                    && !ready) {
                byte[] b = new byte[6];
                for (int i = 0; i < 6; i++) {
                    b[i] = (byte) (m[1 + (i >>> 2)] >>> (8 * (i & 3)));
                }
                mac = MacAddress.read(b, 0);
                ready = true;
                for (Runnable r : onReady) {
                    r.run();
                }
                onReady.clear();
            }
        }
    }

    /** Whether the PF has answered the RESET request (the MAC is known). */
    public boolean ready() {
        return ready;
    }

    /** Runs {@code action} (from the mailbox interrupt) once the PF has told this VF its MAC, or now if it has. */
    public void whenReady(Runnable action) {
        if (ready) {
            action.run();
        } else {
            onReady.add(action);
        }
    }

    // ------------------------------------------------------------------ NetDevice

    @Override
    public MacAddress macAddress() {
        if (mac == null) {
            throw new IllegalStateException("the PF has not answered the mailbox RESET yet (see whenReady)");
        }
        return mac;
    }

    @Override
    public boolean linkUp() {
        return ready;
    }

    @Override
    public void setReceiver(FrameReceiver r) {
        this.receiver = r;
    }

    @Override
    public boolean transmit(byte[] f, int off, int len) {
        if (len <= 0 || len > MAX_FRAME || len > BUFFER_SIZE) {
            return false;
        }
        reap();
        int next = (txTail + 1) % RING_SIZE;
        if (next == txClean && doorbellPending) {
            ringDoorbell();
            reap();
        }
        if (next == txClean) {
            txRingFull++;
            return false;
        }
        long buffer = txBuffer(txTail);
        cpu.write(buffer, f, off, len);
        long d = txRing + (long) txTail * SIZE;
        cpu.write64(d + ADDRESS, buffer);
        cpu.write32(d + TX_CMD_TYPE_LEN, len | TX_DTYP_DATA | TX_DCMD_DEXT | TX_DCMD_EOP | TX_DCMD_IFCS | TX_DCMD_RS);
        cpu.write32(d + TX_OLINFO_STATUS, 0);
        txTail = next;
        txPackets++;
        if (xmitMore) {
            doorbellPending = true;
        } else {
            ringDoorbell();
        }
        return true;
    }

    /** Reaps descriptors the VF wrote back (DD): memory reads, no exit. */
    private void reap() {
        while (txClean != txTail && (cpu.read32(txRing + (long) txClean * SIZE + TX_OLINFO_STATUS) & TX_STA_DD) != 0) {
            txClean = (txClean + 1) % RING_SIZE;
        }
    }

    /** The doorbell: a store into the EPT-mapped doorbell page (no exit under assignment). */
    private void ringDoorbell() {
        cpu.write32(bar0 + TX_TAIL, txTail);
        doorbells++;
        doorbellPending = false;
    }

    @Override
    public void setXmitMore(boolean more) {
        xmitMore = more;
        if (!more && doorbellPending) {
            ringDoorbell();
        }
    }

    // ------------------------------------------------------------------ receive (NAPI)

    private void rxInterrupt() {
        interrupts++;
        if (!pollScheduled) {
            pollScheduled = true;
            kernel.spawn(poll);
        }
    }

    private boolean poll() {
        int done = takeBurst(receiver, POLL_BUDGET);
        if (done == POLL_BUDGET) {
            return true; // more may be waiting: run again
        }
        pollScheduled = false;
        if ((cpu.read32(rxRing + (long) rxNext * SIZE + RX_STATUS) & RX_STAT_DD) != 0) {
            pollScheduled = true; // one slipped in after the last look
            return true;
        }
        return false;
    }

    @Override
    public int receiveBurst(FrameReceiver r, int max) {
        if (!pollMode || pollTask) {
            throw new IllegalStateException("receiveBurst needs a driver in poll mode without its own poll task");
        }
        return takeBurst(r, max);
    }

    /** Takes up to {@code max} frames whose descriptors the VF wrote back (DD), gives the slots back, moves RX_TAIL. */
    private int takeBurst(FrameReceiver r, int max) {
        int done = 0;
        while (done < max && (cpu.read32(rxRing + (long) rxNext * SIZE + RX_STATUS) & RX_STAT_DD) != 0) {
            long d = rxRing + (long) rxNext * SIZE;
            int status = cpu.read32(d + RX_STATUS);
            int len = cpu.read32(d + RX_LENGTH_VLAN) & 0xFFFF;
            if ((status & RX_STAT_EOP) != 0 && len > 0 && len <= BUFFER_SIZE) {
                cpu.read(rxBuffer(rxNext), frame, 0, len);
                rxPackets++;
                r.receive(frame, 0, len);
            } else {
                rxErrors++;
            }
            // The slot at the old tail gets a buffer, then the tail moves past it.
            postRx(rxTail);
            rxNext = (rxNext + 1) % RING_SIZE;
            rxTail = (rxTail + 1) % RING_SIZE;
            done++;
        }
        if (done > 0) {
            cpu.write32(bar0 + RX_TAIL, rxTail); // doorbell page: no exit
        }
        return done;
    }

    // ------------------------------------------------------------------ counters

    /** TX doorbells rung (stores to TX_TAIL). */
    public long doorbells() {
        return doorbells;
    }

    /** RX interrupts taken. */
    public long interrupts() {
        return interrupts;
    }

    /** Mailbox/error interrupts taken. */
    public long mailboxInterrupts() {
        return mailboxInterrupts;
    }

    public long rxPackets() {
        return rxPackets;
    }

    public long rxErrors() {
        return rxErrors;
    }

    public long txPackets() {
        return txPackets;
    }

    public long txRingFull() {
        return txRingFull;
    }

    /** Poll mode: the sleep when the RX ring is found empty. */
    public void setPollIdleNanos(long nanos) {
        this.pollIdleNanos = Math.max(1, nanos);
    }

    /** Poll mode: how many times the poll task ran. */
    public long pollRounds() {
        return pollRounds;
    }

    @Override
    public boolean pollMode() {
        return pollMode;
    }
}
