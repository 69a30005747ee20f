/**
 * A PCIe SR-IOV NIC modeled on the Intel X710 (PF 8086:1572, VF 8086:154C).
 *
 * <p><b>What is here.</b> {@link dev.iovirt.sriov.PhysicalFunction} is the PF: a PCIe endpoint with the
 * PCI Express capability and the SR-IOV extended capability (PCIe Base Spec 6.0 §9.3.3) — TotalVFs,
 * InitialVFs, NumVFs, First VF Offset, VF Stride, VF Device ID, Supported/System Page Size, VF BARs,
 * SR-IOV Control with VF Enable and VF MSE. Setting VF Enable creates NumVFs
 * {@link dev.iovirt.sriov.VirtualFunction}s at the routing IDs offset and stride define; clearing it
 * removes them. Each VF has its own configuration space (PCIe capability, MSI-X in VF BAR 3) and its
 * slice of every VF BAR.
 *
 * <p><b>How a PF driver brings VFs up</b> (as Linux's {@code pci_enable_sriov}):
 * <pre>
 *  read TotalVFs ─▶ write NumVFs ─▶ write System Page Size ─▶ size and program VF BAR0/BAR3
 *      ─▶ SR-IOV Control = VF Enable | VF MSE ─▶ VFs exist at PF + offset + (n−1)·stride
 *                                                 VF n's BARx = VF BARx + (n−1)·size
 * </pre>
 *
 * <p><b>The data path.</b> Each VF has one queue pair ({@code VfQueuePair}) behind VF BAR 0, whose
 * first page holds only the doorbells and is a host frame; the VF reads it when it is stepped
 * ({@link dev.iovirt.sriov.VirtualFunction#poll}), DMAs descriptors and buffers through the
 * {@link dev.iovirt.vmm.mem.DmaMemory} its {@link dev.iovirt.sriov.VfWiring} gives (the IOMMU's
 * translated view), and signals MSI-X through the interrupt remapper.
 * {@link dev.iovirt.sriov.EmbeddedSwitch} (the VEB) steps the VFs and forwards between them and an
 * uplink by VLAN and MAC, with anti-spoofing, port VLANs, trust and rate limits.
 * {@link dev.iovirt.sriov.VfAssignment} gives a VF to a VM as VFIO does: all guest RAM in its IOMMU
 * domain, the doorbell page in the VM's EPT (no exit per doorbell), posted IRTEs for its MSI-X.
 *
 * {@link dev.iovirt.sriov.PfMailbox} is the PF driver's end of the PF–VF mailbox (MAC, VLAN,
 * multicast requests decided by the PF's policy); in switchdev mode the switch hands every frame to
 * per-VF representor ports instead of forwarding.
 *
 * <p>What is not built yet (the guest module's VF driver, FLR, unassignment, the PF's own data path)
 * is listed in docs/sriov.md.
 */
package dev.iovirt.sriov;
