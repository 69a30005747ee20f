package dev.iovirt.vmm.cpu;

import static dev.iovirt.vmm.vmx.VmcsField.*;

import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.ept.Access;
import dev.iovirt.vmm.ept.Eptp;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitQualification;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.InterruptionInfo;
import dev.iovirt.vmm.vmx.VmInstructionError;
import dev.iovirt.vmm.vmx.VmcsField;
import dev.iovirt.vmm.vmx.VmxCapabilities;
import dev.iovirt.vmm.vmx.VmxFault;
import dev.iovirt.vmm.vmx.VmxResult;
import java.util.function.LongSupplier;

/**
 * A logical processor with VMX: the VMX instructions the VMM executes (VMXON ... INVVPID, SDM Vol. 3C
 * ch. 31), the current VMCS, and — while in VMX non-root operation — the guest's view of the
 * processor, {@link GuestCpu}, whose every operation follows the VMCS controls.
 *
 * <p><b>How a guest operation flows.</b> Guest code calls, say, {@code out8(0x3F8, 'h')}. The processor
 * checks the controls (I/O bitmaps or unconditional I/O exiting). If the access exits, it saves guest
 * state into the VMCS, writes the exit reason, qualification and instruction length, and calls the
 * VMM's {@link VmExitHandler} on this same thread (VMX root operation). The handler emulates the
 * instruction (here: hands the byte to the UART model), advances RIP and returns
 * {@link ExitAction#RESUME}; the processor then performs VMRESUME — including its checks, and delivery
 * of any event the VMM injected — and the guest's {@code out8} returns. A memory access goes through
 * {@link Mmu}; an EPT violation on it exits the same way and the access is retried, unless the VMM
 * emulated it (MMIO), in which case the VMM's value is the result.
 *
 * <p><b>Events.</b> Interrupts and exceptions reach the guest through {@link GuestCode#interrupt}, with
 * RFLAGS.IF cleared for the handler and restored after it (interrupt gate, then IRET). An injected
 * event (VM-entry interruption information) is delivered as part of VM entry, so a handler may run
 * inside a guest operation that exited — exactly where real hardware would run it: at an instruction
 * boundary with IF=1.
 *
 * <p>Single-threaded: a vCPU is used by one thread at a time (its own, or the step driver).
 */
public final class Vcpu {
    /** IA32_VMX_BASIC bits 30:0: the VMCS revision identifier of this processor model. SDM Vol. 3C Appendix A.1. */
    public static final int VMCS_REVISION_ID = 0x12;
    /** Activity states (field 0x4826). SDM Vol. 3C §25.4.2, Table 25-3. */
    public static final int ACTIVITY_ACTIVE = 0;
    public static final int ACTIVITY_HLT = 1;
    /** INVEPT types. SDM Vol. 3C §31.3 "INVEPT". */
    public static final int INVEPT_SINGLE_CONTEXT = 1;
    public static final int INVEPT_ALL_CONTEXT = 2;
    /** INVVPID types. SDM Vol. 3C §31.3 "INVVPID". */
    public static final int INVVPID_INDIVIDUAL_ADDRESS = 0;
    public static final int INVVPID_SINGLE_CONTEXT = 1;
    public static final int INVVPID_ALL_CONTEXT = 2;
    public static final int INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS = 3;
    /** General-purpose register indices as the CR-access qualification numbers them (SDM Vol. 3C Table 28-3). */
    public static final int RAX = 0;
    public static final int RCX = 1;
    public static final int RDX = 2;
    public static final int RBX = 3;
    private static final int MAX_EVENT_NESTING = 16;
    private static final int MAX_ACCESS_RETRIES = 8;
    private static final int MAX_EXIT_NESTING = 64;
    private static final long EMULATED = -2;

    private final int index;
    private final HostMemory memory;
    private final VmcsStore vmcsStore;
    private final VcpuStats stats = new VcpuStats();
    private final Mmu mmu;
    private final GuestView view = new GuestView();
    private LongSupplier tsc = System::nanoTime;

    // VMX operation.
    private long hostCr4 = X86.CR4_VMXE;
    private boolean vmxOperation;
    private long vmxonPointer = -1;
    private Vmcs current;
    private VmxResult lastResult = VmxResult.SUCCEED;
    private String lastFailure;
    private boolean lastEntryFailed;

    // Controls and guest state loaded at VM entry (the processor's cached VMCS).
    private int pin;
    private int proc;
    private int sec;
    private int exceptionBitmap;
    private int exitControls;
    /** The VMX-preemption timer: guest operations left before exit 52, when the control is on. */
    private long preemptionTimer;
    private long virtualApic;
    private long postedInterruptDescriptor;
    private int notificationVector;
    /** Guest interrupt status (field 0x0810): requesting virtual interrupt (RVI) and servicing (SVI). SDM Vol. 3C §25.4.2. */
    private int rvi;
    private int svi;
    /** A host (physical) interrupt raised at this logical processor and not yet taken, or -1. */
    private volatile int externalInterrupt = -1;
    private long ioBitmapA;
    private long ioBitmapB;
    private long msrBitmap;
    private long cr0Mask;
    private long cr4Mask;
    private long cr0Shadow;
    private long cr4Shadow;
    private long cr0;
    private long cr3;
    private long cr4;
    private long cr2;
    private long efer;
    private long rflags = X86.RFLAGS_FIXED1;
    private long rip;
    private int activity;
    /** Current privilege level: 0 (kernel) or 3 (user); the RPL of guest CS in the VMCS. */
    private int cpl;
    private final long[] gpr = new long[16];
    private final long[] msrKeys = new long[32];
    private final long[] msrValues = new long[32];
    private int msrCount;

    // Non-root execution.
    private GuestCode code;
    private VmExitHandler handler = v -> ExitAction.STOP;
    private volatile boolean inGuest;
    private boolean resetDone;
    private int eventDepth;
    private int exitDepth;
    private boolean stopped;
    private String stopReason;
    // The operand of a memory access that exited, as the VMM's instruction emulator decodes it.
    private int mmioSize;
    private boolean mmioWrite;
    private long mmioValue;
    private boolean mmioCompleted;

    public Vcpu(int index, HostMemory memory, VmcsStore vmcsStore) {
        this.index = index;
        this.memory = memory;
        this.vmcsStore = vmcsStore;
        this.mmu = new Mmu(memory, stats);
    }

    public int index() {
        return index;
    }

    public VcpuStats stats() {
        return stats;
    }

    public Mmu mmu() {
        return mmu;
    }

    /** The time-stamp counter source (RDTSC without exiting). */
    public void setTsc(LongSupplier tsc) {
        this.tsc = tsc;
    }

    public long tsc() {
        return tsc.getAsLong();
    }

    /** The guest code this processor runs in non-root operation (the loaded kernel image). */
    public void setGuestCode(GuestCode code) {
        this.code = code;
    }

    /** The VMM's exit handler (HOST_RIP). */
    public void setExitHandler(VmExitHandler handler) {
        this.handler = handler;
    }

    /** The host's CR4 (VMXON needs CR4.VMXE). */
    public void setHostCr4(long cr4) {
        this.hostCr4 = cr4;
    }

