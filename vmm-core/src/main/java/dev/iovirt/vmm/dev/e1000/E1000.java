package dev.iovirt.vmm.dev.e1000;

import static dev.iovirt.vmm.dev.e1000.api.E1000Registers.*;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.dev.e1000.api.Eeprom;
import dev.iovirt.vmm.dev.e1000.api.LegacyRxDescriptor;
import dev.iovirt.vmm.dev.e1000.api.LegacyTxDescriptor;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.OutOfHostMemoryException;
import dev.iovirt.vmm.pci.MsiSink;
import dev.iovirt.vmm.pci.PciConfig;
import dev.iovirt.vmm.pci.PciFunction;
import dev.iovirt.vmm.time.TimerQueue;

/**
 * An Intel 82540EM Gigabit Ethernet controller (PCI 8086:100E), fully emulated: its registers sit
 * behind memory BAR 0, so every driver access is an MMIO exit to the VMM's user space; its descriptor
 * rings and packet buffers live in guest memory and are reached only through {@link DmaMemory}; its
 * host side is a {@link FramePort}. Register map in {@link dev.iovirt.vmm.dev.e1000.api.E1000Registers}.
 *
 * <p><b>Transmit</b> (SDM §3.3, §3.4): a write to TDT runs {@link #processTransmit} on the writing
 * vCPU's exit, as QEMU's e1000 does: descriptors from TDH to TDT are read by DMA, their buffers gathered
 * until a descriptor with EOP, the frame queued for the port's {@link #receive} side, DD written back
 * for descriptors with RS, and TXDW (and TXQE when the ring drains) raised.
 *
 * <p><b>Receive</b> (SDM §3.2): {@link #transmit} (the port's "towards the guest" side) filters each
 * frame by RAL/RAH, MTA and RCTL, writes it by DMA into the buffers of descriptors RDH.., writes back
 * length and DD|EOP, advances RDH and raises RXT0. With no descriptor the frame is missed (MPC, RNBC,
 * RXO), as the hardware does.
 *
 * <p><b>Interrupts</b>: ICR collects causes; an interrupt is asserted while {@code ICR & IMS != 0} and
 * signalled as an MSI on each assertion (reading ICR clears it and deasserts). The 82540EM itself only
 * has INTx; this model offers a 32-bit MSI capability (PCI 3.0 §6.8.1) instead, as the VMM has no
 * interrupt controller for INTx yet (docs/e1000.md). With a non-zero ITR, messages are at least
 * ITR × 256 ns apart (SDM §13.4.18): an assertion inside the interval is signalled when it ends, on
 * the host's {@link TimerQueue}, so causes that arrive meanwhile share one interrupt.
 *
 * <p>Thread safety: every entry point is synchronized on the device; the vCPU thread (MMIO) and the
 * link or switch thread (the port) may call concurrently. The hot paths reuse preallocated buffers.
 */
public final class E1000 extends PciFunction implements MmioDevice, FramePort {
    /** Frames the host side can hold before transmission stalls (the on-chip transmit FIFO, in frames). */
    public static final int TX_QUEUE_FRAMES = 64;
    /** Largest frame the host side carries (a {@link Frame#DEFAULT_MAX_FRAME} buffer). */
    public static final int MAX_HOST_FRAME = Frame.DEFAULT_MAX_FRAME;
    /** Largest frame without RCTL.LPE: 1518 bytes plus one 802.1Q tag, less the 4-byte FCS the link does not carry. SDM §13.4.22. */
    private static final int MAX_STANDARD_FRAME = 1518;
    /** Shortest frame a padded transmit produces, without FCS. SDM §13.4.33 (PSP). */
    private static final int MIN_FRAME = 60;

    private final String name;
    private final DmaMemory dma;
    /** Where interrupt throttling schedules its deferred messages; null: ITR is stored, not enforced. */
    private final TimerQueue timers;
    private final int[] eeprom = new int[Eeprom.WORDS];
    private final int msiCap;
    private volatile MsiSink msiSink = (a, d) -> { };

    // Registers.
    private int ctrl;
    private int eecd;
    private int eerd;
    private int icr;
    private int ims;
    private int itr;
    private int rctl;
    private int tctl;
    private int tipg;
    private int rdtr;
    private int tidv;
    private int mdic;
    private int ctrlExt;
    private final int[] mta = new int[MTA_ENTRIES];
    private final int[] ral = new int[RA_ENTRIES];
    private final int[] rah = new int[RA_ENTRIES];
    /** Statistics registers 0x4000-0x40FC, one per dword, clear on read. SDM §13.7. */
    private final int[] stats = new int[(STATS_LAST - STATS_FIRST) / 4 + 1];
    private final DescriptorRing rx = new DescriptorRing();
    private final DescriptorRing tx = new DescriptorRing();

