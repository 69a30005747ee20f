package dev.iovirt.guest.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.VfNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.sriov.EmbeddedSwitch;
import dev.iovirt.sriov.PfMailbox;
import dev.iovirt.sriov.PhysicalFunction;
import dev.iovirt.sriov.VfAssignment;
import dev.iovirt.sriov.VfWiring;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.function.Consumer;

/**
 * A test bench for the SR-IOV path: a host with an IOMMU and an X710-class PF at 00:04.0, its embedded
 * switch (uplink to a dummy wire) and the PF driver's mailbox end; VMs each get one VF by device
 * assignment (at 00:05.0 in the guest), a kernel with only {@link VfNetDriver} bound by 8086:154C, and a
 * network stack that starts once the PF has answered the driver's mailbox RESET with the VF's MAC.
 */
final class VfLab {
    static final long MS = 1_000_000;
    final VirtualClock clock = new VirtualClock();
    final Host host = new Host(2L << 30, clock);
    final Iommu iommu = new Iommu(host.memory(), host.hostAccount(), Iommu.Options.defaults());
    final VmPostedInterrupts posted = new VmPostedInterrupts(host.memory());
    final PhysicalFunction pf = new PhysicalFunction("enp0s4f0", Bdf.of(0, 4, 0),
            VfWiring.iommu(iommu, new MemoryAccount("sriov nic")));
    final DummyPort wire = new DummyPort("uplink");
    final EmbeddedSwitch veb = new EmbeddedSwitch(pf, wire, clock);
    final PfMailbox mailbox = new PfMailbox(pf, veb);
    final StepDriver steps = new StepDriver(clock, host.timers()).maxRounds(2_000_000);
    boolean pollMode;
    private int next;

    static final class Machine {
        Vm vm;
        VirtualFunction vf;
        VfAssignment assignment;
        VfNetDriver driver;
        NetStack stack;
        Kernel kernel;
    }

    VfLab(int vfs) {
        iommu.setPostedInterruptTarget(posted);
        int cap = pf.sriovCapabilityOffset();
        pf.configWrite(cap + SRIOV_NUM_VFS, 2, vfs);
        pf.configWrite(cap + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
        steps.add(veb);
        steps.add(mailbox);
    }

    Machine machine(String name, String mac, String ip, Consumer<Machine> programs) {
        Machine m = new Machine();
        m.vm = host.createVm(VmConfig.of(name, 64L << 20).withApicv(true));
        posted.register(m.vm);
        m.vf = pf.virtualFunctions().get(next++);
        veb.setMac(m.vf, MacAddress.of(mac)); // the host's "ip link set pf vf n mac"
        m.assignment = VfAssignment.assign(m.vf, m.vm, iommu, 5, 0xE000_0000L, 0xE001_0000L);
        m.driver = new VfNetDriver(VfNetDriver.DEFAULT_MEMORY_BASE, pollMode);
        Task start = k -> {
            m.stack = new NetStack(k, m.driver, Ipv4Address.of(ip), 24, NetStack.DEFAULT_ARP_REACHABLE_NANOS,
                    NetStack.DEFAULT_ARP_RETRY_NANOS);
            programs.accept(m);
            return false;
        };
        Task init = k -> {
            m.driver.whenReady(() -> k.spawn(start)); // the stack needs the MAC the PF hands out
            return false;
        };
        m.kernel = Kernel.builder().driver(VfNetDriver.VENDOR_ID, VfNetDriver.DEVICE_ID, () -> m.driver).task(init).build();
        m.vm.load(m.kernel);
        steps.add(m.vm.vcpu(0));
        return m;
    }
}
