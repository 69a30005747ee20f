package dev.iovirt.vmm.testing;

import static dev.iovirt.vmm.vmx.VmcsField.*;

import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cpu.ExitAction;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.cpu.VmcsStore;
import dev.iovirt.vmm.ept.EptTables;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.VmxCapabilities;
import dev.iovirt.vmm.vmx.VmxResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A bare processor with one VMCS, for tests of VMX instructions and exits without the VMM of package
 * {@code hv}: a test writes the controls it wants and handles exits itself.
 */
public final class VmxBench {
    public final HostMemory memory = new HostMemory(4L << 30);
    public final MemoryAccount account = new MemoryAccount("test");
    public final VmcsStore store = new VmcsStore();
    public final Vcpu vcpu = new Vcpu(0, memory, store);
    public final Hpa vmxonRegion = region();
    public final Hpa vmcsRegion = region();
    public final EptTables ept = new EptTables(memory, account);
    /** Exit reasons seen by the default handler, with qualifications. */
    public final List<ExitReason> exits = new ArrayList<>();
    public final List<Long> qualifications = new ArrayList<>();
    /** Runs in the exit handler before RIP is advanced; a test does its VMM work here. */
    public java.util.function.BiConsumer<Vcpu, ExitReason> onExit = (v, r) -> { };
    /** Whether the default handler advances RIP (false for faults that must retry). */
    public boolean skip = true;

    /** A 4 KiB frame with the VMCS revision identifier written in, as software prepares a VMXON or VMCS region. */
    public Hpa region() {
        Hpa r = memory.allocateFrame(account);
        memory.write32(r, Vcpu.VMCS_REVISION_ID);
        return r;
    }

    /** VMXON, VMCLEAR, VMPTRLD, and a valid minimal VMCS: EPT on (identity-free tables), unrestricted guest. */
    public VmxBench ready() {
        check(vcpu.vmxon(vmxonRegion));
        check(vcpu.vmclear(vmcsRegion));
        check(vcpu.vmptrld(vmcsRegion));
        controls(0, Controls.PROC_ACTIVATE_SECONDARY, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST, 0, 0);
        w(EPT_POINTER, ept.eptp(false));
        w(HOST_CR4, X86.CR4_VMXE);
        w(GUEST_CR0, 0x10);
        w(GUEST_RFLAGS, X86.RFLAGS_FIXED1);
        vcpu.setExitHandler(v -> {
            ExitReason r = ExitReason.of((int) v.vmread(EXIT_REASON));
            exits.add(r);
            qualifications.add(v.vmread(EXIT_QUALIFICATION));
            onExit.accept(v, r);
            if (skip) {
                v.skipInstruction();
            }
            return ExitAction.RESUME;
        });
        return this;
    }

    /** Backs {@code pages} 4 KiB guest-physical pages from {@code gpa} with fresh frames, RWX in EPT. */
    public void mapRam(long gpa, int pages) {
        for (int i = 0; i < pages; i++) {
            Hpa frame = memory.allocateFrame(account);
            ept.map(dev.iovirt.vmm.mem.Gpa.of(gpa + 4096L * i), frame, dev.iovirt.vmm.mem.PageSize.SIZE_4K,
                    dev.iovirt.vmm.ept.EptEntry.RWX);
        }
    }