    // ================================================================ VMX instructions (root operation)

    /** How the last VMX instruction completed. */
    public VmxResult lastResult() {
        return lastResult;
    }

    /** A sentence describing the most recent VMfail or VM-entry failure (kept across later successes), for logs and stop reasons. */
    public String lastFailure() {
        return lastFailure;
    }

    /** True if the last VMLAUNCH/VMRESUME failed on guest state (exit reason 33 with bit 31 set). */
    public boolean lastEntryFailed() {
        return lastEntryFailed;
    }

    private VmxResult succeed() {
        return lastResult = VmxResult.SUCCEED;
    }

    private VmxResult failInvalid(String why) {
        lastFailure = why;
        return lastResult = VmxResult.FAIL_INVALID;
    }

    /** VMfail(error): VMfailValid if there is a current VMCS to hold the number, else VMfailInvalid. SDM Vol. 3C §31.2. */
    private VmxResult fail(VmInstructionError error, String detail) {
        lastFailure = error.description + (detail == null ? "" : ": " + detail);
        if (current == null) {
            return lastResult = VmxResult.FAIL_INVALID;
        }
        current.set(VM_INSTRUCTION_ERROR, error.number);
        return lastResult = VmxResult.FAIL_VALID;
    }

    private void requireVmx(String instruction) {
        if (!vmxOperation) {
            throw new VmxFault(X86.VECTOR_UD, instruction + " outside VMX operation");
        }
        if (inGuest) {
            throw new IllegalStateException(instruction + " executed in VMX non-root operation");
        }
    }

    private boolean badRegion(long address) {
        return (address & 0xFFF) != 0 || !memory.contains(address) || (address >>> dev.iovirt.vmm.ept.EptEntry.MAXPHYADDR) != 0;
    }

    /** VMXON. SDM Vol. 3C §31.3 "VMXON". */
    public VmxResult vmxon(Hpa region) {
        if ((hostCr4 & X86.CR4_VMXE) == 0) {
            throw new VmxFault(X86.VECTOR_UD, "VMXON with CR4.VMXE=0");
        }
        if (vmxOperation) {
            return fail(VmInstructionError.VMXON_IN_VMX_ROOT, null);
        }
        long a = region.value();
        if (badRegion(a)) {
            return failInvalid("VMXON region " + region + " is not a 4 KiB-aligned address in memory");
        }
        if ((memory.read32(a) & 0x7FFF_FFFF) != VMCS_REVISION_ID) {
            return failInvalid("VMXON region revision identifier is not 0x" + Integer.toHexString(VMCS_REVISION_ID));
        }
        vmxOperation = true;
        vmxonPointer = a;
        current = null;
        return succeed();
    }

    /** VMXOFF. SDM Vol. 3C §31.3 "VMXOFF". */
    public VmxResult vmxoff() {
        requireVmx("VMXOFF");
        vmxOperation = false;
        vmxonPointer = -1;
        current = null;
        return succeed();
    }

    /** VMCLEAR: make the VMCS at {@code region} inactive, clear its launch state. SDM Vol. 3C §31.3 "VMCLEAR". */
    public VmxResult vmclear(Hpa region) {
        requireVmx("VMCLEAR");
        long a = region.value();
        if (badRegion(a)) {
            return fail(VmInstructionError.VMCLEAR_INVALID_ADDRESS, region.toString());
        }
        if (a == vmxonPointer) {
            return fail(VmInstructionError.VMCLEAR_VMXON_POINTER, null);
        }
        vmcsStore.get(a).clear();
        if (current != null && current.region == a) {
            current = null;
        }
        return succeed();
    }

    /** VMPTRLD: make the VMCS at {@code region} current. SDM Vol. 3C §31.3 "VMPTRLD". */
    public VmxResult vmptrld(Hpa region) {
        requireVmx("VMPTRLD");
        long a = region.value();
        if (badRegion(a)) {
            return fail(VmInstructionError.VMPTRLD_INVALID_ADDRESS, region.toString());
        }
        if (a == vmxonPointer) {
            return fail(VmInstructionError.VMPTRLD_VMXON_POINTER, null);
        }
        if ((memory.read32(a) & 0x7FFF_FFFF) != VMCS_REVISION_ID) {
            return fail(VmInstructionError.VMPTRLD_BAD_REVISION, null);
        }
        current = vmcsStore.get(a);
        return succeed();
    }

    /** VMPTRST: the current-VMCS pointer, all ones if none. */
    public long vmptrst() {
        requireVmx("VMPTRST");
        succeed();
        return current == null ? -1L : current.region;
    }

    /** VMREAD. On failure returns 0 and {@link #lastResult()} says why. SDM Vol. 3C §31.3 "VMREAD". */
    public long vmread(int field) {
        requireVmx("VMREAD");
        if (current == null) {
            failInvalid("no current VMCS");
            return 0;
        }
        if (!Vmcs.supported(field)) {
            fail(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT, "0x" + Integer.toHexString(field));
            return 0;
        }
        // Invariant: VMREAD runs in root operation, where the VMCS holds the saved guest state.
        succeed();
        return current.read(field);
    }

    /** VMWRITE. SDM Vol. 3C §31.3 "VMWRITE". */
    public VmxResult vmwrite(int field, long value) {
        requireVmx("VMWRITE");
        if (current == null) {
            return failInvalid("no current VMCS");
        }
        if (!Vmcs.supported(field)) {
            return fail(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT, "0x" + Integer.toHexString(field));
        }
        if (VmcsField.readOnly(field)) {
            return fail(VmInstructionError.VMWRITE_READ_ONLY_COMPONENT, "0x" + Integer.toHexString(field));
        }
        current.write(field, value);
        return succeed();
    }

    /** VMLAUNCH: enter the guest with a clear VMCS. Returns when the guest gives its thread back. */
    public VmxResult vmlaunch() {
        requireVmx("VMLAUNCH");
        return outerEntry(true);
    }

    /** VMRESUME: enter the guest with a launched VMCS. Returns when the guest gives its thread back. */
    public VmxResult vmresume() {
        requireVmx("VMRESUME");
        return outerEntry(false);
    }

    /** INVEPT. SDM Vol. 3C §31.3 "INVEPT". */
    public VmxResult invept(int type, long eptp) {
        requireVmx("INVEPT");
        switch (type) {
            case INVEPT_SINGLE_CONTEXT -> {
                if (Eptp.invalidReason(eptp) != null) {
                    return fail(VmInstructionError.INVALID_INVEPT_INVVPID_OPERAND, Eptp.invalidReason(eptp));
                }
                mmu.invalidateEptp(eptp);
            }
            case INVEPT_ALL_CONTEXT -> mmu.invalidateAllVpids(true);
            default -> {
                return fail(VmInstructionError.INVALID_INVEPT_INVVPID_OPERAND, "INVEPT type " + type);
            }
        }
        return succeed();
    }