    // Device state that is not a register.
    private boolean cableConnected = true;
    private boolean linkUp;
    /** Whether the interrupt is asserted (a message was sent and ICR has not been read since). */
    private boolean asserted;
    private final long[] errors = new long[E1000Error.values().length];
    private long copies;
    private long interruptsSignalled;
    /** The earliest time ITR allows the next message. */
    private long nextInterruptNanos;
    private boolean throttleArmed;
    private long interruptsThrottled;
    private final Runnable throttleExpired = () -> {
        synchronized (this) {
            throttleArmed = false;
            signalIfNeeded();
        }
    };
    private long mmioReads;
    private long mmioWrites;

    // Transmit assembly and the host-side queue (preallocated; Invariant: txQueued <= TX_QUEUE_FRAMES).
    private final byte[] descriptor = new byte[DESCRIPTOR_SIZE];
    private final byte[] txAssembly = new byte[MAX_HOST_FRAME];
    private int txLength;
    private boolean txDropping;
    private final Frame[] txQueue = new Frame[TX_QUEUE_FRAMES];
    private int txQueueHead;
    private int txQueued;
    private final PortCounters counters = new PortCounters();
    private Runnable receiveListener = () -> { };

    /**
     * A controller named {@code name} (its host port's name) with {@code mac} in its EEPROM, whose
     * DMA goes through {@code dma}.
     */
    public E1000(String name, MacAddress mac, DmaMemory dma) {
        this(name, mac, dma, null);
    }

    /** As above, with interrupt throttling (ITR) timed on the host's {@code timers}. */
    public E1000(String name, MacAddress mac, DmaMemory dma, TimerQueue timers) {
        super(PCI_VENDOR_INTEL, PCI_DEVICE_82540EM, PCI_CLASS_ETHERNET, 0x03);
        this.name = name;
        this.dma = dma;
        this.timers = timers;
        for (int i = 0; i < TX_QUEUE_FRAMES; i++) {
            txQueue[i] = new Frame(0, MAX_HOST_FRAME);
        }
        byte[] m = mac.toBytes();
        eeprom[Eeprom.ETHERNET_ADDRESS_0] = (m[0] & 0xFF) | (m[1] & 0xFF) << 8;
        eeprom[Eeprom.ETHERNET_ADDRESS_1] = (m[2] & 0xFF) | (m[3] & 0xFF) << 8;
        eeprom[Eeprom.ETHERNET_ADDRESS_2] = (m[4] & 0xFF) | (m[5] & 0xFF) << 8;
        eeprom[Eeprom.INIT_CONTROL_1] = Eeprom.INIT_CONTROL_1_SIGNATURE;
        int sum = 0;
        for (int i = 0; i < Eeprom.CHECKSUM_WORD; i++) {
            sum += eeprom[i];
        }
        eeprom[Eeprom.CHECKSUM_WORD] = (Eeprom.CHECKSUM_SUM - sum) & 0xFFFF;
        memoryBar(0, BAR0_SIZE, this);
        msiCap = addCapability(PciConfig.CAP_ID_MSI, 10);
        setWritable(msiCap + MSI_CONTROL, 1);
        setWritable(msiCap + MSI_ADDRESS, 4);
        setWritable(msiCap + MSI_DATA, 2);
        // Subsystem 8086:001E, the PRO/1000 MT Desktop adapter built on the 82540EM.
        put16(PciConfig.SUBSYSTEM_VENDOR_ID, PCI_VENDOR_INTEL);
        put16(PciConfig.SUBSYSTEM_ID, 0x001E);
        put16(PciConfig.INTERRUPT_LINE, 0x0100); // interrupt pin 1 (INTA#), line not yet assigned
        reset();
    }

    /** Where interrupt messages go (the VM's interrupt router, or the IOMMU's remapping). */
    public void setMsiSink(MsiSink sink) {
        this.msiSink = sink;
    }

