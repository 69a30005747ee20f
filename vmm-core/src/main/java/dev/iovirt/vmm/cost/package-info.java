/**
 * Cost accounting: per-vCPU counters ({@link dev.iovirt.vmm.cost.VcpuStats}) written where the events
 * happen (the processor model counts exits, walks and TLB lookups; the VMM counts in-kernel vs
 * user-space handling and injections), and a {@link dev.iovirt.vmm.cost.CostModel} that turns counts
 * into modeled cycles with published per-event costs.
 */
package dev.iovirt.vmm.cost;