    /** INVVPID. SDM Vol. 3C §31.3 "INVVPID". */
    public VmxResult invvpid(int type, int vpid, long linearAddress) {
        requireVmx("INVVPID");
        if (type != INVVPID_ALL_CONTEXT && vpid == 0) {
            return fail(VmInstructionError.INVALID_INVEPT_INVVPID_OPERAND, "VPID 0");
        }
        switch (type) {
            case INVVPID_INDIVIDUAL_ADDRESS -> {
                long top = linearAddress >> 47;
                if (top != 0 && top != -1) {
                    return fail(VmInstructionError.INVALID_INVEPT_INVVPID_OPERAND, "non-canonical address");
                }
                mmu.invalidatePage(vpid, linearAddress);
            }
            case INVVPID_SINGLE_CONTEXT -> mmu.invalidateVpid(vpid, false);
            case INVVPID_ALL_CONTEXT -> mmu.invalidateAllVpids(false);
            case INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS -> mmu.invalidateVpid(vpid, true);
            default -> {
                return fail(VmInstructionError.INVALID_INVEPT_INVVPID_OPERAND, "INVVPID type " + type);
            }
        }
        return succeed();
    }

    // ================================================================ VMM-side access to guest state

    /** A guest general-purpose register (the VMM saves these in software, as on real hardware). */
    public long gpr(int register) {
        return gpr[register];
    }

    public void setGpr(int register, long value) {
        gpr[register] = value;
    }

    /** CR2, which the VMM sets when it injects a page fault it intercepted. */
    public void setGuestCr2(long value) {
        cr2 = value;
    }

    /** True if the vCPU has stopped; {@link #stopReason()} says why. */
    public boolean stopped() {
        return stopped;
    }

    public String stopReason() {
        return stopReason;
    }

    /** Stops the vCPU: no further entries; guest code in progress unwinds. */
    public void stop(String reason) {
        if (!stopped) {
            stopped = true;
            stopReason = reason;
        }
    }

    /** True while the processor is in VMX non-root operation (readable from any thread). */
    public boolean inGuestMode() {
        return inGuest;
    }

    /** True if the guest is in the HLT activity state. */
    public boolean halted() {
        return activity == ACTIVITY_HLT;
    }

    /** True if guest RFLAGS.IF is set (the VMM checks this before injecting an external interrupt). */
    public boolean guestInterruptsEnabled() {
        return (rflags & X86.RFLAGS_IF) != 0;
    }

    /** The size in bytes of the memory access that caused the current EPT exit (as the VMM's emulator decodes it). */
    public int emulatedAccessSize() {
        return mmioSize;
    }

    public boolean emulatedAccessIsWrite() {
        return mmioWrite;
    }

    /** The value a guest store that caused the current EPT exit was writing. */
    public long emulatedAccessValue() {
        return mmioValue;
    }

    /** The VMM emulated the faulting access: a load returns {@code value}; the guest does not retry it. */
    public void completeEmulatedAccess(long value) {
        mmioValue = value;
        mmioCompleted = true;
    }

    /** Advances guest RIP past the instruction that exited (the VMM's skip-instruction). */
    public void skipInstruction() {
        current.set(GUEST_RIP, current.get(GUEST_RIP) + current.get(VM_EXIT_INSTRUCTION_LENGTH));
    }

    // ================================================================ VM entry

    private VmxResult outerEntry(boolean launch) {
        if (stopped) {
            return failInvalid("vCPU stopped: " + stopReason);
        }
        try {
            VmxResult r = enter(launch, false);
            if (r == VmxResult.SUCCEED && !lastEntryFailed && inGuest) {
                leaveWithoutExit();
            }
            return r;
        } catch (VcpuStoppedException e) {
            inGuest = false;
            return VmxResult.SUCCEED;
        } catch (RuntimeException | StackOverflowError e) {
            // A bug or a malicious guest throwing (or recursing without end): the VM stops, the host goes on.
            inGuest = false;
            stop("guest code threw " + e);
            return VmxResult.SUCCEED;
        }
    }

    /** The guest slice ended with the guest still in non-root operation: save its state for the VMM. */
    private void leaveWithoutExit() {
        saveGuestState();
        inGuest = false;
    }

    private VmxResult enter(boolean launch, boolean nested) {
        lastEntryFailed = false;
        if (current == null) {
            return failInvalid("no current VMCS");
        }
        if (launch && current.launched()) {
            return fail(VmInstructionError.VMLAUNCH_NON_CLEAR_VMCS, null);
        }
        if (!launch && !current.launched()) {
            return fail(VmInstructionError.VMRESUME_NON_LAUNCHED_VMCS, null);
        }
        String bad = checkControls();
        if (bad != null) {
            return fail(VmInstructionError.ENTRY_INVALID_CONTROL_FIELDS, bad);
        }
        bad = checkHostState();
        if (bad != null) {
            return fail(VmInstructionError.ENTRY_INVALID_HOST_STATE, bad);
        }
        loadControlsAndGuestState();
        bad = checkGuestState();
        if (bad != null) {
            // SDM Vol. 3C §27.8: VM-entry failure — host state is loaded and the exit reason says why.
            current.set(EXIT_REASON, ExitReason.ENTRY_FAILURE_BIT | ExitReason.ENTRY_FAILURE_GUEST_STATE.number);
            lastEntryFailed = true;
            lastFailure = "VM-entry failure, invalid guest state: " + bad;
            lastResult = VmxResult.SUCCEED;
            return VmxResult.SUCCEED;
        }
        if (launch) {
            current.setLaunched(true);
        }
        succeed();
        inGuest = true;
        stats.entries++;
        if ((sec & Controls.SEC_ENABLE_VPID) == 0) {
            mmu.invalidateVpid(0, false);
        }
        int info = (int) current.get(VM_ENTRY_INTERRUPTION_INFO);
        if (InterruptionInfo.valid(info)) {
            // SDM Vol. 3C §27.6: the event is delivered as if it occurred at the start of the first guest instruction.
            current.set(VM_ENTRY_INTERRUPTION_INFO, info & ~InterruptionInfo.VALID);
            long errorCode = (info & InterruptionInfo.DELIVER_ERROR_CODE) != 0 ? current.get(VM_ENTRY_EXCEPTION_ERROR_CODE) : -1;
            deliverEvent(InterruptionInfo.vector(info), errorCode);
        }
        interruptBoundary();
        if (!nested) {
            if (code == null) {
                activity = ACTIVITY_HLT; // no code loaded: nothing to execute, the processor halts
            } else if (!resetDone) {
                resetDone = true;
                code.reset(view);
            } else if (activity == ACTIVITY_ACTIVE) {
                code.run(view);
            }
        }
        return VmxResult.SUCCEED;
    }

