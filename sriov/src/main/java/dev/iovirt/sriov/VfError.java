package dev.iovirt.sriov;

/** Things a VF's driver can get wrong, each counted by the VF; every one can be caused by a malicious guest. */
public enum VfError {
    /** A queue was enabled with a ring length that is zero or not a multiple of 128 bytes; it stays disabled. */
    RING_INVALID,
    /** A tail (doorbell) pointed outside its ring; the queue was stopped (malicious driver detection). */
    TAIL_OUT_OF_RING,
    /** A TX descriptor was not an advanced data descriptor (DTYP/DEXT); the queue was stopped (MDD). */
    TX_BAD_DESCRIPTOR,
    /** A TX frame was empty, longer than the largest frame, or spread over too many descriptors; the queue was stopped (MDD). */
    TX_BAD_LENGTH,
    /** A DMA of the VF was refused (by the IOMMU, which recorded the reason, or because it is not RAM); the queue was stopped. */
    DMA_FAULT,
    /** The VF's Bus Master Enable is clear, so its queues cannot DMA; nothing moved. */
    BUS_MASTER_DISABLED,
    /** A received frame was larger than the posted buffer; it was dropped. */
    RX_OVERSIZE,
    /** A frame arrived with no posted RX buffer (or the RX queue disabled); it was dropped. */
    RX_NO_BUFFER,
}
