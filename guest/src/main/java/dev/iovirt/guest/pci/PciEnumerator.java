package dev.iovirt.guest.pci;

import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's PCI enumeration through configuration mechanism #1 (ports 0xCF8/0xCFC; PCI Local Bus
 * Spec 3.0 §3.2.2.3.2): probe every device of bus 0, read identity and class, size each BAR (write all
 * ones, read back the mask, PCI 3.0 §6.2.5.1), place it in the guest's I/O or MMIO window, and enable
 * decoding. Every access is a port-I/O exit to the VMM's user space, as it is for a real kernel.
 */
public final class PciEnumerator {
    /** Where I/O BARs are placed. */
    public static final int IO_WINDOW = 0xC000;
    /** Where memory BARs are placed (the MMIO hole below 4 GiB). */
    public static final long MMIO_WINDOW = 0xC000_0000L;

    private final GuestCpu cpu;
    private int nextIo = IO_WINDOW;
    private long nextMmio = MMIO_WINDOW;

    public PciEnumerator(GuestCpu cpu) {
        this.cpu = cpu;
    }

    public int read(Bdf bdf, int reg) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        return cpu.in32(X86.PCI_CONFIG_DATA);
    }

    public void write(Bdf bdf, int reg, int value) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        cpu.out32(X86.PCI_CONFIG_DATA, value);
    }

    /** A 16-bit configuration write (the data port plus the register's offset within its dword). */
    public void write16(Bdf bdf, int reg, int value) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        cpu.out16(X86.PCI_CONFIG_DATA + (reg & 2), value);
    }

    /** Walks the capability list (PCI 3.0 §6.7), guarding against loops a broken device could make. */
    public java.util.Map<Integer, Integer> capabilities(Bdf bdf) {
        java.util.Map<Integer, Integer> caps = new java.util.LinkedHashMap<>();
        if (((read(bdf, PciConfig.COMMAND) >>> 16) & PciConfig.STATUS_CAPABILITIES_LIST) == 0) {
            return caps;
        }
        int ptr = read(bdf, PciConfig.CAPABILITIES_POINTER) & 0xFC;
        for (int guard = 0; ptr >= 0x40 && guard < 48; guard++) {
            int header = read(bdf, ptr);
            caps.putIfAbsent(header & 0xFF, ptr);
            ptr = (header >>> 8) & 0xFC;
        }
        return caps;
    }

    /** Enumerates bus 0 and places every BAR. */
    public List<PciDevice> enumerate() {
        List<PciDevice> found = new ArrayList<>();
        for (int dev = 0; dev < 32; dev++) {
            int functions = 1;
            for (int fn = 0; fn < functions; fn++) {
                Bdf bdf = Bdf.of(0, dev, fn);
                int id = read(bdf, PciConfig.VENDOR_ID);
                if ((id & 0xFFFF) == 0xFFFF) {
                    continue;
                }
                if (fn == 0 && (read(bdf, 0x0C) & (0x80 << 16)) != 0) {
                    functions = 8; // multi-function device (header type bit 7)
                }
                found.add(configure(bdf, id));
            }
        }
        return found;
    }

    private PciDevice configure(Bdf bdf, int id) {
        int classCode = read(bdf, PciConfig.REVISION_ID) >>> 8;
        long[] address = new long[6];
        long[] size = new long[6];
        boolean[] io = new boolean[6];
        int command = 0;
        for (int i = 0; i < 6; i++) {
            int reg = PciConfig.BAR0 + 4 * i;
            int original = read(bdf, reg);
            write(bdf, reg, -1);
            int mask = read(bdf, reg);
            write(bdf, reg, original);
            if (mask == 0) {
                continue;
            }
            io[i] = (mask & PciConfig.BAR_IO) != 0;
            boolean is64 = !io[i] && (mask & 6) == PciConfig.BAR_MEM_64;
            long sizeMask;
            if (is64) {
                int upperReg = reg + 4;
                int upperOriginal = read(bdf, upperReg);
                write(bdf, upperReg, -1);
                long upper = read(bdf, upperReg) & 0xFFFF_FFFFL;
                write(bdf, upperReg, upperOriginal);
                sizeMask = upper << 32 | (mask & 0xFFFF_FFF0L);
                size[i] = ~sizeMask + 1;
            } else {
                sizeMask = io[i] ? mask & 0xFFFF_FFFCL : mask & 0xFFFF_FFF0L;
                size[i] = (~sizeMask + 1) & 0xFFFF_FFFFL;
            }
            if (io[i]) {
                nextIo = (int) ((nextIo + size[i] - 1) & -size[i]);
                address[i] = nextIo;
                nextIo += (int) size[i];
                command |= PciConfig.COMMAND_IO;
            } else {
                nextMmio = (nextMmio + size[i] - 1) & -size[i];
                address[i] = nextMmio;
                nextMmio += size[i];
                command |= PciConfig.COMMAND_MEMORY;
            }
            write(bdf, reg, (int) address[i]);
            if (is64) {
                write(bdf, reg + 4, (int) (address[i] >>> 32));
                i++; // the upper half is not a BAR of its own
            }
        }
        if (command != 0) {
            write(bdf, PciConfig.COMMAND, command | PciConfig.COMMAND_BUS_MASTER);
        }
        return new PciDevice(bdf, id & 0xFFFF, id >>> 16, classCode, address, size, io, capabilities(bdf));
    }
}
