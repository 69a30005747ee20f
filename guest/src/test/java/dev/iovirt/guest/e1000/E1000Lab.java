package dev.iovirt.guest.e1000;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test bench: one host, VMs with an e1000 each, a cable between two of them, and a step driver that
 * runs the vCPUs and pumps the cable until the system is quiet. The host side (device, link, capture)
 * is built here; each guest gets only its kernel, the e1000 driver and a network stack.
 */
final class E1000Lab {
    static final long MS = 1_000_000;
    final VirtualClock clock = new VirtualClock();
    final Host host = new Host(2L << 30, clock);
    final StepDriver steps = new StepDriver(clock, host.timers()).maxRounds(200_000);
    final List<Capture.Record> captured = new ArrayList<>();
    /** How long an ARP entry stays reachable in the stacks built from now on. */
    long arpReachableNanos = NetStack.DEFAULT_ARP_REACHABLE_NANOS;

    /** One VM with its NIC (host side) and what its guest built (guest side, for assertions only). */
    static final class Machine {
        Vm vm;
        E1000 nic;
        E1000Driver driver;
        NetStack stack;
        Kernel kernel;
    }

    /**
     * A VM named {@code name} with an e1000 at 00:04.0 whose EEPROM holds {@code mac}; after boot its
     * init task brings up a stack at {@code ip}/24 and runs {@code programs}.
     */
    Machine machine(String name, String mac, String ip, Consumer<Machine> programs) {
        Machine m = bare(name, mac);
        m.driver = new E1000Driver();
        Task init = k -> {
            m.stack = new NetStack(k, m.driver, Ipv4Address.of(ip), 24, arpReachableNanos, NetStack.DEFAULT_ARP_RETRY_NANOS);
            programs.accept(m);
            return false;
        };
        m.kernel = Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> m.driver)
                .task(init).build();
        m.vm.load(m.kernel);
        steps.add(m.vm.vcpu(0));
        return m;
    }

    /** A VM with an e1000 and nothing loaded yet. */
    Machine bare(String name, String mac) {
        Machine m = new Machine();
        m.vm = host.createVm(VmConfig.of(name, 64L << 20));
        m.nic = new E1000(name + ".eth0", MacAddress.of(mac), m.vm.dma(), host.timers());
        m.nic.setMsiSink(m.vm::signalMsi);
        m.vm.pciBus().attach(4, 0, m.nic);
        return m;
    }

    /** Joins two NICs with a cable whose frames are captured. */
    FrameLink cable(Machine a, Machine b) {
        FrameLink link = new FrameLink(new Capture(a.nic, clock, captured), b.nic);
        steps.add(() -> link.pump() > 0);
        return link;
    }

    /** A port that records every frame crossing it, both ways, with the platform time. */
    static final class Capture implements FramePort {
        record Record(long nanos, byte[] bytes) {
        }

        private final FramePort port;
        private final VirtualClock clock;
        private final List<Record> out;

        Capture(FramePort port, VirtualClock clock, List<Record> out) {
            this.port = port;
            this.clock = clock;
            this.out = out;
        }

        @Override
        public String name() {
            return port.name();
        }

        @Override
        public int receive(FrameBatch batch) {
            int before = batch.size();
            int n = port.receive(batch);
            for (int i = before; i < batch.size(); i++) {
                out.add(new Record(clock.nanos(), batch.get(i).toBytes()));
            }
            return n;
        }

        @Override
        public int transmit(FrameBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                Frame f = batch.get(i);
                out.add(new Record(clock.nanos(), f.toBytes()));
            }
            return port.transmit(batch);
        }

        @Override
        public PortCounters counters() {
            return port.counters();
        }
    }
}
