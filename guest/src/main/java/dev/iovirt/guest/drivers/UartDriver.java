package dev.iovirt.guest.drivers;

import static dev.iovirt.vmm.dev.UartRegisters.*;

import dev.iovirt.guest.Driver;
import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.function.IntConsumer;

/**
 * The 16550A console driver (what Linux's 8250 driver does, in miniature): 8N1, FIFOs on; to send, it
 * waits for THRE once and then writes up to a FIFO's worth of bytes without polling. Each THR write is
 * an OUT to the device's I/O BAR — one exit to the VMM's user space per byte, as on real hardware.
 * Input is interrupt-driven when the device offers MSI: the driver takes a vector, programs the MSI
 * capability (address 0xFEE00000 | APIC ID << 12, data = vector; PCI 3.0 §6.8.1), enables "received
 * data available" in IER, and its handler drains RBR while LSR.DR is set.
 */
public final class UartDriver implements Driver {
    private GuestCpu cpu;
    private int base;
    private int fifoRoom;
    private long lsrPolls;
    private volatile IntConsumer input = b -> { };
    private long received;

    @Override
    public boolean probe(Kernel kernel, PciDevice device) {
        if (!device.barIo()[0] || device.barSize()[0] < REGISTER_COUNT) {
            return false;
        }
        this.cpu = kernel.cpu();
        this.base = (int) device.barAddress()[0];
        cpu.out8(base + IER, 0);
        cpu.out8(base + LCR, LCR_8N1);
        cpu.out8(base + FCR, FCR_ENABLE_FIFO | FCR_CLEAR_RX | FCR_CLEAR_TX);
        waitForThre();
        int msi = device.capability(PciConfig.CAP_ID_MSI);
        if (msi >= 0) {
            int vector = kernel.allocateVector((k, v, e) -> drainInput());
            PciEnumerator config = new PciEnumerator(cpu);
            config.write(device.bdf(), msi + 4, 0xFEE0_0000 | kernel.apicId() << 12);
            config.write(device.bdf(), msi + 8, 0);
            config.write16(device.bdf(), msi + 0xC, vector);
            config.write16(device.bdf(), msi + 2, (config.read(device.bdf(), msi) >>> 16) | 1);
            cpu.out8(base + IER, 0x01); // received data available
        }
        kernel.setConsole(this);
        return true;
    }

    /** Where received bytes go (called in interrupt context). */
    public void onInput(IntConsumer consumer) {
        this.input = consumer;
    }

    /** Bytes received so far. */
    public long received() {
        return received;
    }

    private void drainInput() {
        while ((cpu.in8(base + LSR) & LSR_DR) != 0) {
            int b = cpu.in8(base + RBR);
            received++;
            input.accept(b);
        }
    }

    /** The base I/O port the BAR was placed at. */
    public int base() {
        return base;
    }

    /** LSR reads made while waiting for room. */
    public long lsrPolls() {
        return lsrPolls;
    }

    private void waitForThre() {
        while (true) {
            lsrPolls++;
            if ((cpu.in8(base + LSR) & LSR_THRE) != 0) {
                fifoRoom = FIFO_DEPTH;
                return;
            }
        }
    }

    public void print(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (fifoRoom == 0) {
                waitForThre();
            }
            cpu.out8(base + THR, s.charAt(i));
            fifoRoom--;
        }
    }
}
