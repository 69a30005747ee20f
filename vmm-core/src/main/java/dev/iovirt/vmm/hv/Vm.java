package dev.iovirt.vmm.hv;

import static dev.iovirt.vmm.vmx.VmcsField.*;

import dev.iovirt.vmm.apic.Lapic;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.cpu.Vcpu;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.ept.EptTables;
import dev.iovirt.vmm.io.IoBus;
import dev.iovirt.vmm.io.MmioBus;
import dev.iovirt.vmm.mem.DirectDmaMemory;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.GuestPhysicalMemory;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.PciBus;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.VmxCapabilities;
import dev.iovirt.vmm.vmx.VmxResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * A virtual machine: its guest-physical memory (RAM slots, backed on first touch), its EPT, its vCPUs
 * with their VMCSs and LAPICs, its port/MMIO buses and PCI bus, and its counters. Everything it
 * allocates from the host is charged to its {@link MemoryAccount}.
 *
 * <p>The VMCS is set up as KVM sets it up: HLT exiting, I/O bitmaps with every port exiting, MSR bitmaps
 * with everything exiting except EFER, EPT, VPID (if configured), unrestricted guest, external-interrupt
 * exiting, acknowledge interrupt on exit; with {@link VmConfig#apicv()} also use TPR shadow,
 * virtualize x2APIC mode, virtual-interrupt delivery and process posted interrupts, with x2APIC EOI and
 * TPR writes passed to the processor. The guest starts in flat unpaged mode (unrestricted guest) at its
 * {@link GuestCode#reset} entry with interrupts disabled.
 */
public final class Vm {
    /** The host vector that notifies a processor of posted interrupts (Linux's POSTED_INTR_VECTOR). */
    public static final int POSTED_INTERRUPT_VECTOR = 0xF2;
    private final Host host;
    private final VmConfig config;
    private final MemoryAccount account;
    private final GuestPhysicalMemory memory;
    private final EptTables ept;
    private final long eptp;
    private final IoBus ioBus = new IoBus();
    private final MmioBus mmioBus = new MmioBus();
    private final PciBus pciBus;
    private final DmaMemory dma;
    private final List<VcpuRunner> runners = new ArrayList<>();
    /** Per-vCPU frames (VMXON, VMCS, bitmaps, PI descriptor), freed with the VM. */
    private final List<Hpa> controlFrames = new ArrayList<>();
    private final ExitDispatcher dispatcher;
    private final Set<Long> writeProtected = ConcurrentHashMap.newKeySet();
    private final Set<Long> dirtyPages = ConcurrentHashMap.newKeySet();
    private volatile ExitObserver observer = (v, r, q, g) -> { };
    private volatile String stopReason;
    /** EPT violations on RAM that backed a page (first touches). */
    final java.util.concurrent.atomic.AtomicLong ramFaults = new java.util.concurrent.atomic.AtomicLong();
    /** MSIs dropped because their address was not 0xFEExxxxx or named no vCPU. */
    private final java.util.concurrent.atomic.AtomicLong droppedMsis = new java.util.concurrent.atomic.AtomicLong();

    Vm(Host host, VmConfig config) {
        this.host = host;
        this.config = config;
        this.account = new MemoryAccount("vm " + config.name());
        this.memory = new GuestPhysicalMemory(host.memory(), account);
        long low = Math.min(config.memoryBytes(), VmConfig.MMIO_HOLE);
        memory.addSlot(Gpa.of(0), low, false, config.backing());
        if (config.memoryBytes() > low) {
            memory.addSlot(Gpa.of(VmConfig.HIGH_MEMORY), config.memoryBytes() - low, false, config.backing());
        }
        this.ept = new EptTables(host.memory(), account);
        this.eptp = ept.eptp(config.eptAccessedDirty());
        this.pciBus = new PciBus(ioBus, mmioBus, PciBus.DEFAULT_ECAM_BASE);
        this.dma = new DirectDmaMemory(memory);
        this.dispatcher = new ExitDispatcher(this);
        for (int i = 0; i < config.vcpus(); i++) {
            runners.add(createVcpu(i));
        }
    }

    private VcpuRunner createVcpu(int index) {
        HostMemory hm = host.memory();
        Vcpu vcpu = new Vcpu(index, hm, host.vmcsStore());
        vcpu.setTsc(() -> host.clock().nanos());
        Hpa apicPage = hm.allocateFrame(account);
        Lapic lapic = new Lapic(index, host.timers(), hm, apicPage);
        // Each vCPU is modeled as its own logical processor: its own VMXON region.
        Hpa vmxon = hm.allocateFrame(account);
        hm.write32(vmxon, Vcpu.VMCS_REVISION_ID);
        Hpa vmcs = hm.allocateFrame(account);
        hm.write32(vmcs, Vcpu.VMCS_REVISION_ID);
        Hpa ioA = hm.allocateFrame(account);
        Hpa ioB = hm.allocateFrame(account);
        Hpa msrBitmap = hm.allocateFrame(account);
        for (int off = 0; off < HostMemory.FRAME_SIZE; off += 8) {
            hm.write64(ioA.value() + off, -1L); // every port exits to the VMM
            hm.write64(ioB.value() + off, -1L);
            hm.write64(msrBitmap.value() + off, -1L); // every MSR exits ...
        }
        int efer = X86.MSR_IA32_EFER - 0xC000_0000; // ... except EFER, which the guest owns (VMCS-switched).
        hm.write8(msrBitmap.value() + 1024 + (efer >>> 3), hm.read8(msrBitmap.value() + 1024 + (efer >>> 3)) & ~(1 << (efer & 7)));
        hm.write8(msrBitmap.value() + 3072 + (efer >>> 3), hm.read8(msrBitmap.value() + 3072 + (efer >>> 3)) & ~(1 << (efer & 7)));
        Hpa piDescriptorFrame = hm.allocateFrame(account);
        PostedInterruptDescriptor pi = new PostedInterruptDescriptor(hm, piDescriptorFrame);
        controlFrames.addAll(List.of(vmxon, vmcs, ioA, ioB, msrBitmap, piDescriptorFrame, apicPage));
        boolean apicv = config.apicv();
        if (apicv) {
            // x2APIC EOI and TPR writes are virtualized by the processor: clear their write-intercept bits.
            for (int msr : new int[] {X86.MSR_X2APIC_EOI, X86.MSR_X2APIC_TPR}) {
                long a = msrBitmap.value() + 2048 + (msr >>> 3);
                hm.write8(a, hm.read8(a) & ~(1 << (msr & 7)));
            }
            pi.setNotification(POSTED_INTERRUPT_VECTOR, index);
        }

        check(vcpu, vcpu.vmxon(vmxon), "VMXON");
        check(vcpu, vcpu.vmclear(vmcs), "VMCLEAR");
        check(vcpu, vcpu.vmptrld(vmcs), "VMPTRLD");
        int secondary = Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST | (config.vpid() ? Controls.SEC_ENABLE_VPID : 0)
                | (apicv ? Controls.SEC_VIRTUALIZE_X2APIC | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY : 0);
        write(vcpu, PIN_BASED_CONTROLS, VmxCapabilities.adjust(Controls.PIN_EXTERNAL_INTERRUPT_EXITING
                | (apicv ? Controls.PIN_PROCESS_POSTED_INTERRUPTS : 0), VmxCapabilities.PIN_MUST_BE_1, VmxCapabilities.PIN_MAY_BE_1));
        write(vcpu, PRIMARY_PROCESSOR_CONTROLS, VmxCapabilities.adjust(Controls.PROC_HLT_EXITING | Controls.PROC_USE_IO_BITMAPS
                | Controls.PROC_USE_MSR_BITMAPS | Controls.PROC_ACTIVATE_SECONDARY | (apicv ? Controls.PROC_USE_TPR_SHADOW : 0),
                VmxCapabilities.PROC_MUST_BE_1, VmxCapabilities.PROC_MAY_BE_1));
        if (apicv) {
            write(vcpu, VIRTUAL_APIC_ADDRESS, apicPage.value());
            write(vcpu, POSTED_INTERRUPT_NOTIFICATION_VECTOR, POSTED_INTERRUPT_VECTOR);
        }
        write(vcpu, SECONDARY_PROCESSOR_CONTROLS, VmxCapabilities.adjust(secondary, VmxCapabilities.SEC_MUST_BE_1, VmxCapabilities.SEC_MAY_BE_1));
        write(vcpu, VM_EXIT_CONTROLS, VmxCapabilities.adjust(Controls.EXIT_HOST_ADDRESS_SPACE_SIZE | Controls.EXIT_ACK_INTERRUPT_ON_EXIT
                | Controls.EXIT_SAVE_IA32_EFER | Controls.EXIT_LOAD_IA32_EFER, VmxCapabilities.EXIT_MUST_BE_1, VmxCapabilities.EXIT_MAY_BE_1));
        write(vcpu, VM_ENTRY_CONTROLS, VmxCapabilities.adjust(Controls.ENTRY_LOAD_IA32_EFER, VmxCapabilities.ENTRY_MUST_BE_1,
                VmxCapabilities.ENTRY_MAY_BE_1));
        write(vcpu, IO_BITMAP_A, ioA.value());
        write(vcpu, IO_BITMAP_B, ioB.value());
        write(vcpu, MSR_BITMAPS, msrBitmap.value());
        write(vcpu, EPT_POINTER, eptp);
        if (config.vpid()) {
            write(vcpu, VIRTUAL_PROCESSOR_ID, host.allocateVpid());
        }
        write(vcpu, POSTED_INTERRUPT_DESCRIPTOR, pi.address().value());
        write(vcpu, HOST_CR4, X86.CR4_VMXE | X86.CR4_PAE);
        write(vcpu, HOST_CR0, X86.CR0_PE | X86.CR0_PG);
        write(vcpu, CR4_GUEST_HOST_MASK, X86.CR4_VMXE); // the guest may not turn on VMX
        write(vcpu, CR4_READ_SHADOW, 0);
        write(vcpu, GUEST_CR0, 0x10); // ET; PE=PG=0: flat, unpaged (unrestricted guest)
        write(vcpu, GUEST_CR4, 0);
        write(vcpu, GUEST_RFLAGS, X86.RFLAGS_FIXED1);
        write(vcpu, GUEST_RIP, 0xFFF0);
        VcpuRunner runner = new VcpuRunner(this, vcpu, lapic, pi);
        vcpu.setExitHandler(dispatcher::handle);
        lapic.setWakeup(runner::wake);
        return runner;
    }

    private static void check(Vcpu vcpu, VmxResult r, String what) {
        if (r != VmxResult.SUCCEED) {
            throw new IllegalStateException(what + " failed: " + vcpu.lastFailure());
        }
    }

    private static void write(Vcpu vcpu, int field, long value) {
        check(vcpu, vcpu.vmwrite(field, value), "VMWRITE 0x" + Integer.toHexString(field));
    }

    public String name() {
        return config.name();
    }

    public VmConfig config() {
        return config;
    }

    public Host host() {
        return host;
    }

    public MemoryAccount account() {
        return account;
    }

    public GuestPhysicalMemory memory() {
        return memory;
    }

    public EptTables ept() {
        return ept;
    }

    public long eptp() {
        return eptp;
    }

    public IoBus ioBus() {
        return ioBus;
    }

    public MmioBus mmioBus() {
        return mmioBus;
    }

    public PciBus pciBus() {
        return pciBus;
    }

    /** What device models of this VM use for DMA (no IOMMU). */
    public DmaMemory dma() {
        return dma;
    }

    public List<VcpuRunner> vcpus() {
        return List.copyOf(runners);
    }

    public VcpuRunner vcpu(int index) {
        return runners.get(index);
    }

    /**
     * Arms the VMX-preemption timer on every vCPU: after {@code operations} guest operations without an
     * exit the guest is preempted (exit 52) and its thread yields, so a guest spinning inside one slice
     * cannot hold a carrier thread. 0 turns it off. Call before the VM runs, or from its own thread.
     */
    public void setPreemptionQuantum(long operations) {
        this.preemptionQuantum = operations;
        for (VcpuRunner r : runners) {
            Vcpu v = r.vcpu();
            long pin = v.vmread(PIN_BASED_CONTROLS);
            pin = operations > 0 ? pin | Controls.PIN_ACTIVATE_PREEMPTION_TIMER : pin & ~Controls.PIN_ACTIVATE_PREEMPTION_TIMER;
            write(v, PIN_BASED_CONTROLS, pin);
            write(v, VMX_PREEMPTION_TIMER_VALUE, operations);
        }
    }

    private volatile long preemptionQuantum;

    long preemptionQuantum() {
        return preemptionQuantum;
    }

    /** Loads the guest's code (kernel image) into every vCPU. */
    public void load(GuestCode code) {
        for (VcpuRunner r : runners) {
            r.vcpu().setGuestCode(code);
        }
    }

    public void setExitObserver(ExitObserver observer) {
        this.observer = observer;
    }

    ExitObserver observer() {
        return observer;
    }

    /** Stops the VM: its vCPUs do not run again. Other VMs and the host are not touched. */
    public void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        for (VcpuRunner r : runners) {
            r.vcpu().stop(reason);
        }
    }

    /**
     * Destroys the VM: stops it, clears its VMCSs, leaves VMX operation on its processors and returns
     * every frame it held — RAM, EPT tables, VMCS and VMXON regions, bitmaps — to the host pool. Its
     * account ends at zero. Call from the thread that runs it (or after a real-time runner stopped).
     */
    public synchronized void destroy() {
        stop("destroyed");
        destroyed = true; // from here on MSIs, IPIs and posted interrupts to this VM are dropped
        for (VcpuRunner r : runners) {
            r.lapic().shutdown();
        }
        for (VcpuRunner r : runners) {
            Vcpu v = r.vcpu();
            long vmcs = v.vmptrst();
            if (vmcs != -1L) {
                v.vmclear(Hpa.of(vmcs));
                host.vmcsStore().release(vmcs);
            }
            v.vmxoff();
        }
        for (var slot : memory.slots()) {
            slot.free();
        }
        ept.free();
        for (Hpa f : controlFrames) {
            host.memory().free(f, dev.iovirt.vmm.mem.PageSize.SIZE_4K, account);
        }
        controlFrames.clear();
    }

    private volatile boolean destroyed;

    public boolean destroyed() {
        return destroyed;
    }

    public boolean stopped() {
        return stopReason != null;
    }

    /** Why the VM stopped, or {@code null} if it runs. */
    public String stopReason() {
        return stopReason;
    }

    /** EPT violations on RAM that backed a page on first touch. */
    public long ramFaults() {
        return ramFaults.get();
    }

    public long droppedMsis() {
        return droppedMsis.get();
    }

    /** The sum of every vCPU's counters. */
    public VcpuStats stats() {
        VcpuStats sum = new VcpuStats();
        for (VcpuRunner r : runners) {
            sum.add(r.vcpu().stats());
        }
        return sum;
    }

    /** Modeled cycles of this VM's virtualization overhead, by the host's cost model. */
    public long modeledCycles() {
        return host.costModel().cycles(stats());
    }

    /**
     * Makes a RAM page read-only in EPT for dirty logging (the first guest write exits, is recorded and
     * the page becomes writable again) and invalidates the translations of every vCPU (INVEPT).
     */
    public void writeProtect(Gpa page) {
        long gpa = page.value() & ~0xFFFL;
        writeProtected.add(gpa);
        if (ept.leafEntry(Gpa.of(gpa)) != 0) {
            ept.protect(Gpa.of(gpa), EptEntry.READ | EptEntry.EXECUTE);
        }
        inveptAll();
    }

    /** Pages written since they were write-protected. */
    public Set<Long> dirtyPages() {
        return Set.copyOf(dirtyPages);
    }

    boolean consumeWriteProtect(long gpaPage) {
        if (writeProtected.remove(gpaPage)) {
            dirtyPages.add(gpaPage);
            return true;
        }
        return false;
    }

    boolean isWriteProtected(long gpaPage) {
        return writeProtected.contains(gpaPage);
    }

    void inveptAll() {
        for (VcpuRunner r : runners) {
            r.vcpu().invept(Vcpu.INVEPT_SINGLE_CONTEXT, eptp);
        }
    }

    /**
     * An MSI write from a device (or an IPI): decoded per SDM Vol. 3A §11.11 and accepted by the
     * destination LAPIC. A write outside 0xFEExxxxx or to an absent APIC ID is dropped and counted; a
     * guest can program any MSI address, so this is not an error of the host.
     */
    public void signalMsi(long address, int data) {
        if (destroyed || !Msi.isInterruptAddress(address)) {
            droppedMsis.incrementAndGet();
            return;
        }
        Msi msi = Msi.decode(address, data);
        if (msi.deliveryMode() != Msi.DELIVERY_FIXED && msi.deliveryMode() != Msi.DELIVERY_LOWEST_PRIORITY) {
            droppedMsis.incrementAndGet();
            return;
        }
        for (VcpuRunner r : runners) {
            if (r.lapic().apicId() == msi.destinationId()) {
                r.lapic().acceptInterrupt(msi.vector());
                return;
            }
        }
        droppedMsis.incrementAndGet();
    }

    /**
     * An inter-processor interrupt written to the x2APIC ICR (MSR 0x830) by the vCPU with APIC ID
     * {@code source}. SDM Vol. 3A §11.12.9: bits 7:0 vector, 10:8 delivery mode, 19:18 destination
     * shorthand (0 none, 1 self, 2 all including self, 3 all excluding self), 63:32 destination. Fixed
     * delivery only; other modes (INIT, SIPI, NMI) are dropped and counted.
     */
    public void sendIpi(int source, long icr) {
        int vector = (int) icr & 0xFF;
        int mode = (int) (icr >>> 8) & 7;
        int shorthand = (int) (icr >>> 18) & 3;
        int destination = (int) (icr >>> 32);
        if (mode != Msi.DELIVERY_FIXED) {
            droppedMsis.incrementAndGet();
            return;
        }
        for (VcpuRunner r : runners) {
            int id = r.lapic().apicId();
            boolean target = switch (shorthand) {
                case 0 -> id == destination;
                case 1 -> id == source;
                case 2 -> true;
                default -> id != source;
            };
            if (target) {
                r.lapic().acceptInterrupt(vector);
                ipis.incrementAndGet();
            }
        }
    }

    /** IPIs delivered between this VM's vCPUs. */
    public long ipis() {
        return ipis.get();
    }

    private final java.util.concurrent.atomic.AtomicLong ipis = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Posts {@code vector} to vCPU {@code index} through its posted-interrupt descriptor, as the IOMMU
     * will: PIR bit, then ON; the vCPU picks it up at its next entry without an exit of its own.
     */
    public void postInterrupt(int index, int vector) {
        if (destroyed) {
            return; // the descriptor's frame is back in the host pool
        }
        runners.get(index).post(vector);
    }
}
