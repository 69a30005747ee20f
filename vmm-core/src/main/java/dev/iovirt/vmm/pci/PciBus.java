package dev.iovirt.vmm.pci;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.io.IoBus;
import dev.iovirt.vmm.io.MmioBus;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.io.PioDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * PCI segment 0, bus 0, with its host bridge: configuration mechanism #1 at ports 0xCF8/0xCFC (PCI
 * Local Bus Spec 3.0 §3.2.2.3.2) and ECAM at an MMIO window (PCIe Base Spec 6.0 §7.2.2), and the
 * mapping of BARs into the VM's port and MMIO spaces whenever the guest programs a BAR or flips the
 * command register's I/O/memory enables.
 *
 * <p>How a config access flows: guest {@code out32(0xCF8, addr)} exits to user space → this bus latches
 * CONFIG_ADDRESS → guest {@code in32(0xCFC)} exits → the bus decodes bus/device/function/register and
 * calls {@link PciFunction#configRead}. An absent function reads as all ones (master abort).
 */
public final class PciBus {
    /** The default ECAM window (bus 0 only: 1 MiB). */
    public static final long DEFAULT_ECAM_BASE = 0xE000_0000L;
    public static final long ECAM_SIZE_BUS0 = 1 << 20;

    private final IoBus ioBus;
    private final MmioBus mmioBus;
    private final PciFunction[] functions = new PciFunction[256];
    private final long[] mappedBase = new long[256 * 6];
    private int configAddress;

    public PciBus(IoBus ioBus, MmioBus mmioBus, long ecamBase) {
        this.ioBus = ioBus;
        this.mmioBus = mmioBus;
        ioBus.register(X86.PCI_CONFIG_ADDRESS, 8, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return configPortRead(offset, size);
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                configPortWrite(offset, size, value);
            }
        });
        mmioBus.register(ecamBase, ECAM_SIZE_BUS0, new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                PciFunction f = functions[(int) (offset >>> 12) & 0xFF];
                int reg = (int) (offset & 0xFFF);
                if (f == null || size > 4 || (reg & (size - 1)) != 0) {
                    return size >= 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
                }
                return f.configRead(reg, size) & 0xFFFF_FFFFL;
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
                PciFunction f = functions[(int) (offset >>> 12) & 0xFF];
                int reg = (int) (offset & 0xFFF);
                if (f != null && size <= 4 && (reg & (size - 1)) == 0) {
                    f.configWrite(reg, size, (int) value);
                }
            }
        });
    }

    /** Plugs {@code function} in at {@code device.function} of bus 0. */
    public synchronized Bdf attach(int device, int function, PciFunction f) {
        int devfn = device << 3 | function;
        if (functions[devfn] != null) {
            throw new IllegalArgumentException("slot " + Bdf.of(0, device, function) + " is occupied");
        }
        functions[devfn] = f;
        f.setMappingListener(() -> remap(devfn));
        return Bdf.of(0, device, function);
    }

    public synchronized List<PciFunction> functions() {
        List<PciFunction> list = new ArrayList<>();
        for (PciFunction f : functions) {
            if (f != null) {
                list.add(f);
            }
        }
        return list;
    }

    private int configPortRead(int offset, int size) {
        if (offset < 4) {
            return size == 4 && offset == 0 ? configAddress : 0xFFFF_FFFF >>> (32 - 8 * size);
        }
        PciFunction f = selected();
        int reg = (configAddress & 0xFC) + (offset - 4);
        if (f == null) {
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        return f.configRead(reg, size);
    }

    private void configPortWrite(int offset, int size, int value) {
        if (offset < 4) {
            if (offset == 0 && size == 4) {
                configAddress = value & 0x80FF_FFFC;
            }
            return;
        }
        PciFunction f = selected();
        if (f != null) {
            f.configWrite((configAddress & 0xFC) + (offset - 4), size, value);
        }
    }

    private PciFunction selected() {
        if ((configAddress & 0x8000_0000) == 0 || ((configAddress >>> 16) & 0xFF) != 0) {
            return null;
        }
        return functions[(configAddress >>> 8) & 0xFF];
    }

    /** Re-registers a function's BARs after its command register or a BAR changed. */
    private synchronized void remap(int devfn) {
        PciFunction f = functions[devfn];
        for (int i = 0; i < 6; i++) {
            if (f.barSize(i) == 0) {
                continue;
            }
            int slot = devfn * 6 + i;
            Object handler = f.barHandler(i);
            if (mappedBase[slot] != 0) {
                if (f.barIsIo(i)) {
                    ioBus.unregister((PioDevice) handler);
                } else {
                    mmioBus.unregister(mappedBase[slot], (MmioDevice) handler);
                }
                mappedBase[slot] = 0;
            }
            long base = f.barAddress(i);
            boolean enabled = (f.command() & (f.barIsIo(i) ? PciConfig.COMMAND_IO : PciConfig.COMMAND_MEMORY)) != 0;
            // A BAR still holding the sizing probe (all address bits set, in either half) is not a real address.
            long top = f.barIs64(i) ? -1L : 0xFFFF_FFFFL;
            boolean probing = (base | (f.barSize(i) - 1)) == top || (f.barIs64(i) && (base >>> 32) == 0xFFFF_FFFFL);
            if (!enabled || base == 0 || probing) {
                continue;
            }
            try {
                if (f.barIsIo(i)) {
                    ioBus.register((int) base, (int) f.barSize(i), (PioDevice) handler);
                } else {
                    mmioBus.register(base, f.barSize(i), (MmioDevice) handler);
                }
                mappedBase[slot] = base;
            } catch (IllegalArgumentException overlap) {
                // A guest that programs overlapping BARs gets a BAR that decodes nothing, not a host error.
            }
        }
    }
}