    /** The MSI capability's offset in configuration space. */
    public int msiCapability() {
        return msiCap;
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        // Only the enable bit of MSI control is writable (1 message, 32-bit address). PCI 3.0 §6.8.1.3.
        if (offset <= msiCap + MSI_CONTROL && offset + size > msiCap + MSI_CONTROL) {
            put16(msiCap + MSI_CONTROL, get16(msiCap + MSI_CONTROL) & MSI_CONTROL_ENABLE);
        }
        if (offset <= msiCap + MSI_ADDRESS && offset + size > msiCap + MSI_ADDRESS) {
            put32(msiCap + MSI_ADDRESS, get32(msiCap + MSI_ADDRESS) & ~3);
        }
        if ((get16(msiCap + MSI_CONTROL) & MSI_CONTROL_ENABLE) != 0) {
            synchronized (this) {
                signalIfNeeded(); // causes already pending and unmasked are signalled once MSI is on
            }
        }
    }

    /** Power-on and CTRL.RST state: rings, interrupts and filters cleared. SDM §13.4.1 (RST). */
    private void reset() {
        ctrl = CTRL_FD | CTRL_ASDE;
        eecd = EECD_PRES;
        eerd = 0;
        microwireBitsIn = 0;
        microwireShift = 0;
        microwireReading = false;
        icr = 0;
        ims = 0;
        itr = 0;
        rctl = 0;
        tctl = 0;
        tipg = 0;
        rdtr = 0;
        tidv = 0;
        ctrlExt = 0;
        java.util.Arrays.fill(mta, 0);
        java.util.Arrays.fill(rah, 0);
        java.util.Arrays.fill(ral, 0);
        // The hardware loads RA[0] from the EEPROM's Ethernet address at reset. SDM §5.6.1.
        ral[0] = eeprom[0] | eeprom[1] << 16;
        rah[0] = eeprom[2] | RAH_AV;
        rx.reset();
        tx.reset();
        txLength = 0;
        txDropping = false;
        asserted = false;
        updateLink();
    }

    // ------------------------------------------------------------------ host side: link

    /** Plugs or unplugs the cable; a change of link status raises LSC. SDM §13.4.17. */
    public synchronized void setCableConnected(boolean connected) {
        cableConnected = connected;
        updateLink();
    }

    /** STATUS.LU: the cable is in and software set CTRL.SLU (or left auto-speed detection on). */
    private void updateLink() {
        boolean up = cableConnected && (ctrl & (CTRL_SLU | CTRL_ASDE)) != 0;
        if (up != linkUp) {
            linkUp = up;
            raise(ICR_LSC);
        }
    }

    @Override
    public synchronized boolean isLinkUp() {
        return linkUp;
    }

    // ------------------------------------------------------------------ registers

    @Override
    public synchronized long mmioRead(long offset, int size) {
        mmioReads++;
        int reg = (int) (offset & ~3L);
        int v = readRegister(reg);
        int shift = 8 * (int) (offset & 3);
        long value = (v & 0xFFFF_FFFFL) >>> shift;
        return size >= 4 ? value : value & ((1L << (8 * size)) - 1);
    }

    private int readRegister(int reg) {
        switch (reg) {
            case CTRL:
                return ctrl;
            case STATUS:
                return (linkUp ? STATUS_LU : 0) | STATUS_FD | STATUS_SPEED_1000;
            case EECD:
                return eecd & ~EECD_DO | (microwireDataOut() ? EECD_DO : 0);
            case EERD:
                return eerd;
            case CTRL_EXT:
                return ctrlExt;
            case MDIC:
                return mdic | 1 << 28; // READY: PHY accesses complete at once (not modeled further)
            case ICR: {
                // Reading ICR clears it and deasserts the interrupt. SDM §13.4.17.
                int v = icr;
                icr = 0;
                asserted = false;
                return v;
            }
            case ITR:
                return itr;
            case IMS:
                return ims;
            case RCTL:
                return rctl;
            case TCTL:
                return tctl;
            case TIPG:
                return tipg;
            case RDBAL:
                return rx.baseLow();
            case RDBAH:
                return rx.baseHigh();
            case RDLEN:
                return rx.lengthBytes();
            case RDH:
                return rx.head();
            case RDT:
                return rx.tail();
            case RDTR:
                return rdtr;
            case TDBAL:
                return tx.baseLow();
            case TDBAH:
                return tx.baseHigh();
            case TDLEN:
                return tx.lengthBytes();
            case TDH:
                return tx.head();
            case TDT:
                return tx.tail();
            case TIDV:
                return tidv;
            default:
                break;
        }
        if (reg >= MTA && reg < MTA + 4 * MTA_ENTRIES) {
            return mta[(reg - MTA) / 4];
        }
        if (reg >= RAL0 && reg < RAL0 + 8 * RA_ENTRIES) {
            int n = (reg - RAL0) / 8;
            return (reg & 4) == 0 ? ral[n] : rah[n];
        }
        if (reg >= STATS_FIRST && reg <= STATS_LAST) {
            int i = (reg - STATS_FIRST) / 4;
            int v = stats[i];
            stats[i] = 0; // statistics clear on read. SDM §13.7.
            return v;
        }
        return 0; // reserved: reads as 0
    }