    /** The checks of SDM Vol. 3C §27.2.1.1 on the controls this model implements. */
    private String checkControls() {
        int p = (int) current.get(PIN_BASED_CONTROLS);
        int c = (int) current.get(PRIMARY_PROCESSOR_CONTROLS);
        int s = (int) current.get(SECONDARY_PROCESSOR_CONTROLS);
        int x = (int) current.get(VM_EXIT_CONTROLS);
        int n = (int) current.get(VM_ENTRY_CONTROLS);
        if (!VmxCapabilities.valid(p, VmxCapabilities.PIN_MUST_BE_1, VmxCapabilities.PIN_MAY_BE_1)) {
            return "pin-based controls 0x" + Integer.toHexString(p) + " violate the allowed settings";
        }
        if (!VmxCapabilities.valid(c, VmxCapabilities.PROC_MUST_BE_1, VmxCapabilities.PROC_MAY_BE_1)) {
            return "primary processor-based controls 0x" + Integer.toHexString(c) + " violate the allowed settings";
        }
        if ((c & Controls.PROC_ACTIVATE_SECONDARY) == 0) {
            s = 0;
        } else if (!VmxCapabilities.valid(s, VmxCapabilities.SEC_MUST_BE_1, VmxCapabilities.SEC_MAY_BE_1)) {
            return "secondary processor-based controls 0x" + Integer.toHexString(s) + " violate the allowed settings";
        }
        if (!VmxCapabilities.valid(x, VmxCapabilities.EXIT_MUST_BE_1, VmxCapabilities.EXIT_MAY_BE_1)) {
            return "VM-exit controls 0x" + Integer.toHexString(x) + " violate the allowed settings";
        }
        if (!VmxCapabilities.valid(n, VmxCapabilities.ENTRY_MUST_BE_1, VmxCapabilities.ENTRY_MAY_BE_1)) {
            return "VM-entry controls 0x" + Integer.toHexString(n) + " violate the allowed settings";
        }
        if ((c & Controls.PROC_USE_IO_BITMAPS) != 0
                && (badRegion(current.get(IO_BITMAP_A)) || badRegion(current.get(IO_BITMAP_B)))) {
            return "I/O bitmap addresses are not 4 KiB-aligned addresses in memory";
        }
        if ((c & Controls.PROC_USE_MSR_BITMAPS) != 0 && badRegion(current.get(MSR_BITMAPS))) {
            return "MSR bitmap address is not a 4 KiB-aligned address in memory";
        }
        if ((c & Controls.PROC_USE_TPR_SHADOW) != 0 && badRegion(current.get(VIRTUAL_APIC_ADDRESS))) {
            return "virtual-APIC address is not a 4 KiB-aligned address in memory";
        }
        if ((c & Controls.PROC_USE_TPR_SHADOW) == 0 && (s & (Controls.SEC_VIRTUALIZE_X2APIC
                | Controls.SEC_APIC_REGISTER_VIRTUALIZATION | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY)) != 0) {
            return "x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery need \"use TPR shadow\"";
        }
        if ((s & Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY) != 0 && (p & Controls.PIN_EXTERNAL_INTERRUPT_EXITING) == 0) {
            return "\"virtual-interrupt delivery\" requires \"external-interrupt exiting\"";
        }
        if ((p & Controls.PIN_PROCESS_POSTED_INTERRUPTS) != 0) {
            if ((s & Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY) == 0) {
                return "\"process posted interrupts\" requires \"virtual-interrupt delivery\"";
            }
            if ((x & Controls.EXIT_ACK_INTERRUPT_ON_EXIT) == 0) {
                return "\"process posted interrupts\" requires \"acknowledge interrupt on exit\"";
            }
            if ((current.get(POSTED_INTERRUPT_NOTIFICATION_VECTOR) & 0xFF00) != 0) {
                return "posted-interrupt notification vector has bits 15:8 set";
            }
            long d = current.get(POSTED_INTERRUPT_DESCRIPTOR);
            if ((d & 0x3F) != 0 || !memory.contains(d)) {
                return "posted-interrupt descriptor address is not 64-byte aligned in memory";
            }
        }
        if ((s & Controls.SEC_ENABLE_VPID) != 0 && current.get(VIRTUAL_PROCESSOR_ID) == 0) {
            return "\"enable VPID\" with VPID 0";
        }
        if ((s & Controls.SEC_ENABLE_EPT) != 0) {
            String eptpBad = Eptp.invalidReason(current.get(EPT_POINTER));
            if (eptpBad != null) {
                return "\"enable EPT\" with an invalid EPTP: " + eptpBad;
            }
        }
        if ((s & Controls.SEC_UNRESTRICTED_GUEST) != 0 && (s & Controls.SEC_ENABLE_EPT) == 0) {
            return "\"unrestricted guest\" requires \"enable EPT\"";
        }
        return InterruptionInfo.entryCheck((int) current.get(VM_ENTRY_INTERRUPTION_INFO));
    }

    /** SDM Vol. 3C §27.2.2: the host CR4 field must have VMXE set (IA32_VMX_CR4_FIXED0). */
    private String checkHostState() {
        if ((current.get(HOST_CR4) & X86.CR4_VMXE) == 0) {
            return "host CR4.VMXE is 0";
        }
        return null;
    }

    /** SDM Vol. 3C §27.3.1 on the guest state this model has. */
    private String checkGuestState() {
        boolean unrestricted = (sec & Controls.SEC_UNRESTRICTED_GUEST) != 0;
        if (!unrestricted && ((cr0 & X86.CR0_PE) == 0 || (cr0 & X86.CR0_PG) == 0)) {
            return "CR0.PE and CR0.PG must be 1 without \"unrestricted guest\"";
        }
        if ((cr0 & X86.CR0_PG) != 0 && (cr0 & X86.CR0_PE) == 0) {
            return "CR0.PG=1 with CR0.PE=0";
        }
        if ((rflags & X86.RFLAGS_FIXED1) == 0) {
            return "RFLAGS bit 1 is 0";
        }
        if (activity != ACTIVITY_ACTIVE && activity != ACTIVITY_HLT) {
            return "activity state " + activity + " is not supported";
        }
        return null;
    }

    /**
     * Loads the controls and guest state the processor caches while in non-root operation. Guest EFER
     * is always loaded from the VMCS (as if "load IA32_EFER" were 1) and saved on exit; host state is not
     * loaded on exit because the VMM here is Java code that never left its own state.
     */
    private void loadControlsAndGuestState() {
        pin = (int) current.get(PIN_BASED_CONTROLS);
        proc = (int) current.get(PRIMARY_PROCESSOR_CONTROLS);
        sec = (proc & Controls.PROC_ACTIVATE_SECONDARY) != 0 ? (int) current.get(SECONDARY_PROCESSOR_CONTROLS) : 0;
        exceptionBitmap = (int) current.get(EXCEPTION_BITMAP);
        exitControls = (int) current.get(VM_EXIT_CONTROLS);
        preemptionTimer = current.get(VMX_PREEMPTION_TIMER_VALUE);
        virtualApic = current.get(VIRTUAL_APIC_ADDRESS);
        postedInterruptDescriptor = current.get(POSTED_INTERRUPT_DESCRIPTOR);
        notificationVector = (int) current.get(POSTED_INTERRUPT_NOTIFICATION_VECTOR) & 0xFF;
        int status = (int) current.get(GUEST_INTERRUPT_STATUS);
        rvi = status & 0xFF;
        svi = (status >>> 8) & 0xFF;
        ioBitmapA = current.get(IO_BITMAP_A);
        ioBitmapB = current.get(IO_BITMAP_B);
        msrBitmap = current.get(MSR_BITMAPS);
        cr0Mask = current.get(CR0_GUEST_HOST_MASK);
        cr4Mask = current.get(CR4_GUEST_HOST_MASK);
        cr0Shadow = current.get(CR0_READ_SHADOW);
        cr4Shadow = current.get(CR4_READ_SHADOW);
        cr0 = current.get(GUEST_CR0);
        cr3 = current.get(GUEST_CR3);
        cr4 = current.get(GUEST_CR4);
        efer = current.get(GUEST_IA32_EFER);
        rflags = current.get(GUEST_RFLAGS);
        rip = current.get(GUEST_RIP);
        activity = (int) current.get(GUEST_ACTIVITY_STATE);
        cpl = (int) current.get(GUEST_CS_SELECTOR) & 3;
        mmu.eptEnabled = (sec & Controls.SEC_ENABLE_EPT) != 0;
        mmu.eptp = mmu.eptEnabled ? current.get(EPT_POINTER) : 0;
        mmu.vpid = (sec & Controls.SEC_ENABLE_VPID) != 0 ? (int) current.get(VIRTUAL_PROCESSOR_ID) : 0;
        updatePagingMode();
    }

