package dev.iovirt.vmm.arch;

/**
 * Everything guest code can do: the events of the x86 instruction set that a VMM can observe (DESIGN
 * §1, "What runs inside a guest"). Guest code gets an instance of this interface and nothing else; it
 * never holds a device, a VMCS or host memory.
 *
 * <p>Every address guest code names is a linear (guest-virtual) address, translated by the guest's own
 * page tables when CR0.PG=1 and then by EPT. Each operation is one instruction and goes through the
 * VMX rules: it exits to the VMM or not as the VMCS controls say (I/O bitmaps, MSR bitmaps, HLT exiting,
 * EPT mapping of the address, ...), so its cost is what a real guest pays.
 *
 * <p>Guest code is run-to-completion: an entry point ({@link GuestCode}) does some work and returns. HLT
 * is where a vCPU gives its thread back: after {@link #hlt()} the code must return; the vCPU sleeps until
 * an interrupt arrives. Operations after HLT in the same slice stop the vCPU.
 *
 * <p>Guest code must not catch {@link RuntimeException}s it does not own: a stopped vCPU unwinds guest
 * code with one.
 */
public interface GuestCpu {
    /** This vCPU's index in its VM (the initial APIC ID). */
    int vcpuIndex();

    // Loads and stores through the MMU (MOV). Little-endian.
    int read8(long gva);

    int read16(long gva);

    int read32(long gva);

    long read64(long gva);

    void write8(long gva, int value);

    void write16(long gva, int value);

    void write32(long gva, int value);

    void write64(long gva, long value);

    /** A bulk load (REP MOVSB from guest memory). */
    void read(long gva, byte[] dst, int off, int len);

    /** A bulk store (REP MOVSB to guest memory). */
    void write(long gva, byte[] src, int off, int len);

    /** An instruction fetch of one byte at {@code gva}: the guest jumping to code there. */
    int fetch(long gva);

    // Port I/O (IN/OUT with DX).
    int in8(int port);

    int in16(int port);

    int in32(int port);

    void out8(int port, int value);

    void out16(int port, int value);

    void out32(int port, int value);

    long rdmsr(int msr);

    void wrmsr(int msr, long value);

    /** CPUID: {@code out} receives EAX, EBX, ECX, EDX. */
    void cpuid(int leaf, int subleaf, int[] out);

    long rdtsc();

    /** HLT: stop until the next interrupt. The calling code must return after this. */
    void hlt();

    /** VMCALL with the KVM hypercall convention: number in RAX, argument in RBX, result in RAX. */
    long vmcall(long number, long argument);

    /** MOV to CR0, CR3 or CR4. */
    void movToCr(int cr, long value);

    /** MOV from CR0, CR2, CR3 or CR4. */
    long movFromCr(int cr);

    void invlpg(long gva);

    /**
     * Changes the privilege level: 3 as SYSRET/IRET to user code does, 0 as SYSCALL back into the kernel.
     * User-mode accesses are checked against the U/S and R/W bits of the guest's page tables. Event
     * handlers always run at CPL 0 and return to the level they interrupted.
     */
    void switchToCpl(int cpl);

    /** The current privilege level, 0 or 3. */
    int cpl();

    /** STI: set RFLAGS.IF. */
    void sti();

    /** CLI: clear RFLAGS.IF. */
    void cli();

    /** True if RFLAGS.IF is set. */
    boolean interruptsEnabled();
}
