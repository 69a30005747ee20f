package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.cost.CostModel;
import dev.iovirt.vmm.cpu.VmcsStore;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.time.Clock;
import dev.iovirt.vmm.time.TimerQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * One hypervisor host: its physical memory and frame pool, its VMCS store, its clock and timers, and the
 * VMs it runs. VMs share nothing but the pool: a VM that fails stops alone.
 */
public final class Host {
    private final HostMemory memory;
    private final VmcsStore vmcsStore = new VmcsStore();
    private final Clock clock;
    private final TimerQueue timers;
    private final MemoryAccount hostAccount = new MemoryAccount("host");
    private final List<Vm> vms = new ArrayList<>();
    private CostModel costModel = CostModel.defaults();
    private int nextVpid = 1;

    public Host(long memoryBytes, Clock clock) {
        this.memory = new HostMemory(memoryBytes);
        this.clock = clock;
        this.timers = new TimerQueue(clock);
    }

    public HostMemory memory() {
        return memory;
    }

    public Clock clock() {
        return clock;
    }

    public TimerQueue timers() {
        return timers;
    }

    VmcsStore vmcsStore() {
        return vmcsStore;
    }

    public MemoryAccount hostAccount() {
        return hostAccount;
    }

    public CostModel costModel() {
        return costModel;
    }

    public void setCostModel(CostModel model) {
        this.costModel = model;
    }

    synchronized int allocateVpid() {
        if (nextVpid > 0xFFFF) {
            throw new IllegalStateException("VPIDs exhausted");
        }
        return nextVpid++;
    }

    /** Creates a VM; its RAM is backed only as the guest touches it. */
    public synchronized Vm createVm(VmConfig config) {
        Vm vm = new Vm(this, config);
        vms.add(vm);
        return vm;
    }

    public synchronized List<Vm> vms() {
        return List.copyOf(vms);
    }
}
