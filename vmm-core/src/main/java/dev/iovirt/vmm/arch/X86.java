package dev.iovirt.vmm.arch;

/**
 * Architectural x86-64 constants that guest code and the VMM share: control-register bits, paging-entry
 * bits, page-fault error code, exception vectors and MSR numbers. Each cites the SDM.
 */
public final class X86 {
    private X86() {
    }

    // CR0. SDM Vol. 3A §2.5.
    public static final long CR0_PE = 1L;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_PG = 1L << 31;
    // CR4. SDM Vol. 3A §2.5.
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_VMXE = 1L << 13;
    // RFLAGS. SDM Vol. 1 §3.4.3.
    public static final long RFLAGS_FIXED1 = 1L << 1;
    public static final long RFLAGS_IF = 1L << 9;

    // IA-32e paging entries (PML4E, PDPTE, PDE, PTE). SDM Vol. 3A §4.5, Tables 4-15 to 4-20.
    public static final long PTE_P = 1L;
    public static final long PTE_RW = 1L << 1;
    public static final long PTE_US = 1L << 2;
    public static final long PTE_A = 1L << 5;
    public static final long PTE_D = 1L << 6;
    /** Bit 7 of a PDPTE/PDE: maps a 1 GiB / 2 MiB page. */
    public static final long PTE_PS = 1L << 7;
    public static final long PTE_G = 1L << 8;
    public static final long PTE_XD = 1L << 63;
    /** Bits 51:12 (the address of the next table or page). */
    public static final long PTE_ADDRESS = 0x000F_FFFF_FFFF_F000L;

    // Page-fault error code. SDM Vol. 3A §4.7, Figure 4-12.
    /** Bit 0: 0 = the page was not present, 1 = a protection violation. */
    public static final int PF_P = 1;
    /** Bit 1: the access was a write. */
    public static final int PF_W = 1 << 1;
    /** Bit 2: the access was made in user mode (CPL 3). */
    public static final int PF_U = 1 << 2;
    /** Bit 3: a reserved bit was set in a paging entry. */
    public static final int PF_RSVD = 1 << 3;
    /** Bit 4: the access was an instruction fetch. */
    public static final int PF_I = 1 << 4;

    // Exception vectors. SDM Vol. 3A §6.3.1, Table 6-1.
    public static final int VECTOR_DE = 0;
    public static final int VECTOR_UD = 6;
    public static final int VECTOR_DF = 8;
    public static final int VECTOR_GP = 13;
    public static final int VECTOR_PF = 14;
    /** The first vector available to external interrupts. SDM Vol. 3A §6.2. */
    public static final int FIRST_EXTERNAL_VECTOR = 32;

    // MSRs. SDM Vol. 4 Table 2-2.
    public static final int MSR_IA32_TSC = 0x10;
    public static final int MSR_IA32_APIC_BASE = 0x1B;
    public static final int MSR_IA32_TSC_DEADLINE = 0x6E0;
    public static final int MSR_IA32_EFER = 0xC000_0080;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;
    // x2APIC registers as MSRs. SDM Vol. 3A §11.12.1.2, Table 11-6 (2023 numbering).
    public static final int MSR_X2APIC_ID = 0x802;
    public static final int MSR_X2APIC_TPR = 0x808;
    public static final int MSR_X2APIC_EOI = 0x80B;
    public static final int MSR_X2APIC_SVR = 0x80F;
    public static final int MSR_X2APIC_ICR = 0x830;
    public static final int MSR_X2APIC_LVT_TIMER = 0x832;
    /** Bits 18:17 of the LVT timer register: 10b = TSC-deadline mode. SDM Vol. 3A §11.5.4.1. */
    public static final int LVT_TIMER_TSC_DEADLINE = 2 << 17;
    /** Bit 16 of an LVT register: masked. SDM Vol. 3A §11.5.1. */
    public static final int LVT_MASKED = 1 << 16;

    // PCI configuration mechanism #1 ports. PCI Local Bus Spec 3.0 §3.2.2.3.2.
    public static final int PCI_CONFIG_ADDRESS = 0xCF8;
    public static final int PCI_CONFIG_DATA = 0xCFC;
}
