package dev.iovirt.guest.drivers;

import static dev.iovirt.vmm.dev.UartRegisters.*;

import dev.iovirt.guest.Driver;
import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.vmm.arch.GuestCpu;

/**
 * The 16550A console driver (what Linux's 8250 driver does, in miniature): 8N1, FIFOs on; to send, it
 * waits for THRE once and then writes up to a FIFO's worth of bytes without polling. Each THR write is
 * an OUT to the device's I/O BAR — one exit to the VMM's user space per byte, as on real hardware.
 */
public final class UartDriver implements Driver {
    private GuestCpu cpu;
    private int base;
    private int fifoRoom;
    private long lsrPolls;

    @Override
    public boolean probe(Kernel kernel, PciDevice device) {
        if (!device.barIo()[0] || device.barSize()[0] < REGISTER_COUNT) {
            return false;
        }
        this.cpu = kernel.cpu();
        this.base = (int) device.barAddress()[0];
        cpu.out8(base + IER, 0); // no interrupts: polled console
        cpu.out8(base + LCR, LCR_8N1);
        cpu.out8(base + FCR, FCR_ENABLE_FIFO | FCR_CLEAR_RX | FCR_CLEAR_TX);
        waitForThre();
        kernel.setConsole(this);
        return true;
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
