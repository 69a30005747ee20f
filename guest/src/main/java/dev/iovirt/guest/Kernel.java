package dev.iovirt.guest;

import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.guest.drivers.UartDriver;
import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The guest kernel: what the processor enters at reset, through the IDT and in the main loop
 * ({@link GuestCode}). Single-processor for now.
 *
 * <p><b>Boot</b> ({@link #reset}): with paging off (flat, the VM starts as an unrestricted guest) it
 * writes IA-32e page tables into guest memory — PML4 at 0x1000, one PDPT, four PDs identity-mapping
 * 4 GiB with 2 MiB pages (the MMIO hole from 3 GiB up with caching disabled), and a page table for the
 * first 2 MiB whose page 0 is left unmapped so that a null dereference faults — then turns on
 * EFER.LME/NXE, CR4.PAE/PGE, CR3, CR0.PG/WP. It fills its interrupt handler table (page fault, general
 * protection, the LAPIC timer), enables the x2APIC with its timer in TSC-deadline mode, enumerates PCI
 * through CF8/CFC, sizes and places BARs, binds drivers by vendor and device ID, and queues its initial
 * tasks.
 *
 * <p><b>Main loop</b> ({@link #run}): one task step per slice; with nothing to run it enables interrupts
 * and executes HLT, which gives the vCPU's thread back until an interrupt arrives. <b>Timers</b> are a
 * deadline queue driving the LAPIC's TSC-deadline MSR. Interrupt handlers run with interrupts off and
 * end with an EOI for external vectors.
 *
 * <p>The kernel's own bookkeeping (run queue, timer list) lives in Java objects — guest-private state
 * that no device or VMM ever sees; everything shared with hardware (page tables, registers) goes
 * through the {@link GuestCpu}.
 */
public final class Kernel implements GuestCode {
    public static final long PML4 = 0x1000;
    public static final long PDPT = 0x2000;
    public static final long PD0 = 0x3000;
    public static final long PT0 = 0x7000;
    /** The LAPIC timer's vector (Linux uses 0xEC for LOCAL_TIMER_VECTOR). */
    public static final int TIMER_VECTOR = 0xEC;
    private static final long MMIO_HOLE = 0xC000_0000L;
    /** Vectors from here up to the timer's are handed to drivers. */
    public static final int FIRST_DEVICE_VECTOR = 0x40;
    private static final long PTE_PWT = 1L << 3;
    private static final long PTE_PCD = 1L << 4;

    private record Timer(long deadline, long sequence, Runnable action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final Map<Integer, Supplier<Driver>> driverTable;
    private final List<Task> initTasks;
    private final InterruptHandler[] idt = new InterruptHandler[256];
    private final ArrayDeque<Task> runQueue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final List<PciDevice> devices = new ArrayList<>();
    private final Map<PciDevice, Driver> bound = new HashMap<>();
    private final List<String> faults = new ArrayList<>();
    private GuestCpu cpu;
    private UartDriver console;
    private long timerSequence;
    private long programmedDeadline;
    private long timerInterrupts;
    private long unexpectedInterrupts;
    private boolean booted;
    private int nextVector = FIRST_DEVICE_VECTOR;

    private Kernel(Map<Integer, Supplier<Driver>> driverTable, List<Task> initTasks) {
        this.driverTable = driverTable;
        this.initTasks = initTasks;
    }

    /** A kernel with the given drivers and initial tasks. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects drivers (by vendor and device ID) and initial tasks. */
    public static final class Builder {
        private final Map<Integer, Supplier<Driver>> drivers = new HashMap<>();
        private final List<Task> tasks = new ArrayList<>();

        public Builder driver(int vendorId, int deviceId, Supplier<Driver> factory) {
            drivers.put(vendorId << 16 | deviceId, factory);
            return this;
        }

        public Builder task(Task task) {
            tasks.add(task);
            return this;
        }

        public Kernel build() {
            return new Kernel(Map.copyOf(drivers), List.copyOf(tasks));
        }
    }

    // ---------------------------------------------------------------- GuestCode

    @Override
    public void reset(GuestCpu cpu) {
        this.cpu = cpu;
        buildPageTables();
        enablePaging();
        idt[X86.VECTOR_PF] = (k, v, e) -> {
            throw new GuestFault("page fault at 0x" + Long.toHexString(cpu.movFromCr(2)) + ", error code 0x" + Long.toHexString(e));
        };
        idt[X86.VECTOR_GP] = (k, v, e) -> {
            throw new GuestFault("general protection fault, error code 0x" + Long.toHexString(e));
        };
        idt[TIMER_VECTOR] = (k, v, e) -> timerInterrupt();
        cpu.wrmsr(X86.MSR_X2APIC_SVR, 0x1FF); // APIC software enable, spurious vector 0xFF
        cpu.wrmsr(X86.MSR_X2APIC_LVT_TIMER, X86.LVT_TIMER_TSC_DEADLINE | TIMER_VECTOR);
        devices.addAll(new PciEnumerator(cpu).enumerate());
        for (PciDevice d : devices) {
            Supplier<Driver> factory = driverTable.get(d.vendorId() << 16 | d.deviceId());
            if (factory != null) {
                Driver driver = factory.get();
                if (driver.probe(this, d)) {
                    bound.put(d, driver);
                }
            }
        }
        runQueue.addAll(initTasks);
        booted = true;
        idle();
    }

    @Override
    public void interrupt(GuestCpu cpu, int vector, long errorCode) {
        InterruptHandler h = idt[vector];
        if (h == null) {
            unexpectedInterrupts++;
        } else {
            h.handle(this, vector, errorCode);
        }
        if (vector >= X86.FIRST_EXTERNAL_VECTOR) {
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        }
    }

    @Override
    public void run(GuestCpu cpu) {
        Task t = runQueue.poll();
        if (t != null) {
            try {
                if (t.step(this)) {
                    runQueue.add(t);
                }
            } catch (GuestFault fault) {
                faults.add(fault.getMessage());
            }
            if (!runQueue.isEmpty()) {
                return;
            }
        }
        idle();
    }

    /** With nothing to run: enable interrupts and halt (an interrupt may arrive at the STI and queue work). */
    private void idle() {
        cpu.sti();
        if (runQueue.isEmpty()) {
            cpu.hlt();
        }
    }

    // ---------------------------------------------------------------- boot

    private void buildPageTables() {
        long rw = X86.PTE_P | X86.PTE_RW;
        for (int i = 0; i < 512; i++) {
            cpu.write64(PML4 + 8L * i, i == 0 ? PDPT | rw : 0);
            cpu.write64(PDPT + 8L * i, i < 4 ? (PD0 + 4096L * i) | rw : 0);
        }
        for (int g = 0; g < 4; g++) {
            for (int i = 0; i < 512; i++) {
                long address = ((long) g << 30) | ((long) i << 21);
                long entry;
                if (address == 0) {
                    entry = PT0 | rw;
                } else {
                    entry = address | rw | X86.PTE_PS | (address >= MMIO_HOLE ? PTE_PCD | PTE_PWT : 0);
                }
                cpu.write64(PD0 + 4096L * g + 8L * i, entry);
            }
        }
        for (int i = 0; i < 512; i++) {
            cpu.write64(PT0 + 8L * i, i == 0 ? 0 : ((long) i << 12) | rw); // page 0 unmapped: null faults
        }
    }

    private void enablePaging() {
        cpu.wrmsr(X86.MSR_IA32_EFER, X86.EFER_LME | X86.EFER_NXE);
        cpu.movToCr(4, X86.CR4_PAE | X86.CR4_PGE);
        cpu.movToCr(3, PML4);
        cpu.movToCr(0, X86.CR0_PE | X86.CR0_PG | X86.CR0_WP | 0x10);
    }

    // ---------------------------------------------------------------- services

    /** The processor this kernel runs on. */
    public GuestCpu cpu() {
        return cpu;
    }

    /** Gives a driver an interrupt vector and installs its handler (EOI is sent by the kernel). */
    public int allocateVector(InterruptHandler handler) {
        if (nextVector >= TIMER_VECTOR) {
            throw new IllegalStateException("no free interrupt vector");
        }
        int v = nextVector++;
        idt[v] = handler;
        return v;
    }

    /** This processor's APIC ID (x2APIC ID register). */
    public int apicId() {
        return (int) cpu.rdmsr(X86.MSR_X2APIC_ID);
    }

    public void spawn(Task task) {
        runQueue.add(task);
    }

    /** Queues {@code task} after {@code delayNanos}: how a task sleeps (it returns false and is spawned again later). */
    public void spawnAfter(long delayNanos, Task task) {
        addTimer(delayNanos, () -> spawn(task));
    }

    /** The platform time as this guest reads it (RDTSC at 1 GHz). */
    public long nanos() {
        return cpu.rdtsc();
    }

    /** Runs {@code action} (in interrupt context) after {@code delayNanos} of platform time. */
    public void addTimer(long delayNanos, Runnable action) {
        timers.add(new Timer(cpu.rdtsc() + delayNanos, timerSequence++, action));
        reprogramTimer();
    }

    private void reprogramTimer() {
        Timer next = timers.peek();
        long deadline = next == null ? 0 : next.deadline;
        if (deadline != programmedDeadline) {
            programmedDeadline = deadline;
            cpu.wrmsr(X86.MSR_IA32_TSC_DEADLINE, deadline);
        }
    }

    private void timerInterrupt() {
        timerInterrupts++;
        programmedDeadline = 0; // the LAPIC cleared its deadline when it fired
        long now = cpu.rdtsc();
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            timers.poll().action.run();
        }
        reprogramTimer();
    }

    public void setConsole(UartDriver console) {
        this.console = console;
    }

    /** Prints to the console (the UART), if one was bound. */
    public void print(String s) {
        if (console != null) {
            console.print(s);
        }
    }

    public UartDriver console() {
        return console;
    }

    public List<PciDevice> devices() {
        return List.copyOf(devices);
    }

    public Driver driverOf(PciDevice device) {
        return bound.get(device);
    }

    /** Tasks abandoned after a fault, with what happened. */
    public List<String> faults() {
        return List.copyOf(faults);
    }

    public long timerInterrupts() {
        return timerInterrupts;
    }

    public long unexpectedInterrupts() {
        return unexpectedInterrupts;
    }

    public boolean booted() {
        return booted;
    }

    public int runnable() {
        return runQueue.size();
    }
}
