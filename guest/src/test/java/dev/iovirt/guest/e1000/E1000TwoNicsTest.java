package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guest with two e1000s on two subnets: each driver has its own vector and memory; both ping. */
class E1000TwoNicsTest {
    @Test
    void aGuestWithTwoE1000sPingsAPeerOnEachSubnet() {
        E1000Lab lab = new E1000Lab();
        Machine p1 = lab.machine("p1", "52:54:00:00:01:02", "10.0.1.2", m -> { });
        Machine p2 = lab.machine("p2", "52:54:00:00:02:02", "10.0.2.2", m -> { });
        Vm vm = lab.host.createVm(VmConfig.of("dual", 64L << 20));
        E1000[] nics = new E1000[2];
        for (int i = 0; i < 2; i++) {
            nics[i] = new E1000("dual.eth" + i, MacAddress.of("52:54:00:00:0" + (i + 1) + ":01"), vm.dma(), lab.host.timers());
            nics[i].setMsiSink(vm::signalMsi);
            vm.pciBus().attach(4 + i, 0, nics[i]);
        }
        List<E1000Driver> drivers = new ArrayList<>();
        Ping[] pings = new Ping[2];
        vm.load(Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> {
            E1000Driver d = new E1000Driver();
            drivers.add(d);
            return d;
        }).task(k -> {
            for (int i = 0; i < 2; i++) {
                NetStack s = new NetStack(k, drivers.get(i), Ipv4Address.of("10.0." + (i + 1) + ".1"), 24);
                pings[i] = new Ping(s, Ipv4Address.of("10.0." + (i + 1) + ".2"), 3, 10 * MS, 32, 10 * MS);
                k.spawn(pings[i]);
            }
            return false;
        }).build());
        lab.steps.add(vm.vcpu(0));
        FrameLink l1 = new FrameLink(nics[0], p1.nic);
        FrameLink l2 = new FrameLink(nics[1], p2.nic);
        lab.steps.add(() -> l1.pump() + l2.pump() > 0);
        lab.steps.runUntil(1_000 * MS);

        assertThat(pings[0].received()).isEqualTo(3);
        assertThat(pings[1].received()).isEqualTo(3);
        assertThat(drivers.get(0).macAddress()).isEqualTo(MacAddress.of("52:54:00:00:01:01"));
        assertThat(drivers.get(1).macAddress()).isEqualTo(MacAddress.of("52:54:00:00:02:01"));
        assertThat(drivers.get(0).vector()).isNotEqualTo(drivers.get(1).vector());
        assertThat(drivers.get(1).memoryBase() - drivers.get(0).memoryBase()).isEqualTo(E1000Driver.REGION_STRIDE);
        assertThat(p1.stack.stats().icmpEchoRequestsIn).isEqualTo(3); // nothing crossed between subnets
        assertThat(p2.stack.stats().icmpEchoRequestsIn).isEqualTo(3);
        assertThat(nics[0].totalErrors() + nics[1].totalErrors()).isZero();
    }
}
