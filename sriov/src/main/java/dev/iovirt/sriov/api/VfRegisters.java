package dev.iovirt.sriov.api;

/**
 * A VF's register BAR (VF BAR 0, 64 KiB per VF), one queue pair, laid out after the 82599 VF
 * ({@code ixgbevf}, 82599 datasheet §8.3.5.x) with one change that is the point of SR-IOV: the two
 * tail registers (doorbells) sit alone in the first 4 KiB page, so the VMM can map that page straight
 * into the guest through EPT and a doorbell write never exits. Everything else (ring setup,
 * interrupt masks) is in later pages, reached by trapped MMIO on the setup path only.
 *
 * <p>The device observes the doorbell page when it polls (each {@code VirtualFunction.poll()}), as an
 * X710 observes tail writes that land in its BAR without any CPU involvement.
 */
public final class VfRegisters {
    private VfRegisters() {
    }

    /** Bytes of the doorbell page at offset 0. */
    public static final int DOORBELL_PAGE_SIZE = 4096;
    /** TX queue 0 tail (TDT): the driver writes the index one past the last descriptor it filled. */
    public static final int TX_TAIL = 0x0000;
    /** RX queue 0 tail (RDT): the driver writes the index one past the last buffer it posted. */
    public static final int RX_TAIL = 0x0004;

    /** RX descriptor ring base, low 32 bits (128-byte aligned; bits 6:0 read 0). 82599 VFRDBAL §8.3.5.2. */
    public static final int RDBAL = 0x1000;
    /** RX descriptor ring base, high 32 bits. VFRDBAH. */
    public static final int RDBAH = 0x1004;
    /** RX ring length in bytes: a non-zero multiple of 128 (8 descriptors). VFRDLEN. */
    public static final int RDLEN = 0x1008;
    /** RX head (read-only to the driver): the next descriptor the device fills. VFRDH. */
    public static final int RDH = 0x1010;
    /** Split and replication control: bits 4:0 receive buffer size in 1 KiB units (0 means 2 KiB). VFSRRCTL. */
    public static final int SRRCTL = 0x1014;
    /** RX descriptor control: bit 25 ENABLE. VFRXDCTL. */
    public static final int RXDCTL = 0x1028;

    /** TX descriptor ring base, low 32 bits (128-byte aligned). VFTDBAL §8.3.5.4. */
    public static final int TDBAL = 0x2000;
    /** TX descriptor ring base, high 32 bits. VFTDBAH. */
    public static final int TDBAH = 0x2004;
    /** TX ring length in bytes: a non-zero multiple of 128. VFTDLEN. */
    public static final int TDLEN = 0x2008;
    /** TX head (read-only to the driver). VFTDH. */
    public static final int TDH = 0x2010;
    /** TX descriptor control: bit 25 ENABLE. VFTXDCTL. */
    public static final int TXDCTL = 0x2028;
    /** Queue enable bit in RXDCTL/TXDCTL. 82599 §8.2.3.8.6, §8.2.3.9.10. */
    public static final int QUEUE_ENABLE = 1 << 25;

    /** Extended interrupt cause (read clears). VTEICR. */
    public static final int EICR = 0x3000;
    /** Extended interrupt cause set (write 1s to raise causes; for driver self-tests). VTEICS. */
    public static final int EICS = 0x3004;
    /** Extended interrupt mask set/read: a cause signals its MSI-X vector only while its bit is set. VTEIMS. */
    public static final int EIMS = 0x3008;
    /** Extended interrupt mask clear (write 1s). VTEIMC. */
    public static final int EIMC = 0x300C;
    /** Error status (read clears): why the device stopped a queue. */
    public static final int ERRSTAT = 0x3010;

    /** Cause bit: RX queue 0 wrote back descriptors. Signals MSI-X vector {@link #VECTOR_RX}. */
    public static final int CAUSE_RX0 = 1;
    /** Cause bit: TX queue 0 wrote back descriptors. Signals MSI-X vector {@link #VECTOR_TX}. */
    public static final int CAUSE_TX0 = 1 << 1;
    /** Cause bit: a queue was stopped (see ERRSTAT). Signals MSI-X vector {@link #VECTOR_MISC}. */
    public static final int CAUSE_ERR = 1 << 2;
    /** Cause bit: the PF answered on the mailbox (VFMAILBOX.PFSTS/PFACK). Signals MSI-X vector {@link #VECTOR_MISC}. */
    public static final int CAUSE_MAILBOX = 1 << 3;
    /** Every implemented cause bit. */
    public static final int CAUSES = CAUSE_RX0 | CAUSE_TX0 | CAUSE_ERR | CAUSE_MAILBOX;

    /**
     * VF mailbox control, after the 82599's VFMAILBOX (datasheet §8.3.5.1.3, §7.10.3.7): bit 0 REQ (VF
     * writes 1: a request is in VFMBMEM), bit 1 ACK (VF writes 1: it has read the PF's message), bit 4
     * PFSTS (PF wrote a message; read clears), bit 5 PFACK (PF consumed the VF's request; read clears).
     */
    public static final int VFMAILBOX = 0x3100;
    public static final int MAILBOX_REQ = 1;
    public static final int MAILBOX_ACK = 1 << 1;
    public static final int MAILBOX_PFSTS = 1 << 4;
    public static final int MAILBOX_PFACK = 1 << 5;
    /** The mailbox message buffer, 16 dwords, shared by both directions (82599 VFMBMEM). */
    public static final int VFMBMEM = 0x3200;
    /** Dwords in the mailbox buffer. */
    public static final int MAILBOX_WORDS = 16;

    /** MSI-X vector of the mailbox and errors (iavf's "other" vector 0). */
    public static final int VECTOR_MISC = 0;
    /** MSI-X vector of RX queue 0. */
    public static final int VECTOR_RX = 1;
    /** MSI-X vector of TX queue 0. */
    public static final int VECTOR_TX = 2;

    /** ERRSTAT bit: the TX queue was stopped by malicious driver detection (bad descriptor or tail). X710 datasheet §7.8.4.1 (MDD). */
    public static final int ERR_TX_MDD = 1;
    /** ERRSTAT bit: the RX queue was stopped: its tail pointed outside the ring. */
    public static final int ERR_RX_MDD = 1 << 1;
    /** ERRSTAT bit: a TX DMA (descriptor or buffer read, write-back) faulted; the IOMMU recorded why. */
    public static final int ERR_TX_DMA = 1 << 2;
    /** ERRSTAT bit: an RX DMA faulted; the IOMMU recorded why. */
    public static final int ERR_RX_DMA = 1 << 3;

    /** Largest frame a VF sends or receives (without FCS): the host side's {@code Frame.DEFAULT_MAX_FRAME}. */
    public static final int MAX_FRAME = 1920;
    /** Most data descriptors one frame may use (the X710's non-TSO limit; more is an MDD event). */
    public static final int MAX_DESCRIPTORS_PER_FRAME = 8;
}
