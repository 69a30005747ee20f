package dev.iovirt.vmm.apic;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.time.TimerQueue;

/**
 * A local APIC in x2APIC mode, emulated by the VMM's kernel part (as KVM's in-kernel LAPIC): the
 * interrupt request and in-service registers, task and processor priority, EOI, and the timer in
 * TSC-deadline mode. SDM Vol. 3A ch. 11 (2023 numbering).
 *
 * <p><b>Priority.</b> A vector's priority class is bits 7:4 (SDM Vol. 3A §11.8.3). PPR is the higher
 * of TPR and the class of the highest in-service vector (§11.8.3.1); an IRR vector is deliverable
 * only if its class is above PPR's class. Delivery (the INTA cycle, done by the VMM when it injects)
 * moves the vector from IRR to ISR; EOI clears the highest ISR bit (§11.8.5).
 *
 * <p><b>Registers live in a page of host memory</b> in the xAPIC layout (SDM Vol. 3A §11.4.1, Table
 * 11-1: TPR at 0x80, ISR at 0x100, IRR at 0x200, eight 32-bit words 16 bytes apart), as KVM keeps
 * them. With APIC virtualization that page is the VMCS's virtual-APIC page, so the processor's
 * virtual-interrupt delivery and EOI virtualization and this emulation see the same bits.
 *
 * <p>Thread safety: devices may raise interrupts from their own threads; every method is synchronized.
 * {@code wakeup} is run (outside the lock) after an interrupt is accepted, to wake a halted vCPU.
 */
public final class Lapic {
    private final int apicId;
    private final TimerQueue timers;
    /** Register offsets in the page. SDM Vol. 3A Table 11-1. */
    public static final int TPR = 0x80;
    public static final int ISR = 0x100;
    public static final int IRR = 0x200;
    private final HostMemory memory;
    private final long page;
    private int svr = 0x1FF;
    private int lvtTimer = X86.LVT_MASKED;
    private long tscDeadline;
    private TimerQueue.Timer armed;
    private volatile Runnable wakeup = () -> { };
    private long accepted;
    /** Set when the VM is destroyed: the register page may belong to someone else from then on. */
    private boolean dead;
    private long timerFirings;

    /** A LAPIC whose registers live in the 4 KiB page at {@code page}. */
    public Lapic(int apicId, TimerQueue timers, HostMemory memory, Hpa page) {
        this.apicId = apicId;
        this.timers = timers;
        this.memory = memory;
        this.page = page.value();
    }

    /** The register page (the virtual-APIC page under APIC virtualization). */
    public Hpa page() {
        return new Hpa(page);
    }

    private boolean bit(int base, int vector) {
        return (memory.read32(page + base + 16L * (vector >>> 5)) & (1 << (vector & 31))) != 0;
    }

    private void setBit(int base, int vector, boolean on) {
        long a = page + base + 16L * (vector >>> 5);
        int w = memory.read32(a);
        memory.write32(a, on ? w | (1 << (vector & 31)) : w & ~(1 << (vector & 31)));
    }

    private int highest(int base) {
        for (int r = 7; r >= 0; r--) {
            int w = memory.read32(page + base + 16L * r);
            if (w != 0) {
                return r * 32 + 31 - Integer.numberOfLeadingZeros(w);
            }
        }
        return -1;
    }

    private int tpr() {
        return memory.read32(page + TPR) & 0xFF;
    }

    public int apicId() {
        return apicId;
    }

