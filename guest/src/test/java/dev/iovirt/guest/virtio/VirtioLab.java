package dev.iovirt.guest.virtio;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.pci.VirtioPciLayout;
import dev.iovirt.virtio.pci.VirtioPciTransport;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.function.Consumer;

/**
 * A test bench for the virtio path: VMs with a virtio-net device each (virtio-pci at 00:05.0), a
 * cable between two of them that plays the switch's part (its pump is the vhost-user backend), and
 * a step driver. Each guest gets only its kernel, the virtio-net driver and a network stack.
 */
final class VirtioLab {
    static final long MS = 1_000_000;
    final VirtualClock clock = new VirtualClock();
    final Host host = new Host(2L << 30, clock);
    final StepDriver steps = new StepDriver(clock, host.timers()).maxRounds(400_000);
    boolean packed;
    boolean eventIdx = true;

    static final class Machine {
        Vm vm;
        VirtioNet nic;
        VirtioPciTransport transport;
        VirtioNetDriver driver;
        NetStack stack;
        Kernel kernel;
    }

    Machine machine(String name, String mac, String ip, Consumer<Machine> programs) {
        Machine m = new Machine();
        m.vm = host.createVm(VmConfig.of(name, 64L << 20));
        m.nic = new VirtioNet(name + ".eth0", MacAddress.of(mac), 1, 256);
        m.transport = new VirtioPciTransport(m.nic, m.vm.dma());
        m.transport.msixCapability().setSink(m.vm::signalMsi);
        m.vm.pciBus().attach(5, 0, m.transport);
        m.driver = new VirtioNetDriver(VirtioNetDriver.DEFAULT_MEMORY_BASE, packed, eventIdx);
        Task init = k -> {
            m.stack = new NetStack(k, m.driver, Ipv4Address.of(ip), 24, NetStack.DEFAULT_ARP_REACHABLE_NANOS,
                    NetStack.DEFAULT_ARP_RETRY_NANOS);
            programs.accept(m);
            return false;
        };
        m.kernel = Kernel.builder().driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1, () -> m.driver)
                .task(init).build();
        m.vm.load(m.kernel);
        steps.add(m.vm.vcpu(0));
        return m;
    }

    FrameLink cable(Machine a, Machine b) {
        FrameLink link = new FrameLink(a.nic, b.nic);
        steps.add(() -> link.pump() > 0);
        return link;
    }
}
