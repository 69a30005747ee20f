package dev.iovirt.guest.drivers;

import static dev.iovirt.vmm.dev.e1000.api.E1000Registers.*;

import dev.iovirt.guest.Driver;
import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.FrameReceiver;
import dev.iovirt.guest.net.NetDevice;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.dev.e1000.api.Eeprom;
import dev.iovirt.vmm.dev.e1000.api.LegacyRxDescriptor;
import dev.iovirt.vmm.dev.e1000.api.LegacyTxDescriptor;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * The guest's driver for the Intel 82540EM (8086:100E), after Linux's {@code e1000}: what it does and
 * what each step costs.
 *
 * <p><b>Probe</b>: reset (CTRL.RST), mask and clear interrupts, read the whole EEPROM word by word
 * through EERD and check that it sums to 0xBABA (SDM §5.6.35), take the Ethernet address from words
 * 0-2, program RAL0/RAH0, clear the MTA, build the receive and transmit rings in guest memory
 * (descriptors and 2 KiB buffers in a region of {@link #MEMORY_BYTES}, placed by PCI slot or at the base
 * it is given), post
 * every receive buffer, enable the receiver and transmitter, set link up, route the MSI to a vector of
 * its own, limit it to {@link #INTERRUPTS_PER_SECOND} (ITR) and unmask RXT0, RXO and LSC.
 *
 * <p><b>Transmit</b> ({@link #transmit}): reclaim descriptors the device marked done (reads of guest
 * memory, no exit), copy the frame into the slot's buffer, write the descriptor (EOP, IFCS, RS), and
 * write TDT — <em>one MMIO exit per packet</em>, or one per batch when the stack batches
 * ({@link #setXmitMore}, Linux's {@code xmit_more}). TXDW is not unmasked: Linux's e1000 takes TXDW
 * interrupts and reaps in its NAPI poll; this driver reaps completed descriptors on the next transmit
 * instead (as DPDK's e1000 PMD does), so a send costs no interrupt.
 *
 * <p><b>Receive</b>: the interrupt handler reads ICR (<em>one exit</em>) and schedules the receive task
 * (NAPI-like); the task takes every descriptor with DD, copies the frame out, gives it to the stack,
 * clears the status (the buffer is reposted in place), and writes RDT once at the end (<em>one exit
 * per batch</em>). With one packet per interrupt a received packet costs two MMIO exits, plus the EOI.
 *
 * <p>The driver holds no device object: only BAR addresses, guest memory and the register map.
 */
public final class E1000Driver implements Driver, NetDevice {
    /** Descriptors per ring: a multiple of 8 (RDLEN/TDLEN multiples of 128 bytes, SDM §13.4.27). */
    public static final int RING_SIZE = 128;
    /** Receive buffer size; RCTL.BSIZE = 00b (SDM §13.4.22). */
    public static final int BUFFER_SIZE = 2048;
    /**
     * Interrupts per second the driver allows the device (Linux e1000's InterruptThrottleRate=8000
     * setting): ITR = 10^9 / (8000 × 256 ns) = 488. SDM §13.4.18.
     */
    public static final int INTERRUPTS_PER_SECOND = 8000;
    static final int ITR_VALUE = (int) (1_000_000_000L / (INTERRUPTS_PER_SECOND * 256L));
    /** Receive frames handled per run of the receive task before it yields (Linux's NAPI weight). */
    public static final int POLL_BUDGET = 64;
    /**
     * Where the rings and buffers of the NIC in PCI slot 0 go unless told otherwise (16 MiB, clear of
     * the kernel's tables); the NIC in slot {@code n} uses the {@link #REGION_STRIDE} after it. The
     * guest kernel has no physical page allocator yet, so each driver takes a fixed region by slot.
     */
    public static final long DEFAULT_MEMORY_BASE = 0x0100_0000L;
    /** Guest memory the driver uses: two rings (a page each) and two sets of buffers. */
    public static final long MEMORY_BYTES = 2 * 4096L + 2L * RING_SIZE * BUFFER_SIZE;
    /** Distance between the regions of NICs in consecutive slots (1 MiB, more than {@link #MEMORY_BYTES}). */
    public static final long REGION_STRIDE = 1L << 20;

    private final long requestedBase;
    private long memoryBase;
    private long rxRing;
    private long txRing;
    private long rxBuffers;
    private long txBuffers;
    private final byte[] rxFrame = new byte[BUFFER_SIZE];
    private GuestCpu cpu;
    private long bar;
    private MacAddress mac;
    private int vector;
    private boolean linkUp;
    private FrameReceiver receiver = (b, o, l) -> { };
    private int rxNext;
    private int txTail;
    private int txClean;
    private boolean pollScheduled;
    /** Set while the stack batches transmissions: TDT is written once, when the batch ends. */
    private boolean xmitMore;
    /** Descriptors written since the last TDT write. */
    private boolean doorbellPending;
    private final Task poll = k -> poll();

    // Counters.
    private long registerReads;
    private long registerWrites;
    private long interrupts;
    private long rxPackets;
    private long rxErrors;
    private long txPackets;
    private long txRingFull;

    /** A driver that places its memory by the NIC's PCI slot: {@link #regionFor}. */
    public E1000Driver() {
        this(-1);
    }

    /** A driver whose rings and buffers occupy {@link #MEMORY_BYTES} of guest memory from {@code memoryBase}. */
    public E1000Driver(long memoryBase) {
        this.requestedBase = memoryBase;
    }

    /** The default region of the NIC in PCI slot {@code device}. */
    public static long regionFor(int device) {
        return DEFAULT_MEMORY_BASE + device * REGION_STRIDE;
    }

    private void place(long base) {
        this.memoryBase = base;
        this.rxRing = base;
        this.txRing = base + 4096;
        this.rxBuffers = base + 2 * 4096;
        this.txBuffers = rxBuffers + (long) RING_SIZE * BUFFER_SIZE;
    }

    /** Where this driver's rings and buffers start (after probe). */
    public long memoryBase() {
        return memoryBase;
    }

    // ------------------------------------------------------------------ registers: each access is an MMIO exit

    private int read(int register) {
        registerReads++;
        return cpu.read32(bar + register);
    }

    private void write(int register, int value) {
        registerWrites++;
        cpu.write32(bar + register, value);
    }

    // ------------------------------------------------------------------ probe

    @Override
    public boolean probe(Kernel kernel, PciDevice device) {
        if (device.barIo()[0] || device.barSize()[0] < BAR0_SIZE) {
            return false;
        }
        int msiCap = device.capability(PciConfig.CAP_ID_MSI);
        if (msiCap < 0) {
            return false; // this driver needs MSI (docs/e1000.md)
        }
        this.cpu = kernel.cpu();
        this.bar = device.barAddress()[0];
        place(requestedBase >= 0 ? requestedBase : regionFor(device.bdf().device()));
        write(CTRL, CTRL_RST); // SDM §14.5 (general configuration): reset first
        write(IMC, 0xFFFF_FFFF);
        read(ICR);

        int[] words = new int[Eeprom.WORDS];
        int sum = 0;
        for (int w = 0; w < Eeprom.WORDS; w++) {
            words[w] = readEeprom(w);
            sum += words[w];
        }
        if ((sum & 0xFFFF) != Eeprom.CHECKSUM_SUM) {
            return false; // Linux: "The EEPROM Checksum Is Not Valid"
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 3; i++) {
            m[2 * i] = (byte) words[Eeprom.ETHERNET_ADDRESS_0 + i];
            m[2 * i + 1] = (byte) (words[Eeprom.ETHERNET_ADDRESS_0 + i] >>> 8);
        }
        mac = MacAddress.read(m, 0);
        write(ral(0), (m[0] & 0xFF) | (m[1] & 0xFF) << 8 | (m[2] & 0xFF) << 16 | (m[3] & 0xFF) << 24);
        write(rah(0), (m[4] & 0xFF) | (m[5] & 0xFF) << 8 | RAH_AV);
        for (int i = 0; i < MTA_ENTRIES; i++) {
            write(MTA + 4 * i, 0);
        }

        // Zero the driver's memory (this also backs it now rather than on the first packet).
        byte[] zeros = new byte[4096];
        for (long a = memoryBase; a < memoryBase + MEMORY_BYTES; a += 4096) {
            cpu.write(a, zeros, 0, zeros.length);
        }
        // Receive ring: every descriptor gets its buffer; the device owns all but one. SDM §3.2.6, §14.4.
        for (int i = 0; i < RING_SIZE; i++) {
            cpu.write64(rxRing + 16L * i + LegacyRxDescriptor.BUFFER_ADDRESS, rxBuffers + (long) BUFFER_SIZE * i);
        }
        write(RDBAL, (int) rxRing);
        write(RDBAH, (int) (rxRing >>> 32));
        write(RDLEN, RING_SIZE * DESCRIPTOR_SIZE);
        write(RDH, 0);
        write(RDT, RING_SIZE - 1);
        write(RCTL, RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048 << RCTL_BSIZE_SHIFT | RCTL_SECRC);
        // Transmit ring, empty. SDM §14.5.
        write(TDBAL, (int) txRing);
        write(TDBAH, (int) (txRing >>> 32));
        write(TDLEN, RING_SIZE * DESCRIPTOR_SIZE);
        write(TDH, 0);
        write(TDT, 0);
        write(TIPG, TIPG_COPPER_DEFAULT);
        write(TCTL, TCTL_EN | TCTL_PSP | 0x0F << TCTL_CT_SHIFT | 0x40 << TCTL_COLD_SHIFT);
        write(CTRL, CTRL_SLU | CTRL_ASDE | CTRL_FD);
        write(ITR, ITR_VALUE);

        // MSI: address names this CPU's APIC (SDM Vol. 3A §11.11.1), data is the vector. PCI 3.0 §6.8.1.
        vector = kernel.allocateVector((k, v, e) -> interrupt(k));
        PciEnumerator config = new PciEnumerator(cpu);
        config.write(device.bdf(), msiCap + MSI_ADDRESS, 0xFEE0_0000 | (kernel.apicId() & 0xFF) << 12);
        config.write16(device.bdf(), msiCap + MSI_DATA, vector);
        config.write16(device.bdf(), msiCap + MSI_CONTROL, MSI_CONTROL_ENABLE);
        linkUp = (read(STATUS) & STATUS_LU) != 0;
        write(IMS, ICR_RXT0 | ICR_RXO | ICR_LSC);
        return true;
    }

    /** One EEPROM word through EERD: start, then poll DONE. SDM §13.4.4. */
    private int readEeprom(int word) {
        write(EERD, word << EERD_ADDR_SHIFT | EERD_START);
        while (true) {
            int v = read(EERD);
            if ((v & EERD_DONE) != 0) {
                return v >>> EERD_DATA_SHIFT;
            }
        }
    }

    // ------------------------------------------------------------------ interrupt and receive

    /** Runs with interrupts off: read (and so clear) ICR, schedule the receive task. */
    private void interrupt(Kernel kernel) {
        interrupts++;
        int icr = read(ICR);
        if ((icr & ICR_LSC) != 0) {
            linkUp = (read(STATUS) & STATUS_LU) != 0;
        }
        if ((icr & (ICR_RXT0 | ICR_RXO)) != 0 && !pollScheduled) {
            pollScheduled = true;
            kernel.spawn(poll);
        }
    }

    /** The receive task: up to {@link #POLL_BUDGET} frames, then one RDT write for all of them. */
    private boolean poll() {
        pollScheduled = false;
        int cleaned = 0;
        while (cleaned < POLL_BUDGET) {
            long d = rxRing + 16L * rxNext;
            int status = cpu.read8(d + LegacyRxDescriptor.STATUS);
            if ((status & LegacyRxDescriptor.STATUS_DD) == 0) {
                break;
            }
            int length = cpu.read16(d + LegacyRxDescriptor.LENGTH);
            int errors = cpu.read8(d + LegacyRxDescriptor.ERRORS);
            if ((status & LegacyRxDescriptor.STATUS_EOP) == 0 || errors != 0 || length > BUFFER_SIZE) {
                rxErrors++; // frames spanning buffers do not happen with 2 KiB buffers and LPE off
            } else {
                cpu.read(rxBuffers + (long) BUFFER_SIZE * rxNext, rxFrame, 0, length);
                rxPackets++;
                receiver.receive(rxFrame, 0, length);
            }
            cpu.write64(d + LegacyRxDescriptor.LENGTH, 0); // status cleared: the same buffer is posted again
            rxNext = (rxNext + 1) % RING_SIZE;
            cleaned++;
        }
        if (cleaned > 0) {
            // Invariant: the device owns RING_SIZE - 1 descriptors after this write (all but rxNext - 1).
            write(RDT, (rxNext + RING_SIZE - 1) % RING_SIZE);
        }
        return cleaned == POLL_BUDGET; // more may be waiting: run again
    }

    // ------------------------------------------------------------------ NetDevice

    @Override
    public MacAddress macAddress() {
        return mac;
    }

    @Override
    public boolean linkUp() {
        return linkUp;
    }

    @Override
    public void setReceiver(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean transmit(byte[] frame, int off, int len) {
        if (len > BUFFER_SIZE || len <= 0) {
            return false;
        }
        reap();
        int next = (txTail + 1) % RING_SIZE;
        if (next == txClean && doorbellPending) {
            ringDoorbell(); // the device takes the queued frames now, then their slots can be reaped
            reap();
        }
        if (next == txClean) {
            txRingFull++; // Invariant: TDT never catches up with the unreaped head
            return false;
        }
        long d = txRing + 16L * txTail;
        long buffer = txBuffers + (long) BUFFER_SIZE * txTail;
        cpu.write(buffer, frame, off, len);
        cpu.write64(d + LegacyTxDescriptor.BUFFER_ADDRESS, buffer);
        int cmd = LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_IFCS | LegacyTxDescriptor.CMD_RS;
        cpu.write64(d + LegacyTxDescriptor.LENGTH, len | (long) cmd << 24); // CSO 0, STA 0, CSS 0, special 0
        txTail = next;
        txPackets++;
        if (xmitMore) {
            doorbellPending = true;
        } else {
            ringDoorbell();
        }
        return true;
    }

    /** Reaps descriptors the device has written back (DD), oldest first: memory reads, no exits. */
    private void reap() {
        while (txClean != txTail && (cpu.read8(txRing + 16L * txClean + LegacyTxDescriptor.STATUS) & LegacyTxDescriptor.STATUS_DD) != 0) {
            txClean = (txClean + 1) % RING_SIZE;
        }
    }

    /** The doorbell: one MMIO exit, after which the device has processed everything up to TDT. */
    private void ringDoorbell() {
        write(TDT, txTail);
        doorbellPending = false;
    }

    @Override
    public void setXmitMore(boolean more) {
        xmitMore = more;
        if (!more && doorbellPending) {
            ringDoorbell();
        }
    }

    // ------------------------------------------------------------------ statistics

    /** The device's statistics as the driver has accumulated them (the registers clear on read). */
    public record Statistics(long goodPacketsReceived, long goodPacketsTransmitted, long goodOctetsReceived,
            long goodOctetsTransmitted, long missedPackets, long receiveNoBuffers) {
    }

    private long gprc;
    private long gptc;
    private long gorc;
    private long gotc;
    private long mpc;
    private long rnbc;

    /**
     * Reads the statistics registers and adds them to the driver's totals, as Linux's watchdog does
     * every two seconds ({@code e1000_update_stats}). Eight register reads: eight MMIO exits. Call from
     * a task. SDM §13.7: the registers clear on read; the octet counters are read low then high.
     */
    public Statistics updateStatistics() {
        gprc += read(GPRC) & 0xFFFF_FFFFL;
        gptc += read(GPTC) & 0xFFFF_FFFFL;
        gorc += (read(GORCL) & 0xFFFF_FFFFL) + ((read(GORCH) & 0xFFFF_FFFFL) << 32);
        gotc += (read(GOTCL) & 0xFFFF_FFFFL) + ((read(GOTCH) & 0xFFFF_FFFFL) << 32);
        mpc += read(MPC) & 0xFFFF_FFFFL;
        rnbc += read(RNBC) & 0xFFFF_FFFFL;
        return new Statistics(gprc, gptc, gorc, gotc, mpc, rnbc);
    }

    // ------------------------------------------------------------------ counters

    /** Register reads so far (each one an MMIO exit). */
    public long registerReads() {
        return registerReads;
    }

    /** Register writes so far (each one an MMIO exit). */
    public long registerWrites() {
        return registerWrites;
    }

    public long interrupts() {
        return interrupts;
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

    /** Frames refused because every transmit descriptor was in flight. */
    public long txRingFull() {
        return txRingFull;
    }

    /** The vector the device's MSI was routed to. */
    public int vector() {
        return vector;
    }
}
