package dev.iovirt.nfv;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.packet.capture.PcapngWriter;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.pci.VirtioPciLayout;
import dev.iovirt.virtio.pci.VirtioPciTransport;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A test bench for appliances: end-host VMs with one virtio-net NIC each (interrupt-driven driver,
 * network stack), appliance VMs, cables between them, and one step driver on virtual time.
 */
public final class ApplianceLab {
    public static final long MS = 1_000_000;
    public final VirtualClock clock = new VirtualClock();
    public final Host host = new Host(2L << 30, clock);
    public final StepDriver steps = new StepDriver(clock, host.timers()).maxRounds(2_000_000);

    /** An end host. */
    public static final class Machine {
        public Vm vm;
        public VirtioNet nic;
        public VirtioNetDriver driver;
        public NetStack stack;
        public Kernel kernel;
    }

    public Machine machine(String name, String mac, String ip, int prefix, Consumer<Machine> programs) {
        Machine m = new Machine();
        m.vm = host.createVm(VmConfig.of(name, 64L << 20));
        m.nic = new VirtioNet(name + ".eth0", MacAddress.of(mac), 1, 256);
        VirtioPciTransport transport = new VirtioPciTransport(m.nic, m.vm.dma());
        transport.msixCapability().setSink(m.vm::signalMsi);
        m.vm.pciBus().attach(5, 0, transport);
        m.driver = new VirtioNetDriver();
        Task init = k -> {
            m.stack = new NetStack(k, m.driver, Ipv4Address.of(ip), prefix);
            programs.accept(m);
            return false;
        };
        m.kernel = Kernel.builder().driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1, () -> m.driver)
                .task(init).build();
        m.vm.load(m.kernel);
        steps.add(m.vm.vcpu(0));
        return m;
    }

    /** An appliance VM with virtio NICs of the given MACs, stepped with the rest and started. */
    public ApplianceVm appliance(String name, NetworkFunction function, String... macs) {
        List<ApplianceVm.Nic> nics = new java.util.ArrayList<>();
        for (int i = 0; i < macs.length; i++) {
            nics.add(new ApplianceVm.VirtioNic("eth" + i, MacAddress.of(macs[i])));
        }
        ApplianceVm a = ApplianceVm.create(host, ApplianceVm.Config.of(name, nics), function);
        steps.add(a.vcpu());
        a.start();
        return a;
    }

    public void cable(FramePort a, FramePort b) {
        FrameLink link = new FrameLink(a, b);
        steps.add(() -> link.pump() > 0);
    }

    /**
     * A port that writes every frame crossing it, both ways, to a pcapng file (one interface), time
     * stamped on the lab's virtual clock.
     */
    public FramePort captured(FramePort inner, PcapngWriter writer, String interfaceName) {
        int id;
        try {
            id = writer.addInterface(interfaceName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FramePort() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public int receive(FrameBatch batch) {
                int before = batch.size();
                int n = inner.receive(batch);
                write(batch, before, before + n);
                return n;
            }

            @Override
            public int transmit(FrameBatch batch) {
                write(batch, 0, batch.size());
                return inner.transmit(batch);
            }

            private void write(FrameBatch batch, int from, int to) {
                try {
                    for (int i = from; i < to; i++) {
                        var f = batch.get(i);
                        writer.write(id, clock.nanos(), f.buffer(), f.offset(), f.length(), null);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public PortCounters counters() {
                return inner.counters();
            }
        };
    }

    public static PcapngWriter pcapng(Path file) {
        try {
            return PcapngWriter.create(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