    @Override
    public synchronized void mmioWrite(long offset, int size, long value) {
        mmioWrites++;
        int reg = (int) (offset & ~3L);
        int v = (int) value;
        if (size < 4) {
            // A narrow write merges into the register (not a case real drivers use).
            int shift = 8 * (int) (offset & 3);
            int mask = (int) (((1L << (8 * size)) - 1) << shift);
            v = (peekRegister(reg) & ~mask) | ((v << shift) & mask);
        }
        writeRegister(reg, v);
    }

    /** A register's value without read side effects (for merging narrow writes). */
    private int peekRegister(int reg) {
        return switch (reg) {
            case ICR -> icr;
            default -> reg >= STATS_FIRST && reg <= STATS_LAST ? stats[(reg - STATS_FIRST) / 4] : readRegister(reg);
        };
    }

    private void writeRegister(int reg, int v) {
        switch (reg) {
            case CTRL -> {
                if ((v & CTRL_RST) != 0) {
                    reset(); // RST self-clears
                    return;
                }
                ctrl = v & ~CTRL_PHY_RST;
                updateLink();
            }
            case EECD -> {
                // Software requests the bit-bang interface; the grant is immediate. SDM §13.4.3.
                int old = eecd;
                int req = v & EECD_REQ;
                eecd = (v & (EECD_SK | EECD_CS | EECD_DI | EECD_REQ)) | EECD_PRES | (req != 0 ? EECD_GNT : 0);
                microwire(old, eecd);
            }
            case EERD -> {
                if ((v & EERD_START) != 0) {
                    // Word-at-a-time read, done at once. SDM §13.4.4. Addresses beyond the 64-word part wrap,
                    // as a Microwire EEPROM ignores the high address bits (a guest may ask for any).
                    int address = (v >>> EERD_ADDR_SHIFT) & 0xFF;
                    eerd = eeprom[address % Eeprom.WORDS] << EERD_DATA_SHIFT | address << EERD_ADDR_SHIFT | EERD_DONE;
                }
            }
            case CTRL_EXT -> ctrlExt = v;
            case MDIC -> mdic = v & 0x03FF_FFFF;
            case ICR -> {
                icr &= ~v; // writing 1s clears those causes. SDM §13.4.17.
                if ((icr & ims) == 0) {
                    asserted = false;
                }
            }
            case ITR -> itr = v & 0xFFFF;
            case ICS -> raise(v & ICR_VALID_MASK);
            case IMS -> {
                ims |= v & ICR_VALID_MASK;
                signalIfNeeded();
            }
            case IMC -> {
                ims &= ~v;
                if ((icr & ims) == 0) {
                    asserted = false;
                }
            }
            case RCTL -> rctl = v;
            case TCTL -> {
                tctl = v;
                processTransmit();
            }
            case TIPG -> tipg = v;
            case RDBAL -> rx.writeBaseLow(v);
            case RDBAH -> rx.writeBaseHigh(v);
            case RDLEN -> {
                if (!rx.writeLength(v)) {
                    count(E1000Error.RING_LENGTH_NOT_MULTIPLE_OF_128);
                }
            }
            case RDH -> rx.writeHead(v);
            case RDT -> rx.writeTail(v);
            case RDTR -> rdtr = v & 0xFFFF;
            case TDBAL -> tx.writeBaseLow(v);
            case TDBAH -> tx.writeBaseHigh(v);
            case TDLEN -> {
                if (!tx.writeLength(v)) {
                    count(E1000Error.RING_LENGTH_NOT_MULTIPLE_OF_128);
                }
            }
            case TDH -> tx.writeHead(v);
            case TDT -> {
                tx.writeTail(v);
                processTransmit(); // the doorbell
            }
            case TIDV -> tidv = v & 0xFFFF;
            default -> {
                if (reg >= MTA && reg < MTA + 4 * MTA_ENTRIES) {
                    mta[(reg - MTA) / 4] = v;
                } else if (reg >= RAL0 && reg < RAL0 + 8 * RA_ENTRIES) {
                    int n = (reg - RAL0) / 8;
                    if ((reg & 4) == 0) {
                        ral[n] = v;
                    } else {
                        rah[n] = v & (RAH_AV | 0x3_FFFF);
                    }
                }
                // Statistics and reserved registers ignore writes.
            }
        }
    }