    private void updatePagingMode() {
        mmu.paging = (cr0 & X86.CR0_PG) != 0;
        mmu.cr3 = cr3;
        mmu.writeProtect = (cr0 & X86.CR0_WP) != 0;
        mmu.noExecute = (efer & X86.EFER_NXE) != 0;
        mmu.globalPages = (cr4 & X86.CR4_PGE) != 0;
        mmu.cpl = cpl;
    }

    private void saveGuestState() {
        current.set(GUEST_CR0, cr0);
        current.set(GUEST_CR3, cr3);
        current.set(GUEST_CR4, cr4);
        current.set(GUEST_IA32_EFER, efer);
        current.set(GUEST_RFLAGS, rflags);
        current.set(GUEST_RIP, rip);
        current.set(GUEST_ACTIVITY_STATE, activity);
        current.set(GUEST_CS_SELECTOR, (current.get(GUEST_CS_SELECTOR) & ~3L) | cpl);
        current.set(GUEST_INTERRUPT_STATUS, (svi << 8) | rvi);
        if ((exitControls & Controls.EXIT_SAVE_PREEMPTION_TIMER) != 0) {
            current.set(VMX_PREEMPTION_TIMER_VALUE, preemptionTimer);
        }
    }

    // ================================================================ VM exit

    /**
     * A VM exit (SDM Vol. 3C ch. 28): save guest state, record exit information, run the VMM's handler,
     * then VMRESUME unless it says stop.
     */
    private void vmExit(ExitReason reason, long qualification, int instructionLength) {
        saveGuestState();
        current.set(EXIT_REASON, reason.number);
        current.set(EXIT_QUALIFICATION, qualification);
        current.set(VM_EXIT_INSTRUCTION_LENGTH, instructionLength);
        // SDM Vol. 3C §25.8.3: every VM exit clears the valid bit of the VM-entry interruption-information field.
        current.set(VM_ENTRY_INTERRUPTION_INFO, current.get(VM_ENTRY_INTERRUPTION_INFO) & ~InterruptionInfo.VALID);
        stats.exits++;
        stats.exitsByReason[reason.number]++;
        if ((sec & Controls.SEC_ENABLE_VPID) == 0) {
            mmu.invalidateVpid(0, false);
        }
        inGuest = false;
        if (exitDepth >= MAX_EXIT_NESTING) {
            stop("exits nested " + MAX_EXIT_NESTING + " deep (last " + reason + "): the VMM resumes into the same exit");
            throw new VcpuStoppedException(stopReason);
        }
        ExitAction action;
        VmxResult r;
        exitDepth++;
        try {
            action = handler.handleExit(this);
            if (action == ExitAction.STOP || stopped) {
                stop("VMM stopped the vCPU after exit " + reason);
                throw new VcpuStoppedException(stopReason);
            }
            r = enter(false, true);
        } finally {
            exitDepth--;
        }
        if (r != VmxResult.SUCCEED || lastEntryFailed) {
            stop("VMRESUME after " + reason + " failed: " + lastFailure);
            throw new VcpuStoppedException(stopReason);
        }
        rip = current.get(GUEST_RIP);
    }

    /** Delivers an event through the guest IDT (interrupt gate: IF cleared for the handler, restored by IRET). */
    private void deliverEvent(int vector, long errorCode) {
        if (eventDepth >= MAX_EVENT_NESTING) {
            stop("events nested " + MAX_EVENT_NESTING + " deep (vector " + vector + "): treated as a triple fault");
            throw new VcpuStoppedException(stopReason);
        }
        long savedIf = rflags & X86.RFLAGS_IF;
        int savedCpl = cpl;
        rflags &= ~X86.RFLAGS_IF;
        setCpl(0); // the handler runs in the kernel (an interrupt gate to ring 0)
        activity = ACTIVITY_ACTIVE;
        stats.eventsDelivered++;
        eventDepth++;
        try {
            if (code != null) {
                code.interrupt(view, vector, errorCode);
            }
        } finally {
            eventDepth--;
        }
        rflags = (rflags & ~X86.RFLAGS_IF) | savedIf;
        setCpl(savedCpl); // IRET
        interruptBoundary();
    }

    private void setCpl(int level) {
        cpl = level;
        mmu.cpl = level;
    }

    private void checkInterruptWindow() {
        if (inGuest && (proc & Controls.PROC_INTERRUPT_WINDOW_EXITING) != 0 && (rflags & X86.RFLAGS_IF) != 0
                && activity == ACTIVITY_ACTIVE) {
            vmExit(ExitReason.INTERRUPT_WINDOW, 0, 0);
        }
    }

    private void requireRunning() {
        if (stopped) {
            throw new VcpuStoppedException(stopReason);
        }
        if (!inGuest) {
            throw new IllegalStateException("guest operation outside VMX non-root operation");
        }
        if (activity == ACTIVITY_HLT) {
            stop("guest code ran after HLT in the same slice (the vCPU is halted)");
            throw new VcpuStoppedException(stopReason);
        }
        if (externalInterrupt >= 0) {
            interruptBoundary();
        }
        if ((pin & Controls.PIN_ACTIVATE_PREEMPTION_TIMER) != 0 && preemptionTimer-- <= 0) {
            // SDM Vol. 3C §26.5.1: the timer counts down at a rate tied to the TSC; here one tick per guest
            // operation. At zero the processor exits (reason 52) before the next instruction.
            preemptionTimer = 0;
            vmExit(ExitReason.PREEMPTION_TIMER, 0, 0);
        }
        rip++;
    }

    // ================================================================ external interrupts and APIC virtualization

    /**
     * A physical interrupt arriving at this logical processor (from another CPU or a device, e.g. a
     * posted-interrupt notification). It is taken at the next instruction boundary of the guest: with
     * "external-interrupt exiting" it causes exit 1 (acknowledged, with its vector in the exit
     * interruption information, if "acknowledge interrupt on exit" is 1); with "process posted
     * interrupts" and the notification vector it is processed without an exit (SDM Vol. 3C §30.6);
     * otherwise it is delivered through the guest IDT. Safe to call from any thread.
     */
    public void raiseExternalInterrupt(int vector) {
        externalInterrupt = vector & 0xFF;
    }

