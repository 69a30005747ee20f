package dev.iovirt.iommu;

import dev.iovirt.vmm.pci.Bdf;

/**
 * One fault as the fault recording registers hold it. VT-d §10.4.14.
 *
 * @param index the fault recording register it sits in
 * @param reason the fault reason (FR)
 * @param sourceId the requester (SID)
 * @param faultInfo FI: the faulting page address for DMA faults; for interrupt faults, the interrupt index (bits 63:48)
 * @param read T: true for a read request, false for a write (interrupt requests are writes)
 */
public record FaultRecord(int index, FaultReason reason, Bdf sourceId, long faultInfo, boolean read) {
    /** For an interrupt-remapping fault, the interrupt index. */
    public int interruptIndex() {
        return (int) (faultInfo >>> 48);
    }

    @Override
    public String toString() {
        return "fault " + index + ": " + reason.description + " (0x" + Integer.toHexString(reason.code) + ") from " + sourceId
                + (reason.interruptRemapping() ? " index " + interruptIndex() : (read ? " read " : " write ") + "at 0x" + Long.toHexString(faultInfo));
    }
}
