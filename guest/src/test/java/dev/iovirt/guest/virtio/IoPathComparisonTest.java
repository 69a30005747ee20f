package dev.iovirt.guest.virtio;

import static dev.iovirt.guest.virtio.VirtioLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The same traffic over e1000 (full emulation) and over virtio-net (EVENT_IDX, vhost-user style
 * backend), side by side: exits, user-space exits and interrupts per packet, at light and at heavy
 * load, for the sender and the receiver.
 */
class IoPathComparisonTest {
    static final int N = 320;

    record Figures(String path, double txExits, double txUserSpace, double rxExits, double rxUserSpace, double rxInterrupts,
                   long modeledRxCyclesPerPacket) {
        @Override
        public String toString() {
            return String.format("%-7s tx %.3f exits (%.3f user-space), rx %.3f exits (%.3f user-space), %.3f interrupts, %d cycles/packet rx",
                    path, txExits, txUserSpace, rxExits, rxUserSpace, rxInterrupts, modeledRxCyclesPerPacket);
        }
    }

    static Figures run(boolean virtio, int ratePps, int burst) {
        VirtioLab lab = new VirtioLab();
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        long[] sunk = new long[1];
        Vm[] vms = new Vm[2];
        FramePort[] nics = new FramePort[2];
        LongSupplier[] interrupts = new LongSupplier[2];
        for (int i = 0; i < 2; i++) {
            int me = i;
            String ip = i == 0 ? "10.0.0.1" : "10.0.0.2";
            String mac = i == 0 ? "52:54:00:00:02:0a" : "52:54:00:00:02:0b";
            java.util.function.Consumer<NetStack> programs = me == 0
                    ? stack -> {
                    }
                    : stack -> stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++);
            if (virtio) {
                VirtioLab.Machine m = lab.machine("vm" + i, mac, ip, mm -> {
                    programs.accept(mm.stack);
                    if (me == 0) {
                        start(mm.kernel, mm.stack, gen, ratePps, burst);
                    }
                });
                vms[i] = m.vm;
                nics[i] = m.nic;
                interrupts[i] = m.driver::interrupts;
            } else {
                Vm vm = lab.host.createVm(VmConfig.of("vm" + i, 64L << 20));
                E1000 nic = new E1000("vm" + i + ".eth0", MacAddress.of(mac), vm.dma());
                nic.setMsiSink(vm::signalMsi);
                vm.pciBus().attach(4, 0, nic);
                E1000Driver driver = new E1000Driver();
                Task init = k -> {
                    NetStack stack = new NetStack(k, driver, Ipv4Address.of(ip), 24, NetStack.DEFAULT_ARP_REACHABLE_NANOS,
                            NetStack.DEFAULT_ARP_RETRY_NANOS);
                    programs.accept(stack);
                    if (me == 0) {
                        start(k, stack, gen, ratePps, burst);
                    }
                    return false;
                };
                vm.load(Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> driver)
                        .task(init).build());
                lab.steps.add(vm.vcpu(0));
                vms[i] = vm;
                nics[i] = nic;
                interrupts[i] = driver::interrupts;
            }
        }
        FrameLink link = new FrameLink(nics[0], nics[1]);
        lab.steps.add(() -> link.pump() > 0);
        lab.steps.runUntil(5 * MS);
        VcpuStats a0 = vms[0].stats();
        VcpuStats b0 = vms[1].stats();
        long irq0 = interrupts[1].getAsLong();
        lab.steps.runUntil(2_000 * MS);
        VcpuStats a1 = vms[0].stats();
        VcpuStats b1 = vms[1].stats();
        assertThat(gen[0].sent()).isEqualTo(N);
        assertThat(sunk[0]).as("every datagram arrived").isEqualTo(N);
        // The receiver runs no program of its own, so all its exits are the packets' (EOI and HLT included).
        // The sender's generator ticks add timer exits; count its NIC exits (MMIO, in-kernel or user space).
        return new Figures(virtio ? "virtio" : "e1000",
                (a1.exits(dev.iovirt.vmm.vmx.ExitReason.EPT_VIOLATION) - a0.exits(dev.iovirt.vmm.vmx.ExitReason.EPT_VIOLATION)) / (double) N,
                (a1.userSpaceExits - a0.userSpaceExits) / (double) N,
                (b1.exits - b0.exits) / (double) N,
                (b1.userSpaceExits - b0.userSpaceExits) / (double) N,
                (interrupts[1].getAsLong() - irq0) / (double) N,
                (lab.host.costModel().cycles(b1) - lab.host.costModel().cycles(b0)) / N);
    }

    private static void start(Kernel k, NetStack stack, UdpTrafficGenerator[] gen, int ratePps, int burst) {
        k.spawn(new Ping(stack, Ipv4Address.of("10.0.0.2"), 1, MS, 8, MS));
        gen[0] = new UdpTrafficGenerator(stack, 40000, Ipv4Address.of("10.0.0.2"), 9, ratePps, 64, N, burst);
        k.addTimer(10 * MS, () -> k.spawn(gen[0]));
    }

    @Test
    void virtioCostsFewerExitsAndInterruptsPerPacketThanE1000AtLightAndHeavyLoad() {
        Figures e1000Light = run(false, 1000, 1);
        Figures virtioLight = run(true, 1000, 1);
        Figures e1000Heavy = run(false, 32_000, 32);
        Figures virtioHeavy = run(true, 32_000, 32);
        System.out.println("light load (1 packet/ms):\n  " + e1000Light + "\n  " + virtioLight);
        System.out.println("heavy load (bursts of 32):\n  " + e1000Heavy + "\n  " + virtioHeavy);

        // e1000: every register access is a user-space exit; virtio's only exit on the data path is the
        // in-kernel kick, and receive needs none.
        assertThat(e1000Light.txUserSpace()).isEqualTo(1.0);
        assertThat(virtioLight.txUserSpace()).isZero();
        assertThat(e1000Light.rxUserSpace()).isEqualTo(2.0);
        assertThat(virtioLight.rxUserSpace()).isZero();
        assertThat(virtioLight.rxExits()).isLessThan(e1000Light.rxExits());
        assertThat(virtioLight.modeledRxCyclesPerPacket()).isLessThan(e1000Light.modeledRxCyclesPerPacket());
        // Under load both batch: e1000 writes TDT once per burst (as Linux's xmit_more) and takes one
        // interrupt per burst; its exits are still user-space ones, virtio's kick an in-kernel one, and
        // virtio's receive needs no register access at all.
        assertThat(e1000Heavy.txUserSpace()).isGreaterThan(0).isLessThan(0.1);
        assertThat(virtioHeavy.txUserSpace()).isZero();
        assertThat(virtioHeavy.txExits()).isLessThan(0.1);
        assertThat(virtioHeavy.rxUserSpace()).isZero();
        assertThat(virtioHeavy.rxExits()).isLessThan(e1000Heavy.rxExits());
        assertThat(virtioHeavy.rxInterrupts()).isLessThanOrEqualTo(e1000Heavy.rxInterrupts());
        assertThat(virtioHeavy.modeledRxCyclesPerPacket()).isLessThan(e1000Heavy.modeledRxCyclesPerPacket());
    }
}