    public void setWakeup(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    /** Accepts a fixed interrupt (from MSI, IPI or the timer) into IRR. Vectors 0-15 are illegal and dropped (SDM Vol. 3A §11.5.2). */
    public void acceptInterrupt(int vector) {
        if (vector < 16 || vector > 255) {
            return;
        }
        synchronized (this) {
            if (dead) {
                return;
            }
            setBit(IRR, vector, true);
            accepted++;
        }
        wakeup.run();
    }

    /** PPR: SDM Vol. 3A §11.8.3.1. */
    public synchronized int ppr() {
        int isrv = highest(ISR);
        int isrClass = isrv < 0 ? 0 : isrv & 0xF0;
        int tpr = tpr();
        return (tpr & 0xF0) >= isrClass ? tpr : isrClass;
    }

    /** The highest vector in IRR, or -1 (what the VMM copies into RVI under APIC virtualization). */
    public synchronized int highestRequested() {
        return highest(IRR);
    }

    /** The highest IRR vector deliverable now, or -1. */
    public synchronized int highestDeliverable() {
        int v = highest(IRR);
        if (v < 0 || (v & 0xF0) <= (ppr() & 0xF0)) {
            return -1;
        }
        return v;
    }

    /** True if any vector is pending in IRR (deliverable or not). */
    public synchronized boolean anyPending() {
        return highest(IRR) >= 0;
    }

    /** The INTA cycle: moves {@code vector} from IRR to ISR. */
    public synchronized void acknowledge(int vector) {
        setBit(IRR, vector, false);
        setBit(ISR, vector, true);
    }

    /** EOI: clears the highest in-service vector. */
    public synchronized void eoi() {
        int v = highest(ISR);
        if (v >= 0) {
            setBit(ISR, v, false);
        }
    }

    public synchronized boolean inService(int vector) {
        return bit(ISR, vector);
    }

    public synchronized boolean requested(int vector) {
        return bit(IRR, vector);
    }

    /** Interrupts accepted into IRR since creation. */
    public synchronized long accepted() {
        return accepted;
    }

    public synchronized long timerFirings() {
        return timerFirings;
    }

    /** True if {@code msr} is an x2APIC register or the TSC-deadline MSR. */
    public static boolean handles(int msr) {
        return (msr >= 0x800 && msr <= 0x8FF) || msr == X86.MSR_IA32_TSC_DEADLINE;
    }

    /** RDMSR of an x2APIC register. SDM Vol. 3A §11.12.1.2. */
    public synchronized long readMsr(int msr) {
        return switch (msr) {
            case X86.MSR_X2APIC_ID -> apicId;
            case X86.MSR_X2APIC_TPR -> tpr();
            case 0x80A -> ppr();
            case X86.MSR_X2APIC_SVR -> svr;
            case X86.MSR_X2APIC_LVT_TIMER -> lvtTimer;
            case X86.MSR_IA32_TSC_DEADLINE -> tscDeadline;
            default -> {
                if (msr >= 0x810 && msr <= 0x817) {
                    yield memory.read32(page + ISR + 16L * (msr - 0x810)) & 0xFFFF_FFFFL;
                }
                if (msr >= 0x820 && msr <= 0x827) {
                    yield memory.read32(page + IRR + 16L * (msr - 0x820)) & 0xFFFF_FFFFL;
                }
                yield 0;
            }
        };
    }

    /**
     * Stops this LAPIC for good (its VM is being destroyed): cancels the timer and ignores every later
     * interrupt, so nothing writes the register page after it returns to the host pool.
     */
    public synchronized void shutdown() {
        dead = true;
        if (armed != null) {
            armed.cancel();
            armed = null;
        }
    }

    /** WRMSR of an x2APIC register. SDM Vol. 3A §11.12.1.2. */
    public void writeMsr(int msr, long value) {
        synchronized (this) {
            if (dead) {
                return;
            }
            switch (msr) {
                case X86.MSR_X2APIC_TPR -> memory.write32(page + TPR, (int) value & 0xFF);
                case X86.MSR_X2APIC_EOI -> eoi();
                case X86.MSR_X2APIC_SVR -> svr = (int) value;
                case X86.MSR_X2APIC_LVT_TIMER -> {
                    lvtTimer = (int) value;
                    rearm();
                }
                case X86.MSR_IA32_TSC_DEADLINE -> {
                    tscDeadline = value;
                    rearm();
                }
                default -> {
                }
            }
        }
    }

    /** SDM Vol. 3A §11.5.4.1: in TSC-deadline mode the timer fires when the TSC reaches the deadline, once. */
    private void rearm() {
        if (armed != null) {
            armed.cancel();
            armed = null;
        }
        boolean deadlineMode = (lvtTimer & (3 << 17)) == X86.LVT_TIMER_TSC_DEADLINE;
        if (!deadlineMode || tscDeadline == 0) {
            return;
        }
        long deadline = tscDeadline; // TSC at 1 GHz: one tick per clock nanosecond.
        armed = timers.schedule(deadline, this::timerFired);
    }

    private void timerFired() {
        int vector;
        synchronized (this) {
            if (dead) {
                return;
            }
            armed = null;
            tscDeadline = 0;
            timerFirings++;
            if ((lvtTimer & X86.LVT_MASKED) != 0) {
                return;
            }
            vector = lvtTimer & 0xFF;
        }
        acceptInterrupt(vector);
    }
}