    // ------------------------------------------------------------------ EEPROM: the Microwire interface behind EECD

    // The 82540EM's EEPROM is a 64-word Microwire part (SDM ch. 5, EEPROM interface): with CS high, the driver
    // clocks in (SK rising edges, data on DI) a start bit, the READ opcode 10b and a 6-bit word
    // address, then clocks out 16 data bits on DO, most significant first, and may keep clocking for
    // the following words. Linux's e1000 bit-bangs Microwire parts this way; EERD is the shortcut.
    private static final int MICROWIRE_READ = 0b110; // start bit, opcode 10b
    private int microwireBitsIn;
    private int microwireShift;
    private boolean microwireReading;
    private int microwireWord;
    private int microwireBit;

    private void microwire(int old, int now) {
        boolean csNow = (now & EECD_CS) != 0;
        if (!csNow || (old & EECD_CS) == 0) {
            // Chip select low, or just raised: the part waits for a new command.
            microwireBitsIn = 0;
            microwireShift = 0;
            microwireReading = false;
            if (!csNow) {
                return;
            }
        }
        if ((old & EECD_SK) != 0 || (now & EECD_SK) == 0) {
            return; // only rising clock edges move the part
        }
        if (microwireReading) {
            if (++microwireBit == 16) {
                microwireBit = 0;
                microwireWord = (microwireWord + 1) % Eeprom.WORDS; // sequential read
            }
            return;
        }
        microwireShift = microwireShift << 1 | ((now & EECD_DI) != 0 ? 1 : 0);
        if (++microwireBitsIn == 9) {
            if (microwireShift >>> 6 == MICROWIRE_READ) {
                microwireReading = true;
                microwireWord = microwireShift & 0x3F;
                microwireBit = -1; // the next rising edge presents the most significant bit
            }
            // Other opcodes (write, erase, write-enable) are not modeled: the part ignores them.
        }
    }

    private boolean microwireDataOut() {
        return microwireReading && microwireBit >= 0 && (eeprom[microwireWord] >>> (15 - microwireBit) & 1) != 0;
    }

    // ------------------------------------------------------------------ interrupts

    private void raise(int causes) {
        icr |= causes;
        signalIfNeeded();
    }

    /** Sends a message on the transition to asserted (ICR & IMS becoming non-zero). */
    private void signalIfNeeded() {
        if (asserted || (icr & ims) == 0) {
            return;
        }
        if ((get16(msiCap + MSI_CONTROL) & MSI_CONTROL_ENABLE) == 0) {
            return; // INTx is not modeled: without MSI the cause stays in ICR for a polling driver
        }
        if (itr != 0 && timers != null) {
            long now = timers.clock().nanos();
            if (now < nextInterruptNanos) {
                if (!throttleArmed) {
                    throttleArmed = true;
                    interruptsThrottled++;
                    timers.schedule(nextInterruptNanos, throttleExpired);
                }
                return;
            }
            nextInterruptNanos = now + itr * 256L; // SDM §13.4.18: the interval in 256 ns units
        }
        asserted = true;
        interruptsSignalled++;
        msiSink.signal(get32(msiCap + MSI_ADDRESS) & 0xFFFF_FFFFL, get16(msiCap + MSI_DATA));
    }

    // ------------------------------------------------------------------ transmit

    private boolean busMaster() {
        if ((command() & PciConfig.COMMAND_BUS_MASTER) == 0) {
            count(E1000Error.BUS_MASTER_DISABLED);
            return false;
        }
        return true;
    }