    /** Guest-physical memory as firmware sees it: through this bench's EPT (no A/D side effects). */
    public final dev.iovirt.vmm.mem.DmaMemory guestMemory = new dev.iovirt.vmm.mem.DmaMemory() {
        private final dev.iovirt.vmm.ept.EptWalker walker = new dev.iovirt.vmm.ept.EptWalker(memory);
        private final dev.iovirt.vmm.ept.EptWalk walk = new dev.iovirt.vmm.ept.EptWalk();

        private long hpa(long gpa) {
            walker.walk(ept.eptp(false), gpa, dev.iovirt.vmm.ept.Access.READ, walk);
            if (walk.status != dev.iovirt.vmm.ept.EptWalk.OK) {
                throw new IllegalStateException("GPA 0x" + Long.toHexString(gpa) + " not mapped in the bench EPT");
            }
            return walk.hpa;
        }

        @Override
        public void read(dev.iovirt.vmm.mem.Gpa a, byte[] dst, int off, int len) {
            for (int i = 0; i < len; i++) {
                dst[off + i] = (byte) memory.read8(hpa(a.value() + i));
            }
        }

        @Override
        public void write(dev.iovirt.vmm.mem.Gpa a, byte[] src, int off, int len) {
            for (int i = 0; i < len; i++) {
                memory.write8(hpa(a.value() + i), src[off + i]);
            }
        }

        @Override
        public int read8(dev.iovirt.vmm.mem.Gpa a) {
            return memory.read8(hpa(a.value()));
        }

        @Override
        public int read16(dev.iovirt.vmm.mem.Gpa a) {
            return memory.read16(hpa(a.value()));
        }

        @Override
        public int read32(dev.iovirt.vmm.mem.Gpa a) {
            return memory.read32(hpa(a.value()));
        }

        @Override
        public long read64(dev.iovirt.vmm.mem.Gpa a) {
            return memory.read64(hpa(a.value()));
        }

        @Override
        public void write8(dev.iovirt.vmm.mem.Gpa a, int v) {
            memory.write8(hpa(a.value()), v);
        }

        @Override
        public void write16(dev.iovirt.vmm.mem.Gpa a, int v) {
            memory.write16(hpa(a.value()), v);
        }

        @Override
        public void write32(dev.iovirt.vmm.mem.Gpa a, int v) {
            memory.write32(hpa(a.value()), v);
        }

        @Override
        public void write64(dev.iovirt.vmm.mem.Gpa a, long v) {
            memory.write64(hpa(a.value()), v);
        }
    };

    /** Lets every MSR access go to the guest's own MSRs (an all-zero MSR bitmap), so EFER writes do not exit. */
    public void passThroughMsrs(int moreProc, int sec) {
        Hpa bitmap = memory.allocateFrame(account);
        w(MSR_BITMAPS, bitmap.value());
        controls(0, Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_MSR_BITMAPS | moreProc, sec, 0, 0);
    }

    /** Writes the five control fields, adding the must-be-1 bits. */
    public void controls(int pin, int proc, int sec, int exit, int entry) {
        w(PIN_BASED_CONTROLS, VmxCapabilities.adjust(pin, VmxCapabilities.PIN_MUST_BE_1, VmxCapabilities.PIN_MAY_BE_1));
        w(PRIMARY_PROCESSOR_CONTROLS, VmxCapabilities.adjust(proc, VmxCapabilities.PROC_MUST_BE_1, VmxCapabilities.PROC_MAY_BE_1));
        w(SECONDARY_PROCESSOR_CONTROLS, VmxCapabilities.adjust(sec, VmxCapabilities.SEC_MUST_BE_1, VmxCapabilities.SEC_MAY_BE_1));
        w(VM_EXIT_CONTROLS, VmxCapabilities.adjust(exit, VmxCapabilities.EXIT_MUST_BE_1, VmxCapabilities.EXIT_MAY_BE_1));
        w(VM_ENTRY_CONTROLS, VmxCapabilities.adjust(entry, VmxCapabilities.ENTRY_MUST_BE_1, VmxCapabilities.ENTRY_MAY_BE_1));
    }

    public void w(int field, long value) {
        check(vcpu.vmwrite(field, value));
    }

    public long r(int field) {
        return vcpu.vmread(field);
    }

    public void run(GuestCode code) {
        vcpu.setGuestCode(code);
        VmxResult result = vcpu.vmlaunch();
        if (result != VmxResult.SUCCEED) {
            throw new AssertionError("VMLAUNCH failed: " + vcpu.lastFailure());
        }
    }

    private void check(VmxResult r) {
        if (r != VmxResult.SUCCEED) {
            throw new AssertionError("VMX instruction failed: " + vcpu.lastFailure());
        }
    }
}
