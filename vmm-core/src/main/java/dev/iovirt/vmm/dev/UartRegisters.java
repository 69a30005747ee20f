package dev.iovirt.vmm.dev;

/**
 * The 16550A register map, defined once and shared by the device model and guest drivers. Offsets
 * from the base port, with DLAB = LCR bit 7 (TI/National PC16550D datasheet, Table 2).
 */
public final class UartRegisters {
    private UartRegisters() {
    }

    /** Receiver buffer (read) / transmitter holding (write); divisor latch low when DLAB=1. */
    public static final int RBR = 0;
    public static final int THR = 0;
    /** Interrupt enable; divisor latch high when DLAB=1. */
    public static final int IER = 1;
    /** Interrupt identification (read) / FIFO control (write). */
    public static final int IIR = 2;
    public static final int FCR = 2;
    public static final int LCR = 3;
    public static final int MCR = 4;
    public static final int LSR = 5;
    public static final int MSR = 6;
    public static final int SCR = 7;
    public static final int REGISTER_COUNT = 8;

    public static final int LCR_8N1 = 0x03;
    public static final int LCR_DLAB = 0x80;
    public static final int LSR_DR = 0x01;
    public static final int LSR_THRE = 0x20;
    public static final int LSR_TEMT = 0x40;
    public static final int FCR_ENABLE_FIFO = 0x01;
    public static final int FCR_CLEAR_RX = 0x02;
    public static final int FCR_CLEAR_TX = 0x04;
    /** The transmit FIFO depth of a 16550A: after seeing THRE, a driver may write this many bytes without polling. */
    public static final int FIFO_DEPTH = 16;

    /** QEMU's PCI serial identity (hw/char/serial-pci.c): Red Hat vendor 0x1B36, device 0x0002. */
    public static final int PCI_VENDOR_REDHAT = 0x1B36;
    public static final int PCI_DEVICE_SERIAL = 0x0002;
    /** PCI class 07h (communication), subclass 00h (serial), prog-if 02h (16550). */
    public static final int PCI_CLASS_SERIAL_16550 = 0x07_00_02;
}
