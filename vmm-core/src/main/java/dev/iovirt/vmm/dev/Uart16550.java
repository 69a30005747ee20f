package dev.iovirt.vmm.dev;

import static dev.iovirt.vmm.dev.UartRegisters.*;

import dev.iovirt.vmm.io.PioDevice;
import dev.iovirt.vmm.pci.PciFunction;

/**
 * A 16550A UART on PCI, as QEMU's {@code pci-serial}: vendor 0x1B36 (Red Hat), device 0x0002, class
 * 0x070002 (serial controller, 16550-compatible), its eight registers behind I/O BAR 0. Register map
 * in {@link UartRegisters} (TI/National PC16550D datasheet, Table 2; offsets with DLAB = LCR bit 7):
 *
 * <pre>
 * 0  RBR (read) / THR (write) / DLL (DLAB=1)     4  MCR
 * 1  IER / DLM (DLAB=1)                          5  LSR: bit 0 DR, bit 5 THRE, bit 6 TEMT
 * 2  IIR (read) / FCR (write)                    6  MSR
 * 3  LCR                                         7  SCR
 * </pre>
 *
 * <p>Transmission is instantaneous: a byte written to THR goes to the {@link ConsoleSink} at once and
 * THRE stays set, so a driver that fills the 16-byte FIFO without polling LSR costs one exit per byte,
 * as on real hardware. Received bytes ({@link #receive}) wait in RBR with LSR.DR set and, when the
 * driver enabled it in IER, raise the device's interrupt. Departure from QEMU's {@code pci-serial}:
 * that device interrupts by INTx; this platform has no INTx routing (no IOAPIC), so the model carries
 * an MSI capability instead, as many PCIe serial cards do.
 */
public final class Uart16550 extends PciFunction implements PioDevice {
    public static final int VENDOR_REDHAT = UartRegisters.PCI_VENDOR_REDHAT;
    public static final int DEVICE_PCI_SERIAL = UartRegisters.PCI_DEVICE_SERIAL;
    public static final int CLASS_SERIAL_16550 = UartRegisters.PCI_CLASS_SERIAL_16550;

    /** Interrupt identification: no interrupt pending (bit 0 set). */
    private static final int IIR_NONE = 0x01;
    /** Interrupt identification: received data available. PC16550D Table 4. */
    private static final int IIR_RX_DATA = 0x04;
    private static final int IER_RX_DATA = 0x01;
    private final ConsoleSink console;
    private final dev.iovirt.vmm.pci.MsiCapability msi;
    private int ier;
    private int lcr = 0x03;
    private int mcr;
    private int scr;
    private int fcr;
    private int dll = 1;
    private int dlm;
    private int rbr = -1;
    private long transmitted;

    public Uart16550(ConsoleSink console) {
        super(VENDOR_REDHAT, DEVICE_PCI_SERIAL, CLASS_SERIAL_16550, 1);
        this.console = console;
        ioBar(0, REGISTER_COUNT, this);
        this.msi = addMsi();
    }

    /** Bytes written to THR so far. */
    public synchronized long transmitted() {
        return transmitted;
    }

    /** Where the UART's MSI goes (the VM's interrupt router). */
    public void setMsiSink(dev.iovirt.vmm.pci.MsiSink sink) {
        msi.setSink(sink);
    }

    /**
     * A byte arriving on the serial line (the platform's console input). With "received data available"
     * enabled in IER, the UART raises its interrupt — as an MSI, since this model has no INTx wiring.
     * A byte arriving while RBR is full overwrites it (an overrun; not flagged).
     */
    public void receive(int b) {
        boolean raise;
        synchronized (this) {
            rbr = b & 0xFF;
            raise = (ier & IER_RX_DATA) != 0;
        }
        if (raise) {
            msi.signal();
        }
    }

    @Override
    public synchronized int ioRead(int offset, int size) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (offset) {
            case RBR -> {
                if (dlab) {
                    yield dll;
                }
                int v = rbr < 0 ? 0 : rbr;
                rbr = -1;
                yield v;
            }
            case IER -> dlab ? dlm : ier;
            case IIR -> ((fcr & FCR_ENABLE_FIFO) != 0 ? 0xC0 : 0)
                    | (rbr >= 0 && (ier & IER_RX_DATA) != 0 ? IIR_RX_DATA : IIR_NONE);
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> LSR_THRE | LSR_TEMT | (rbr >= 0 ? LSR_DR : 0);
            case MSR -> 0xB0; // CTS, DSR, DCD asserted
            case SCR -> scr;
            default -> 0xFF;
        };
    }

    @Override
    public synchronized void ioWrite(int offset, int size, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        int v = value & 0xFF;
        switch (offset) {
            case THR -> {
                if (dlab) {
                    dll = v;
                } else {
                    transmitted++;
                    console.put(v);
                }
            }
            case IER -> {
                if (dlab) {
                    dlm = v;
                } else {
                    ier = v & 0x0F;
                }
            }
            case FCR -> fcr = v & 0xC9;
            case LCR -> lcr = v;
            case MCR -> mcr = v & 0x1F;
            case SCR -> scr = v;
            default -> {
            }
        }
    }
}