    /**
     * Processes descriptors from TDH up to TDT. Stops early (the ring stalls, to resume at the next
     * doorbell or host-side drain) when the host-side queue is full or a descriptor cannot be read.
     */
    private void processTransmit() {
        if ((tctl & TCTL_EN) == 0 || tx.lengthBytes() == 0 && tx.tail() == 0 && tx.head() == 0) {
            return;
        }
        E1000Error bad = tx.check();
        if (bad != null) {
            count(bad); // malicious or broken guest: the ring stalls
            return;
        }
        if (tx.empty() || !busMaster()) {
            return;
        }
        int causes = 0;
        while (!tx.empty()) {
            if (txQueued == TX_QUEUE_FRAMES) {
                break; // host side full: stall until receive() drains it
            }
            if (!dmaRead(tx.headDescriptor(), descriptor, 0, DESCRIPTOR_SIZE)) {
                count(E1000Error.DESCRIPTOR_DMA_FAULT);
                break; // stall at this descriptor
            }
            long buffer = le64(descriptor, LegacyTxDescriptor.BUFFER_ADDRESS);
            int length = le16(descriptor, LegacyTxDescriptor.LENGTH);
            int cmd = descriptor[LegacyTxDescriptor.CMD] & 0xFF;
            if ((cmd & LegacyTxDescriptor.CMD_DEXT) != 0) {
                count(E1000Error.TX_EXTENDED_DESCRIPTOR);
                txDropping = true;
            } else if (!txDropping) {
                if (txLength + length > MAX_HOST_FRAME) {
                    count(E1000Error.TX_FRAME_TOO_LONG);
                    txDropping = true;
                } else if (length > 0 && !dmaRead(tx.headBuffer(buffer), txAssembly, txLength, length)) {
                    count(E1000Error.BUFFER_DMA_FAULT);
                    txDropping = true;
                } else {
                    txLength += length;
                    copies += length > 0 ? 1 : 0;
                }
            }
            if ((cmd & LegacyTxDescriptor.CMD_RS) != 0) {
                // Write back DD in STA. SDM §3.3.3.2.
                if (dmaWrite8(tx.headStatus(), LegacyTxDescriptor.STATUS_DD)) {
                    causes |= ICR_TXDW;
                } else {
                    count(E1000Error.DESCRIPTOR_DMA_FAULT);
                }
            }
            tx.advanceHead();
            if ((cmd & LegacyTxDescriptor.CMD_EOP) != 0) {
                if (!txDropping) {
                    queueFrame();
                }
                txLength = 0;
                txDropping = false;
            }
        }
        if (tx.empty()) {
            causes |= ICR_TXQE;
        }
        if (causes != 0) {
            raise(causes);
        }
    }

    private void queueFrame() {
        int length = txLength;
        if ((tctl & TCTL_PSP) != 0 && length < MIN_FRAME) {
            java.util.Arrays.fill(txAssembly, length, MIN_FRAME, (byte) 0);
            length = MIN_FRAME;
        }
        Frame f = txQueue[(txQueueHead + txQueued) % TX_QUEUE_FRAMES];
        f.reset();
        f.copyFrom(txAssembly, 0, length);
        copies++;
        txQueued++;
        // Good packets/octets transmitted, total packets/octets. SDM §13.7.
        stat(GPTC, 1);
        stat(TPT, 1);
        add64(GOTCL, length + 4);
        add64(TOTL, length + 4);
        if ((txAssembly[0] & 1) != 0) {
            stat(isBroadcast(txAssembly, 0) ? BPTC : MPTC, 1);
        }
        if (txQueued == 1) {
            receiveListener.run();
        }
    }

    // ------------------------------------------------------------------ FramePort

    @Override
    public String name() {
        return name;
    }

    /** Frames the guest transmitted, towards the switch or link. */
    @Override
    public synchronized int receive(FrameBatch batch) {
        int n = 0;
        while (txQueued > 0 && batch.remaining() > 0) {
            Frame f = txQueue[txQueueHead];
            batch.add(f.buffer(), f.offset(), f.length());
            counters.countRx(f.length());
            txQueueHead = (txQueueHead + 1) % TX_QUEUE_FRAMES;
            txQueued--;
            n++;
        }
        if (n > 0 && !tx.empty()) {
            processTransmit(); // a stalled ring resumes as the queue drains
        }
        return n;
    }