    /** Events the processor takes between guest instructions, highest priority first. */
    private void interruptBoundary() {
        if (!inGuest) {
            return;
        }
        int v = externalInterrupt;
        if (v >= 0) {
            if ((pin & Controls.PIN_PROCESS_POSTED_INTERRUPTS) != 0 && v == notificationVector) {
                externalInterrupt = -1;
                processPostedInterrupts();
            } else if ((pin & Controls.PIN_EXTERNAL_INTERRUPT_EXITING) != 0) {
                externalInterrupt = -1;
                current.set(VM_EXIT_INTERRUPTION_INFO, (exitControls & Controls.EXIT_ACK_INTERRUPT_ON_EXIT) != 0
                        ? InterruptionInfo.of(InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, v, false) : 0);
                vmExit(ExitReason.EXTERNAL_INTERRUPT, 0, 0);
            } else if ((rflags & X86.RFLAGS_IF) != 0) {
                externalInterrupt = -1;
                deliverEvent(v, -1);
            }
        }
        deliverVirtualInterrupt();
        checkInterruptWindow();
    }

    private static final int VAPIC_TPR = 0x80;
    private static final int VAPIC_ISR = 0x100;
    private static final int VAPIC_IRR = 0x200;

    private boolean vapicBit(int base, int vector) {
        return (memory.read32(virtualApic + base + 16L * (vector >>> 5)) & (1 << (vector & 31))) != 0;
    }

    private void setVapicBit(int base, int vector, boolean on) {
        long a = virtualApic + base + 16L * (vector >>> 5);
        int w = memory.read32(a);
        memory.write32(a, on ? w | (1 << (vector & 31)) : w & ~(1 << (vector & 31)));
    }

    private int highestVapic(int base) {
        for (int r = 7; r >= 0; r--) {
            int w = memory.read32(virtualApic + base + 16L * r);
            if (w != 0) {
                return r * 32 + 31 - Integer.numberOfLeadingZeros(w);
            }
        }
        return 0;
    }

    /** PPR virtualization. SDM Vol. 3C §30.1.3. */
    private int vppr() {
        int vtpr = memory.read32(virtualApic + VAPIC_TPR) & 0xFF;
        return (vtpr & 0xF0) >= (svi & 0xF0) ? vtpr : svi & 0xF0;
    }

    /** Posted-interrupt processing. SDM Vol. 3C §30.6: clear ON, move PIR into VIRR, raise RVI, evaluate. */
    private void processPostedInterrupts() {
        long d = postedInterruptDescriptor;
        memory.write8(d + 32, memory.read8(d + 32) & ~1);
        for (int w = 0; w < 4; w++) {
            long bits = memory.read64(d + 8L * w);
            if (bits == 0) {
                continue;
            }
            memory.write64(d + 8L * w, 0);
            while (bits != 0) {
                int vector = w * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                setVapicBit(VAPIC_IRR, vector, true);
                rvi = Math.max(rvi, vector);
            }
        }
        stats.postedInterruptsProcessed++;
    }

    /**
     * Evaluation and delivery of pending virtual interrupts. SDM Vol. 3C §30.2.1-§30.2.2: if RVI's class
     * is above VPPR's and the guest can take interrupts, move RVI from VIRR to VISR, set SVI and VPPR, and
     * deliver it through the guest IDT — no VM exit.
     */
    private void deliverVirtualInterrupt() {
        // A recognized virtual interrupt is delivered when IF=1 and also wakes a halted processor. SDM Vol. 3C §30.2.2.
        if ((sec & Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY) == 0 || rvi == 0 || (rflags & X86.RFLAGS_IF) == 0
                || (rvi & 0xF0) <= (vppr() & 0xF0)) {
            return;
        }
        int vector = rvi;
        setVapicBit(VAPIC_ISR, vector, true);
        svi = vector;
        setVapicBit(VAPIC_IRR, vector, false);
        rvi = highestVapic(VAPIC_IRR);
        stats.virtualInterruptsDelivered++;
        deliverEvent(vector, -1);
    }

    /** EOI virtualization. SDM Vol. 3C §30.1.4 (EOI-exit bitmaps not modeled: never exits). */
    private void virtualEoi() {
        setVapicBit(VAPIC_ISR, svi, false);
        svi = highestVapic(VAPIC_ISR);
        deliverVirtualInterrupt();
    }

    /** True if the processor virtualizes this x2APIC MSR write instead of passing or exiting it. */
    private boolean virtualizesX2apicWrite(int msr) {
        return (sec & Controls.SEC_VIRTUALIZE_X2APIC) != 0 && (sec & Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY) != 0
                && (msr == X86.MSR_X2APIC_EOI || msr == X86.MSR_X2APIC_TPR);
    }

    private void raisePageFault(long gva, int errorCode) {
        if ((exceptionBitmap & (1 << X86.VECTOR_PF)) != 0) {
            // SDM Vol. 3C §26.2 / §28.2.2: the #PF exits; the qualification is the linear address, CR2 is not written.
            current.set(VM_EXIT_INTERRUPTION_INFO, InterruptionInfo.of(InterruptionInfo.TYPE_HARDWARE_EXCEPTION, X86.VECTOR_PF, true));
            current.set(VM_EXIT_INTERRUPTION_ERROR_CODE, errorCode);
            vmExit(ExitReason.EXCEPTION_OR_NMI, gva, 0);
            return;
        }
        cr2 = gva;
        stats.pageFaults++;
        deliverEvent(X86.VECTOR_PF, errorCode);
    }

    /** Translates with exits and faults handled; returns an HPA or {@link #EMULATED}. */
    private long access(long gva, int access, int size, long value) {
        for (int attempt = 0; ; attempt++) {
            long hpa = mmu.translate(gva, access);
            if (hpa >= 0) {
                return hpa;
            }
            if (attempt >= MAX_ACCESS_RETRIES) {
                stop(Access.name(access) + " of GVA 0x" + Long.toHexString(gva) + " still faults after "
                        + MAX_ACCESS_RETRIES + " attempts (last fault " + mmu.fault + " at GPA 0x" + Long.toHexString(mmu.faultGpa) + ")");
                throw new VcpuStoppedException(stopReason);
            }
            switch (mmu.fault) {
                case Mmu.FAULT_EPT_VIOLATION, Mmu.FAULT_EPT_MISCONFIG -> {
                    mmioSize = size;
                    mmioWrite = access == Access.WRITE;
                    mmioValue = value;
                    mmioCompleted = false;
                    current.set(GUEST_PHYSICAL_ADDRESS, mmu.faultGpa);
                    current.set(GUEST_LINEAR_ADDRESS, gva);
                    if (mmu.fault == Mmu.FAULT_EPT_VIOLATION) {
                        vmExit(ExitReason.EPT_VIOLATION, mmu.faultQualification, 3);
                    } else {
                        vmExit(ExitReason.EPT_MISCONFIG, 0, 3);
                    }
                    if (mmioCompleted) {
                        return EMULATED;
                    }
                }
                case Mmu.FAULT_PAGE -> raisePageFault(gva, mmu.pageFaultError);
                default -> {
                    stop("guest-physical address 0x" + Long.toHexString(mmu.faultGpa) + " is not host memory (EPT off)");
                    throw new VcpuStoppedException(stopReason);
                }
            }
        }
    }

