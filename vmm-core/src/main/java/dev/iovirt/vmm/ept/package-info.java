/**
 * Extended page tables: the second dimension of address translation, guest-physical to host-physical.
 * SDM Vol. 3C §29.3.
 *
 * <p>The tables are real: 4 KiB frames of {@link dev.iovirt.vmm.mem.HostMemory} holding 64-bit entries
 * in the SDM bit layout ({@link dev.iovirt.vmm.ept.EptEntry}), pointed to by an EPTP
 * ({@link dev.iovirt.vmm.ept.Eptp}) in the VMCS. The VMM edits them through
 * {@link dev.iovirt.vmm.ept.EptTables}; the processor reads them through
 * {@link dev.iovirt.vmm.ept.EptWalker}, which counts one memory reference per entry, sets accessed and
 * dirty flags when the EPTP enables them, and reports a violation (with the permission AND that goes
 * into the exit qualification, {@link dev.iovirt.vmm.ept.EptViolation}) or a misconfiguration.
 * Translations are cached by the vCPU's TLB (package {@code cpu}), which is why narrowing a mapping
 * needs INVEPT.
 */
package dev.iovirt.vmm.ept;
