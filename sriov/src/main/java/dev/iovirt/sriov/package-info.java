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
 * <p>What is not built yet (VF queues, the embedded switch, device assignment, the mailbox) is listed in
 * docs/sriov.md.
 */
package dev.iovirt.sriov;