    private long load(long gva, int size) {
        requireRunning();
        if ((gva & 0xFFF) + size > 4096) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | loadByte(gva + i);
            }
            return v;
        }
        long hpa = access(gva, Access.READ, size, 0);
        if (hpa == EMULATED) {
            return mmioValue;
        }
        return switch (size) {
            case 1 -> memory.read8(hpa);
            case 2 -> memory.read16(hpa);
            case 4 -> memory.read32(hpa) & 0xFFFF_FFFFL;
            default -> memory.read64(hpa);
        };
    }

    private int loadByte(long gva) {
        long hpa = access(gva, Access.READ, 1, 0);
        return hpa == EMULATED ? (int) (mmioValue & 0xFF) : memory.read8(hpa);
    }

    private void store(long gva, int size, long value) {
        requireRunning();
        if ((gva & 0xFFF) + size > 4096) {
            for (int i = 0; i < size; i++) {
                long hpa = access(gva + i, Access.WRITE, 1, (value >>> (8 * i)) & 0xFF);
                if (hpa != EMULATED) {
                    memory.write8(hpa, (int) (value >>> (8 * i)));
                }
            }
            return;
        }
        long hpa = access(gva, Access.WRITE, size, value);
        if (hpa == EMULATED) {
            return;
        }
        switch (size) {
            case 1 -> memory.write8(hpa, (int) value);
            case 2 -> memory.write16(hpa, (int) value);
            case 4 -> memory.write32(hpa, (int) value);
            default -> memory.write64(hpa, value);
        }
    }

    private boolean ioExits(int port, int size) {
        if ((proc & Controls.PROC_USE_IO_BITMAPS) != 0) {
            // SDM Vol. 3C §26.1.3: exit if any bit for the ports accessed is 1, or the access wraps past 0xFFFF.
            if (port + size > 0x10000) {
                return true;
            }
            for (int p = port; p < port + size; p++) {
                long bitmap = p < 0x8000 ? ioBitmapA : ioBitmapB;
                int bit = p & 0x7FFF;
                if ((memory.read8(bitmap + (bit >>> 3)) & (1 << (bit & 7))) != 0) {
                    return true;
                }
            }
            return false;
        }
        return (proc & Controls.PROC_UNCONDITIONAL_IO_EXITING) != 0;
    }

    private int io(int port, int size, boolean in, int value) {
        requireRunning();
        port &= 0xFFFF;
        long mask = size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
        if (!ioExits(port, size)) {
            // Nothing on the modeled physical bus decodes the port: reads float high, writes vanish.
            return in ? (int) mask : 0;
        }
        gpr[RDX] = port;
        if (!in) {
            gpr[RAX] = (gpr[RAX] & ~mask) | (value & mask);
        }
        vmExit(ExitReason.IO_INSTRUCTION, ExitQualification.io(port, size, in), 1);
        return in ? (int) (gpr[RAX] & mask) : 0;
    }

    /** SDM Vol. 3C §25.6.9: read-low at 0, read-high at 1024, write-low at 2048, write-high at 3072. */
    private boolean msrExits(int msr, boolean write) {
        if ((proc & Controls.PROC_USE_MSR_BITMAPS) == 0) {
            return true;
        }
        long base;
        int bit;
        if (msr >= 0 && msr <= 0x1FFF) {
            base = msrBitmap + (write ? 2048 : 0);
            bit = msr;
        } else if (msr >= 0xC000_0000 && msr <= 0xC000_1FFF) {
            base = msrBitmap + (write ? 3072 : 1024);
            bit = msr - 0xC000_0000;
        } else {
            return true;
        }
        return (memory.read8(base + (bit >>> 3)) & (1 << (bit & 7))) != 0;
    }

    private long localMsr(int msr) {
        if (msr == X86.MSR_IA32_EFER) {
            return efer;
        }
        if (msr == X86.MSR_IA32_TSC) {
            return tsc.getAsLong();
        }
        for (int i = 0; i < msrCount; i++) {
            if (msrKeys[i] == msr) {
                return msrValues[i];
            }
        }
        return 0;
    }

    private void setLocalMsr(int msr, long value) {
        if (msr == X86.MSR_IA32_EFER) {
            efer = value;
            updatePagingMode();
            return;
        }
        for (int i = 0; i < msrCount; i++) {
            if (msrKeys[i] == msr) {
                msrValues[i] = value;
                return;
            }
        }
        if (msrCount < msrKeys.length) {
            msrKeys[msrCount] = msr;
            msrValues[msrCount++] = value;
        }
    }

    private void movToCr(int cr, long value) {
        requireRunning();
        gpr[RAX] = value;
        switch (cr) {
            case 0 -> {
                // SDM Vol. 3C §26.1.3: exits if a bit owned by the host (mask 1) would differ from the read shadow.
                if (((value ^ cr0Shadow) & cr0Mask) != 0) {
                    vmExit(ExitReason.CR_ACCESS, ExitQualification.crAccess(0, ExitQualification.CR_MOV_TO, RAX), 3);
                    return;
                }
                long old = cr0;
                cr0 = (cr0 & cr0Mask) | (value & ~cr0Mask);
                if (((old ^ cr0) & (X86.CR0_PG | X86.CR0_WP | X86.CR0_PE)) != 0) {
                    mmu.invalidateVpid(mmu.vpid, false);
                }
                updatePagingMode();
            }
            case 3 -> {
                if ((proc & Controls.PROC_CR3_LOAD_EXITING) != 0) {
                    vmExit(ExitReason.CR_ACCESS, ExitQualification.crAccess(3, ExitQualification.CR_MOV_TO, RAX), 3);
                    return;
                }
                loadCr3(value);
            }
            case 4 -> {
                if (((value ^ cr4Shadow) & cr4Mask) != 0) {
                    vmExit(ExitReason.CR_ACCESS, ExitQualification.crAccess(4, ExitQualification.CR_MOV_TO, RAX), 3);
                    return;
                }
                cr4 = (cr4 & cr4Mask) | (value & ~cr4Mask);
                mmu.invalidateVpid(mmu.vpid, false);
                updatePagingMode();
            }
            default -> {
                stop("MOV to CR" + cr + " is not modeled (#UD)");
                throw new VcpuStoppedException(stopReason);
            }
        }
    }

    /** Loads guest CR3 as MOV to CR3 does: invalidates the current VPID's non-global mappings. SDM Vol. 3A §4.10.4.1. */
    public void loadCr3(long value) {
        cr3 = value;
        mmu.cr3 = value;
        mmu.invalidateVpid(mmu.vpid, true);
    }

    /** Loads guest CR0/CR4 on behalf of the VMM after it handled a CR-access exit. */
    public void loadCr(int cr, long value) {
        if (cr == 0) {
            cr0 = value;
        } else if (cr == 4) {
            cr4 = value;
        } else if (cr == 3) {
            loadCr3(value);
            return;
        }
        mmu.invalidateVpid(mmu.vpid, false);
        updatePagingMode();
    }

    // ================================================================ the guest's view

    /** The processor as guest code sees it. */
    public GuestCpu guestCpu() {
        return view;
    }

    /** Private so guest code cannot cast its {@link GuestCpu} back to the processor. */
    private final class GuestView implements GuestCpu {
        @Override
        public int vcpuIndex() {
            return index;
        }

        @Override
        public int read8(long gva) {
            return (int) load(gva, 1);
        }

        @Override
        public int read16(long gva) {
            return (int) load(gva, 2);
        }

        @Override
        public int read32(long gva) {
            return (int) load(gva, 4);
        }

        @Override
        public long read64(long gva) {
            return load(gva, 8);
        }

        @Override
        public void write8(long gva, int value) {
            store(gva, 1, value & 0xFFL);
        }

        @Override
        public void write16(long gva, int value) {
            store(gva, 2, value & 0xFFFFL);
        }

        @Override
        public void write32(long gva, int value) {
            store(gva, 4, value & 0xFFFF_FFFFL);
        }

        @Override
        public void write64(long gva, long value) {
            store(gva, 8, value);
        }

        @Override
        public void read(long gva, byte[] dst, int off, int len) {
            requireRunning();
            while (len > 0) {
                int chunk = (int) Math.min(len, 4096 - (gva & 0xFFF));
                long hpa = access(gva, Access.READ, 1, 0);
                if (hpa == EMULATED) {
                    dst[off] = (byte) mmioValue;
                    chunk = 1;
                } else {
                    memory.read(hpa, dst, off, chunk);
                }
                gva += chunk;
                off += chunk;
                len -= chunk;
            }
        }

        @Override
        public void write(long gva, byte[] src, int off, int len) {
            requireRunning();
            while (len > 0) {
                int chunk = (int) Math.min(len, 4096 - (gva & 0xFFF));
                long hpa = access(gva, Access.WRITE, 1, src[off] & 0xFF);
                if (hpa == EMULATED) {
                    chunk = 1;
                } else {
                    memory.write(hpa, src, off, chunk);
                }
                gva += chunk;
                off += chunk;
                len -= chunk;
            }
        }

        @Override
        public int fetch(long gva) {
            requireRunning();
            long hpa = access(gva, Access.FETCH, 1, 0);
            return hpa == EMULATED ? (int) (mmioValue & 0xFF) : memory.read8(hpa);
        }

        @Override
        public int in8(int port) {
            return io(port, 1, true, 0);
        }

        @Override
        public int in16(int port) {
            return io(port, 2, true, 0);
        }

        @Override
        public int in32(int port) {
            return io(port, 4, true, 0);
        }

        @Override
        public void out8(int port, int value) {
            io(port, 1, false, value);
        }

        @Override
        public void out16(int port, int value) {
            io(port, 2, false, value);
        }

        @Override
        public void out32(int port, int value) {
            io(port, 4, false, value);
        }

        @Override
        public long rdmsr(int msr) {
            requireRunning();
            if (!msrExits(msr, false)) {
                return localMsr(msr);
            }
            gpr[RCX] = msr & 0xFFFF_FFFFL;
            vmExit(ExitReason.RDMSR, 0, 2);
            return (gpr[RDX] << 32) | (gpr[RAX] & 0xFFFF_FFFFL);
        }

        @Override
        public void wrmsr(int msr, long value) {
            requireRunning();
            if (!msrExits(msr, true)) {
                if (virtualizesX2apicWrite(msr)) {
                    // SDM Vol. 3C §30.5: x2APIC virtualization of EOI and TPR writes, no exit.
                    if (msr == X86.MSR_X2APIC_EOI) {
                        virtualEoi();
                    } else {
                        memory.write32(virtualApic + VAPIC_TPR, (int) value & 0xFF);
                        deliverVirtualInterrupt();
                    }
                    return;
                }
                setLocalMsr(msr, value);
                return;
            }
            gpr[RCX] = msr & 0xFFFF_FFFFL;
            gpr[RAX] = value & 0xFFFF_FFFFL;
            gpr[RDX] = value >>> 32;
            vmExit(ExitReason.WRMSR, 0, 2);
        }

        @Override
        public void cpuid(int leaf, int subleaf, int[] out) {
            requireRunning();
            // SDM Vol. 3C §26.1.2: CPUID exits unconditionally.
            gpr[RAX] = leaf & 0xFFFF_FFFFL;
            gpr[RCX] = subleaf & 0xFFFF_FFFFL;
            vmExit(ExitReason.CPUID, 0, 2);
            out[0] = (int) gpr[RAX];
            out[1] = (int) gpr[RBX];
            out[2] = (int) gpr[RCX];
            out[3] = (int) gpr[RDX];
        }

        @Override
        public long rdtsc() {
            requireRunning();
            if ((proc & Controls.PROC_RDTSC_EXITING) != 0) {
                vmExit(ExitReason.RDTSC, 0, 2);
                return (gpr[RDX] << 32) | (gpr[RAX] & 0xFFFF_FFFFL);
            }
            return tsc.getAsLong();
        }

        @Override
        public void hlt() {
            requireRunning();
            if ((proc & Controls.PROC_HLT_EXITING) != 0) {
                vmExit(ExitReason.HLT, 0, 1);
            } else {
                activity = ACTIVITY_HLT;
            }
        }

        @Override
        public long vmcall(long number, long argument) {
            requireRunning();
            // SDM Vol. 3C §26.1.2: VMCALL exits unconditionally in non-root operation.
            gpr[RAX] = number;
            gpr[RBX] = argument;
            vmExit(ExitReason.VMCALL, 0, 3);
            return gpr[RAX];
        }

        @Override
        public void movToCr(int cr, long value) {
            Vcpu.this.movToCr(cr, value);
        }

        @Override
        public long movFromCr(int cr) {
            requireRunning();
            return switch (cr) {
                case 0 -> (cr0 & ~cr0Mask) | (cr0Shadow & cr0Mask);
                case 2 -> cr2;
                case 3 -> cr3;
                case 4 -> (cr4 & ~cr4Mask) | (cr4Shadow & cr4Mask);
                default -> {
                    stop("MOV from CR" + cr + " is not modeled (#UD)");
                    throw new VcpuStoppedException(stopReason);
                }
            };
        }

        @Override
        public void invlpg(long gva) {
            requireRunning();
            if ((proc & Controls.PROC_INVLPG_EXITING) != 0) {
                current.set(GUEST_LINEAR_ADDRESS, gva);
                vmExit(ExitReason.INVLPG, gva, 3);
                return;
            }
            mmu.invalidatePage(mmu.vpid, gva);
        }

        @Override
        public void switchToCpl(int level) {
            requireRunning();
            if (level != 0 && level != 3) {
                stop("CPL " + level + " is not modeled");
                throw new VcpuStoppedException(stopReason);
            }
            setCpl(level);
        }

        @Override
        public int cpl() {
            return cpl;
        }

        @Override
        public void sti() {
            requireRunning();
            rflags |= X86.RFLAGS_IF;
            interruptBoundary();
        }

        @Override
        public void cli() {
            requireRunning();
            rflags &= ~X86.RFLAGS_IF;
        }

        @Override
        public boolean interruptsEnabled() {
            return (rflags & X86.RFLAGS_IF) != 0;
        }
    }
}
