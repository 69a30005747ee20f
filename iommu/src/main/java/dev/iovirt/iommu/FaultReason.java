package dev.iovirt.iommu;

/**
 * The non-recoverable fault reasons the model records, with the spec's numbers: the FR field of a
 * fault recording register. VT-d §7.1.3, the table of non-recoverable fault conditions: DMA
 * remapping reasons 0x1-0xC and interrupt remapping reasons 0x20-0x26.
 * Every one of them a malicious or buggy guest driver (or device) can cause, except those naming the
 * root/context/IRT pointers, which only the host programs.
 */
public enum FaultReason {
    /** 0x1: the present bit of the root entry for the request's bus is clear. */
    ROOT_ENTRY_NOT_PRESENT(0x1, "present bit in root entry is clear"),
    /** 0x2: the present bit of the context entry for the request's device is clear. */
    CONTEXT_ENTRY_NOT_PRESENT(0x2, "present bit in context entry is clear"),
    /** 0x3: the context entry is invalid (reserved translation type, unsupported address width). */
    INVALID_CONTEXT_ENTRY(0x3, "invalid context entry"),
    /** 0x4: the input address is beyond the domain's address width (AGAW). */
    ADDRESS_BEYOND_AW(0x4, "access beyond the address width"),
    /** 0x5: a write met a paging entry without write permission (or not present). */
    WRITE_TO_READ_ONLY(0x5, "write request without write permission"),
    /** 0x6: a read met a paging entry without read permission (or not present). */
    READ_WITHOUT_PERMISSION(0x6, "read request without read permission"),
    /** 0x7: a paging entry points to a next-level table outside host memory. */
    NEXT_LEVEL_TABLE_INVALID(0x7, "next-level table pointer is invalid"),
    /** 0x8: the root table address is outside host memory. */
    ROOT_TABLE_ADDRESS_INVALID(0x8, "root table address is invalid"),
    /** 0x9: a context table pointer is outside host memory. */
    CONTEXT_TABLE_POINTER_INVALID(0x9, "context table pointer is invalid"),
    /** 0xA: reserved bits of a root entry are set. */
    ROOT_ENTRY_RESERVED(0xA, "non-zero reserved field in root entry"),
    /** 0xB: reserved bits of a context entry are set. */
    CONTEXT_ENTRY_RESERVED(0xB, "non-zero reserved field in context entry"),
    /** 0xC: reserved bits of a second-level paging entry are set. */
    PAGING_ENTRY_RESERVED(0xC, "non-zero reserved field in a second-level paging entry"),
    /** 0x20: reserved fields of a remappable interrupt request are set (data bits 31:16). */
    INTERRUPT_REQUEST_RESERVED(0x20, "reserved fields set in the interrupt request"),
    /** 0x21: the interrupt index is beyond the interrupt remapping table's size. */
    INTERRUPT_INDEX_BEYOND_TABLE(0x21, "interrupt index exceeds the interrupt remapping table size"),
    /** 0x22: the IRTE's present bit is clear. */
    IRTE_NOT_PRESENT(0x22, "present bit in IRTE is clear"),
    /** 0x23: the IRTE is outside host memory (IRTA points nowhere). */
    IRTA_ACCESS_ERROR(0x23, "error accessing the interrupt remapping table through IRTA"),
    /** 0x24: reserved fields of the IRTE are set (including SVT 11b). */
    IRTE_RESERVED(0x24, "non-zero reserved field in IRTE"),
    /** 0x25: a compatibility-format interrupt was blocked (interrupt remapping on, CFIS clear). */
    COMPATIBILITY_INTERRUPT_BLOCKED(0x25, "compatibility format interrupt blocked"),
    /** 0x26: the request's source-id failed the IRTE's SVT/SQ/SID verification. */
    SOURCE_ID_VERIFICATION_FAILED(0x26, "source-id verification failed");

    /** The FR field value. */
    public final int code;
    /** The spec's description, the message of a fault. */
    public final String description;

    FaultReason(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** True for the interrupt-remapping reasons (0x20 and up): the fault info holds an interrupt index, not an address. */
    public boolean interruptRemapping() {
        return code >= 0x20;
    }

    /** The reason with FR value {@code code}, or {@code null}. */
    public static FaultReason of(int code) {
        for (FaultReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
