package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;
import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;

import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.PciConfig;

/**
 * A minimal guest VF driver for this module's tests, written as a guest kernel would be: it reaches the
 * VF only through its {@link GuestCpu} — configuration cycles on ports CF8h/CFCh, loads and stores to
 * the BARs and to its rings in guest memory — and handles interrupts through its IDT. It is a sender
 * or a receiver of {@code count} frames, in interrupt mode (HLT when idle, woken by the VF's posted
 * MSI-X) or poll mode (EIMS left 0; the main loop polls the rings and halts only when its work is
 * done) — not the guest module's driver (docs/sriov.md says why that one is not built yet).
 */
final class TestVfGuestDriver implements GuestCode {
    static final int RING = 64;
    static final long TX_RING = 0x10_0000;
    static final long RX_RING = 0x10_1000;
    static final long RX_BUFFERS = 0x20_0000;
    static final long TX_BUFFERS = 0x30_0000;
    static final int RX_VECTOR = 0x61;
    static final int TX_VECTOR = 0x62;
    /** A vector the test posts to start a sender (and, in poll mode, a receiver's polling loop). */
    static final int START_VECTOR = 0x63;
    static final int ETHER_TYPE = 0x88B5;

    private final Bdf bdf;
    private final long bar0;
    private final long bar3;
    private final int msixCap;
    private final boolean sender;
    private final boolean pollMode;
    private final int count;
    private final byte[] frame;
    private boolean started;
    private int txTail;
    private int txClean;
    private int rxNext;
    private int rxTail;
    int sent;
    int received;
    int corrupt;
    int interrupts;

    TestVfGuestDriver(Bdf bdf, long bar0, long bar3, int msixCap, boolean sender, int count, byte[] src, byte[] dst) {
        this(bdf, bar0, bar3, msixCap, sender, false, count, src, dst);
    }

    TestVfGuestDriver(Bdf bdf, long bar0, long bar3, int msixCap, boolean sender, boolean pollMode, int count,
            byte[] src, byte[] dst) {
        this.pollMode = pollMode;
        this.bdf = bdf;
        this.bar0 = bar0;
        this.bar3 = bar3;
        this.msixCap = msixCap;
        this.sender = sender;
        this.count = count;
        this.frame = new byte[60];
        System.arraycopy(dst, 0, frame, 0, 6);
        System.arraycopy(src, 0, frame, 6, 6);
        frame[12] = (byte) (ETHER_TYPE >>> 8);
        frame[13] = (byte) ETHER_TYPE;
    }

