package dev.iovirt.bench.vmm;

import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;

/**
 * A minimal guest for benchmarks: identity-maps its first 4 MiB with 4 KiB pages (tables written into
 * guest memory at 0x1000-0x5FFF), enables paging, touches {@link #DATA}, and then in every main-loop
 * slice makes {@code callsPerSlice} VMCALLs (or, with a port, OUTs to it).
 */
final class FlatGuest implements GuestCode {
    static final long DATA = 0x10_0000L;
    private final int callsPerSlice;
    private final int port;

    FlatGuest(int callsPerSlice) {
        this(callsPerSlice, -1);
    }

    FlatGuest(int callsPerSlice, int port) {
        this.callsPerSlice = callsPerSlice;
        this.port = port;
    }

    @Override
    public void reset(GuestCpu cpu) {
        long rw = X86.PTE_P | X86.PTE_RW;
        cpu.write64(0x1000, 0x2000 | rw);
        cpu.write64(0x2000, 0x3000 | rw);
        cpu.write64(0x3000, 0x4000 | rw);
        cpu.write64(0x3008, 0x5000 | rw);
        for (int i = 0; i < 1024; i++) {
            cpu.write64(0x4000 + 8L * i, ((long) i << 12) | rw);
        }
        cpu.wrmsr(X86.MSR_IA32_EFER, X86.EFER_LME | X86.EFER_NXE);
        cpu.movToCr(4, X86.CR4_PAE);
        cpu.movToCr(3, 0x1000);
        cpu.movToCr(0, X86.CR0_PE | X86.CR0_PG | X86.CR0_WP);
        cpu.read64(DATA);
    }

    @Override
    public void interrupt(GuestCpu cpu, int vector, long errorCode) {
    }

    @Override
    public void run(GuestCpu cpu) {
        for (int i = 0; i < callsPerSlice; i++) {
            if (port < 0) {
                cpu.vmcall(0, 0);
            } else {
                cpu.out8(port, i);
            }
        }
    }
}