    /** Frames for the guest: filtered and written into posted receive buffers. */
    @Override
    public synchronized int transmit(FrameBatch batch) {
        int accepted = 0;
        int causes = 0;
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            int r = deliver(f.buffer(), f.offset(), f.length());
            if (r > 0) {
                accepted++;
                counters.countTx(f.length());
                causes |= ICR_RXT0;
            } else {
                counters.txDropped++;
                if (r < 0) {
                    causes |= ICR_RXO;
                }
            }
        }
        if (accepted > 0 && belowMinimumThreshold()) {
            causes |= ICR_RXDMT0; // the driver is slow to give buffers back
        }
        if (causes != 0) {
            raise(causes);
        }
        return accepted;
    }

    /** 1: delivered; 0: filtered or refused without a miss; -1: missed for want of a descriptor. */
    private int deliver(byte[] b, int off, int len) {
        if (!linkUp || (rctl & RCTL_EN) == 0 || len < 14) {
            return 0;
        }
        if (!acceptAddress(b, off)) {
            return 0; // not for us: the filter drops it silently
        }
        stat(TPR, 1);
        add64(TORL, len + 4);
        if (len > MAX_STANDARD_FRAME && (rctl & RCTL_LPE) == 0) {
            stat(ROC, 1);
            return 0;
        }
        E1000Error bad = rx.check();
        if (bad != null) {
            count(bad); // malicious or broken guest: nothing can be received
            stat(MPC, 1);
            return -1;
        }
        int bufferSize = bufferSize();
        int needed = (len + bufferSize - 1) / bufferSize;
        if (rx.hardwareOwned() < needed) {
            // No descriptor: the packet is missed. SDM §13.7 (MPC, RNBC).
            stat(RNBC, 1);
            stat(MPC, 1);
            return -1;
        }
        if (!busMaster()) {
            stat(MPC, 1);
            return -1;
        }
        int done = 0;
        while (done < len) {
            int chunk = Math.min(bufferSize, len - done);
            long buffer;
            try {
                buffer = dma.read64(rx.headDescriptor()); // bytes 0-7: the buffer address
            } catch (DmaFaultException | OutOfHostMemoryException e) {
                count(E1000Error.DESCRIPTOR_DMA_FAULT); // the ring stalls at this descriptor
                stat(MPC, 1);
                return -1;
            }
            boolean last = done + chunk == len;
            int errorsField = 0;
            if (!dmaWrite(rx.headBuffer(buffer), b, off + done, chunk)) {
                count(E1000Error.BUFFER_DMA_FAULT);
                errorsField = LegacyRxDescriptor.ERRORS_RXE; // the descriptor is consumed with an error
            } else {
                copies++;
            }
            // Write back length, checksum, errors, then status (DD last, as software polls it). SDM §3.2.3.
            long upper = (chunk & 0xFFFFL) | (long) errorsField << 40
                    | (long) (LegacyRxDescriptor.STATUS_DD | (last ? LegacyRxDescriptor.STATUS_EOP : 0)) << 32;
            if (!dmaWrite64(rx.headUpperHalf(), upper)) {
                count(E1000Error.DESCRIPTOR_DMA_FAULT);
                stat(MPC, 1);
                return -1;
            }
            rx.advanceHead();
            if (errorsField != 0) {
                return 0;
            }
            done += chunk;
        }
        stat(GPRC, 1);
        add64(GORCL, len + 4);
        if ((b[off] & 1) != 0) {
            stat(isBroadcast(b, off) ? BPRC : MPRC, 1);
        }
        return 1;
    }

    /** Whether the descriptors left to the hardware are at or below RCTL.RDMTS's fraction. SDM §13.4.22. */
    private boolean belowMinimumThreshold() {
        if (rx.check() != null) {
            return false;
        }
        int rdmts = (rctl >>> RCTL_RDMTS_SHIFT) & 3;
        int threshold = rx.count() >> (1 + Math.min(rdmts, 2));
        return rx.hardwareOwned() <= threshold;
    }

    /** RCTL.BSIZE and BSEX. SDM §13.4.22, Table 13-67. */
    private int bufferSize() {
        int bsize = (rctl >>> RCTL_BSIZE_SHIFT) & 3;
        if ((rctl & RCTL_BSEX) != 0 && bsize != 0) {
            return 16384 >> (bsize - 1);
        }
        return 2048 >> bsize;
    }

    /** Destination filtering: RAL/RAH exact matches, the MTA hash, RCTL.UPE/MPE/BAM. SDM §3.2.1, §13.5. */
    private boolean acceptAddress(byte[] b, int off) {
        if (isBroadcast(b, off)) {
            return (rctl & RCTL_BAM) != 0 || (rctl & RCTL_MPE) != 0;
        }
        boolean multicast = (b[off] & 1) != 0;
        if (multicast) {
            if ((rctl & RCTL_MPE) != 0) {
                return true;
            }
            // MO = 00: the hash is bits 47:36 of the address (the last 12 bits). SDM §13.5.1.
            int hash = ((b[off + 4] & 0xFF) >>> 4 | (b[off + 5] & 0xFF) << 4) & 0xFFF;
            return (mta[hash >>> 5] & (1 << (hash & 31))) != 0;
        }
        if ((rctl & RCTL_UPE) != 0) {
            return true;
        }
        int lo = (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
        int hi = (b[off + 4] & 0xFF) | (b[off + 5] & 0xFF) << 8;
        for (int n = 0; n < RA_ENTRIES; n++) {
            if ((rah[n] & RAH_AV) != 0 && ral[n] == lo && (rah[n] & 0xFFFF) == hi) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBroadcast(byte[] b, int off) {
        for (int i = 0; i < 6; i++) {
            if (b[off + i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public synchronized void setReceiveListener(Runnable listener) {
        this.receiveListener = listener == null ? () -> { } : listener;
    }

    // ------------------------------------------------------------------ DMA: every guest-supplied address may be bad

    private boolean dmaRead(Gpa gpa, byte[] dst, int off, int len) {
        try {
            dma.read(gpa, dst, off, len);
            return true;
        } catch (DmaFaultException | OutOfHostMemoryException e) {
            return false;
        }
    }

    private boolean dmaWrite(Gpa gpa, byte[] src, int off, int len) {
        try {
            dma.write(gpa, src, off, len);
            return true;
        } catch (DmaFaultException | OutOfHostMemoryException e) {
            return false;
        }
    }

    private boolean dmaWrite8(Gpa gpa, int value) {
        try {
            dma.write8(gpa, value);
            return true;
        } catch (DmaFaultException | OutOfHostMemoryException e) {
            return false;
        }
    }

    private boolean dmaWrite64(Gpa gpa, long value) {
        try {
            dma.write64(gpa, value);
            return true;
        } catch (DmaFaultException | OutOfHostMemoryException e) {
            return false;
        }
    }

    private static long le64(byte[] b, int o) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[o + i] & 0xFF);
        }
        return v;
    }

    private static int le16(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
    }

    // ------------------------------------------------------------------ counters

    private void count(E1000Error e) {
        errors[e.ordinal()]++;
    }

    private void stat(int reg, int n) {
        stats[(reg - STATS_FIRST) / 4] += n;
    }

    /** Adds to a 64-bit low/high statistics pair. */
    private void add64(int lowReg, int n) {
        int i = (lowReg - STATS_FIRST) / 4;
        long v = (stats[i] & 0xFFFF_FFFFL) | (long) stats[i + 1] << 32;
        v += n;
        stats[i] = (int) v;
        stats[i + 1] = (int) (v >>> 32);
    }

    /** How many times the guest caused {@code error}. */
    public synchronized long errors(E1000Error error) {
        return errors[error.ordinal()];
    }

    /** Every error counter, for reports. */
    public synchronized long totalErrors() {
        long n = 0;
        for (long e : errors) {
            n += e;
        }
        return n;
    }

    /**
     * Copies of packet bytes the device model made (host software, as QEMU's e1000 does): on transmit
     * one per descriptor buffer read into the assembly buffer and one from it into the frame; on
     * receive one per buffer written.
     */
    public synchronized long copies() {
        return copies;
    }

    /** Interrupt messages sent. */
    public synchronized long interruptsSignalled() {
        return interruptsSignalled;
    }

    /** Assertions that ITR deferred to the end of its interval. */
    public synchronized long interruptsThrottled() {
        return interruptsThrottled;
    }

    /** Register reads through BAR 0 (each one an MMIO exit of the guest). */
    public synchronized long mmioReads() {
        return mmioReads;
    }

    /** Register writes through BAR 0. */
    public synchronized long mmioWrites() {
        return mmioWrites;
    }

    /** The Ethernet address in the EEPROM. */
    public MacAddress macAddress() {
        byte[] m = new byte[6];
        for (int i = 0; i < 3; i++) {
            m[2 * i] = (byte) eeprom[i];
            m[2 * i + 1] = (byte) (eeprom[i] >>> 8);
        }
        return MacAddress.read(m, 0);
    }

    /** Frames waiting on the host side. */
    public synchronized int queuedForHost() {
        return txQueued;
    }

    /** TDH, for tests and reports (the guest reads it through BAR 0). */
    public synchronized int transmitHead() {
        return tx.head();
    }

    /** RDH, for tests and reports. */
    public synchronized int receiveHead() {
        return rx.head();
    }
}