    private static void cfgWrite(GuestCpu cpu, Bdf bdf, int reg, int value) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        cpu.out32(X86.PCI_CONFIG_DATA, value);
    }

    private void msixEntry(GuestCpu cpu, int entry, int vector) {
        long e = bar3 + (long) entry * PciConfig.MSIX_ENTRY_SIZE;
        cpu.write32(e, (int) Msi.address(0));
        cpu.write32(e + 4, 0);
        cpu.write32(e + 8, Msi.data(vector));
        cpu.write32(e + 12, 0);
    }

    @Override
    public void reset(GuestCpu cpu) {
        cfgWrite(cpu, bdf, PciConfig.COMMAND, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
        msixEntry(cpu, VECTOR_RX, RX_VECTOR);
        msixEntry(cpu, VECTOR_TX, TX_VECTOR);
        cfgWrite(cpu, bdf, msixCap, PciConfig.MSIX_CONTROL_ENABLE << 16);
        for (int i = 0; i < RING; i++) { // the driver zeroes its buffers at init, as a kernel's allocator hands them out
            cpu.write64(TX_BUFFERS + (long) i * 2048, 0);
            cpu.write64(RX_BUFFERS + (long) i * 2048, 0);
        }
        for (int i = 0; i < RING; i++) { // a zeroed TX ring (dma_alloc_coherent's memory is zeroed)
            cpu.write64(TX_RING + (long) i * SIZE + ADDRESS, 0);
            cpu.write64(TX_RING + (long) i * SIZE + TX_CMD_TYPE_LEN, 0);
        }
        cpu.write32(bar0 + TDBAL, (int) TX_RING);
        cpu.write32(bar0 + TDBAH, 0);
        cpu.write32(bar0 + TDLEN, RING * SIZE);
        cpu.write32(bar0 + TXDCTL, QUEUE_ENABLE);
        for (int i = 0; i < RING - 1; i++) {
            postRx(cpu, i);
        }
        rxTail = RING - 1;
        cpu.write32(bar0 + RDBAL, (int) RX_RING);
        cpu.write32(bar0 + RDBAH, 0);
        cpu.write32(bar0 + RDLEN, RING * SIZE);
        cpu.write32(bar0 + RXDCTL, QUEUE_ENABLE);
        cpu.write32(bar0 + RX_TAIL, rxTail);
        if (!pollMode) {
            cpu.write32(bar0 + EIMS, sender ? CAUSE_TX0 : CAUSE_RX0);
        }
        cpu.sti();
        cpu.hlt();
    }

    private void postRx(GuestCpu cpu, int index) {
        long d = RX_RING + (long) index * SIZE;
        cpu.write64(d + ADDRESS, RX_BUFFERS + (long) index * 2048);
        cpu.write64(d + RX_STATUS, 0);
    }

    @Override
    public void interrupt(GuestCpu cpu, int vector, long errorCode) {
        interrupts++;
        if (vector == START_VECTOR) {
            started = true;
        }
        cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
    }

    @Override
    public void run(GuestCpu cpu) {
        if (sender) {
            if (started) {
                transmit(cpu);
            }
        } else {
            receive(cpu);
        }
        boolean done = sender ? sent == count && txClean == txTail : received == count;
        if (pollMode && !started) {
            done = true; // a poll-mode driver starts polling when the test says so (START_VECTOR)
        }
        if (!pollMode || done) {
            cpu.hlt();
        }
        // Poll mode: return without HLT; the processor enters this slice again at once.
    }

    private void transmit(GuestCpu cpu) {
        while (txClean != txTail && (cpu.read32(TX_RING + (long) txClean * SIZE + TX_OLINFO_STATUS) & TX_STA_DD) != 0) {
            txClean = (txClean + 1) % RING;
        }
        int before = txTail;
        while (sent < count && (txTail + 1) % RING != txClean) {
            long buffer = TX_BUFFERS + (long) txTail * 2048;
            frame[14] = (byte) (sent >>> 24);
            frame[15] = (byte) (sent >>> 16);
            frame[16] = (byte) (sent >>> 8);
            frame[17] = (byte) sent;
            cpu.write(buffer, frame, 0, frame.length);
            long d = TX_RING + (long) txTail * SIZE;
            cpu.write64(d + ADDRESS, buffer);
            cpu.write32(d + TX_CMD_TYPE_LEN, frame.length | TX_DTYP_DATA | TX_DCMD_DEXT | TX_DCMD_EOP | TX_DCMD_RS);
            cpu.write32(d + TX_OLINFO_STATUS, 0);
            txTail = (txTail + 1) % RING;
            sent++;
        }
        if (txTail != before) {
            cpu.write32(bar0 + TX_TAIL, txTail); // the doorbell: a store into the EPT-mapped page
        }
    }

    private void receive(GuestCpu cpu) {
        boolean any = false;
        while ((cpu.read32(RX_RING + (long) rxNext * SIZE + RX_STATUS) & RX_STAT_DD) != 0) {
            long d = RX_RING + (long) rxNext * SIZE;
            int length = cpu.read32(d + RX_LENGTH_VLAN) & 0xFFFF;
            long buffer = RX_BUFFERS + (long) rxNext * 2048;
            int type = cpu.read8(buffer + 12) << 8 | cpu.read8(buffer + 13);
            int seq = cpu.read32(buffer + 14);
            if (length != 60 || type != ETHER_TYPE || Integer.reverseBytes(seq) != received) {
                corrupt++;
            }
            received++;
            postRx(cpu, rxTail); // the slot at the old tail gets a buffer, then the tail moves past it
            rxNext = (rxNext + 1) % RING;
            rxTail = (rxTail + 1) % RING;
            any = true;
        }
        if (any) {
            cpu.write32(bar0 + RX_TAIL, rxTail);
        }
    }
}
