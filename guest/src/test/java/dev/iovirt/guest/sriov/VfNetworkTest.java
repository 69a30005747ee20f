package dev.iovirt.guest.sriov;

import static dev.iovirt.guest.sriov.VfLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.guest.sriov.VfLab.Machine;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.sriov.VfError;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.vmx.ExitReason;
import org.junit.jupiter.api.Test;

/**
 * Two VMs, each with an assigned VF of one SR-IOV NIC, bound by the guest's {@code VfNetDriver} after PCI
 * enumeration, talk through the NIC's embedded switch with their network stacks: ping, then 10,000 UDP
 * datagrams with no data-path exit (doorbells are stores to EPT-mapped pages, interrupts are posted).
 */
class VfNetworkTest {
    static final int N = 10_000;

    @Test
    void twoVmsWithAssignedVfsPingEachOther() {
        VfLab lab = new VfLab(2);
        Ping[] pings = new Ping[2];
        Machine a = lab.machine("a", "02:00:00:00:00:0a", "10.0.0.1", m -> {
            pings[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.spawn(pings[0]);
        });
        Machine b = lab.machine("b", "02:00:00:00:00:0b", "10.0.0.2", m -> {
            pings[1] = new Ping(m.stack, Ipv4Address.of("10.0.0.1"), 3, 10 * MS, 56, 100 * MS);
            m.kernel.addTimer(5 * MS, () -> m.kernel.spawn(pings[1]));
        });
        lab.steps.runUntil(500 * MS);

        assertThat(a.driver.macAddress()).as("granted by the PF through the mailbox").isEqualTo(MacAddress.of("02:00:00:00:00:0a"));
        assertThat(b.driver.macAddress()).isEqualTo(MacAddress.of("02:00:00:00:00:0b"));
        assertThat(a.driver.linkUp()).isTrue();
        assertThat(lab.mailbox.requests()).isEqualTo(2);
        assertThat(pings[0].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(pings[1].summary()).startsWith("3 packets transmitted, 3 received, 0% packet loss");
        assertThat(a.kernel.faults()).isEmpty();
        assertThat(b.kernel.faults()).isEmpty();
        assertThat(lab.iommu.faults()).isEmpty();
        assertThat(a.vm.stopped()).isFalse();
    }

    record Phase(long sent, long sunk, VcpuStats a, VcpuStats b, long posted, long rxInterrupts, long doorbells) {
    }

    /** a sends {@code n} UDP datagrams to a sink on b after one ping resolved ARP; counters cover only the data phase. */
    static Phase run(boolean pollMode, int n, int ratePps, int burst) {
        VfLab lab = new VfLab(2);
        lab.pollMode = pollMode;
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        long[] sunk = new long[1];
        Machine a = lab.machine("a", "02:00:00:00:00:0a", "10.0.0.1", m -> {
            m.kernel.spawn(new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 1, MS, 8, MS));
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), 9, ratePps, 64, n, burst);
            m.kernel.addTimer(10 * MS, () -> m.kernel.spawn(gen[0]));
        });
        Machine b = lab.machine("b", "02:00:00:00:00:0b", "10.0.0.2", m -> m.stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++));
        lab.steps.runUntil(5 * MS);
        VcpuStats a0 = a.vm.stats();
        VcpuStats b0 = b.vm.stats();
        long posted0 = lab.iommu.stats().interruptsPosted;
        long irq0 = b.driver.interrupts();
        long bells0 = a.driver.doorbells();
        lab.steps.runUntil(10 * MS + (long) n * 1_000_000_000L / ratePps + 50 * MS);
        assertThat(gen[0].sent()).isEqualTo(n);
        assertThat(a.kernel.faults()).isEmpty();
        assertThat(b.kernel.faults()).isEmpty();
        assertThat(lab.iommu.faults()).isEmpty();
        assertThat(b.vf.errors(VfError.RX_NO_BUFFER)).isZero();
        assertThat(lab.veb.uplinkOut()).as("only ARP broadcasts leave by the uplink").isLessThanOrEqualTo(2);
        VcpuStats da = a.vm.stats().since(a0);
        VcpuStats db = b.vm.stats().since(b0);
        return new Phase(gen[0].sent(), sunk[0], da, db, lab.iommu.stats().interruptsPosted - posted0,
                b.driver.interrupts() - irq0, a.driver.doorbells() - bells0);
    }

    @Test
    void tenThousandUdpDatagramsCostNoMmioAndNoUserSpaceExit() {
        Phase p = run(false, N, 100_000, 32);
        assertThat(p.sunk()).isEqualTo(N);
        for (VcpuStats s : new VcpuStats[] {p.a(), p.b()}) {
            assertThat(s.exits(ExitReason.EPT_VIOLATION)).as("MMIO / EPT violations").isZero();
            assertThat(s.exits(ExitReason.IO_INSTRUCTION)).isZero();
            assertThat(s.userSpaceExits).isZero();
        }
        // Every RX interrupt is posted by the IOMMU; the transmit side rings a doorbell without exiting.
        assertThat(p.rxInterrupts()).isPositive();
        assertThat(p.posted()).isGreaterThanOrEqualTo(p.rxInterrupts());
        assertThat(p.doorbells()).isPositive();
        long otherA = p.a().exits - p.a().exits(ExitReason.HLT) - p.a().exits(ExitReason.WRMSR);
        long otherB = p.b().exits - p.b().exits(ExitReason.HLT) - p.b().exits(ExitReason.WRMSR);
        System.out.printf("VF VM-to-VM: %d datagrams; a exits %d (HLT %d, WRMSR %d), b exits %d (HLT %d, WRMSR %d); "
                        + "posted %d, RX interrupts %d, doorbells %d; other exits a %d b %d%n",
                N, p.a().exits, p.a().exits(ExitReason.HLT), p.a().exits(ExitReason.WRMSR),
                p.b().exits, p.b().exits(ExitReason.HLT), p.b().exits(ExitReason.WRMSR),
                p.posted(), p.rxInterrupts(), p.doorbells(), otherA, otherB);
        assertThat(otherA).as("a: exits other than the idle HLT and the timer's WRMSR").isZero();
        assertThat(otherB).as("b: exits other than the idle HLT and the timer's WRMSR").isZero();
    }

    @Test
    void inPollModeTheReceiverTakesNoInterruptAndOnlyItsIdleSleepsExit() {
        Phase p = run(true, N, 100_000, 32);
        assertThat(p.sunk()).isEqualTo(N);
        // The receiver polls its ring: no RX interrupt and nothing posted. Its only exits are the idle
        // sleeps between polls (the kernel timer's TSC-deadline WRMSR and HLT); no MMIO, no user space.
        assertThat(p.rxInterrupts()).isZero();
        assertThat(p.posted()).isZero();
        for (VcpuStats s : new VcpuStats[] {p.a(), p.b()}) {
            assertThat(s.exits(ExitReason.EPT_VIOLATION)).isZero();
            assertThat(s.exits(ExitReason.IO_INSTRUCTION)).isZero();
            assertThat(s.userSpaceExits).isZero();
            assertThat(s.exits - s.exits(ExitReason.HLT) - s.exits(ExitReason.WRMSR)).isZero();
        }
        System.out.printf("VF VM-to-VM poll mode: %d datagrams; a exits %d, b exits %d (HLT %d, WRMSR %d); posted %d%n",
                N, p.a().exits, p.b().exits, p.b().exits(ExitReason.HLT), p.b().exits(ExitReason.WRMSR), p.posted());
    }

    @Test
    void atLightLoadEachPacketCostsOneDoorbellOnePostedInterruptAndOnlyTheReceiversHlt() {
        int n = 320;
        Phase p = run(false, n, 1000, 1); // one datagram per millisecond: each travels alone
        assertThat(p.sunk()).isEqualTo(n);
        // Transmit: one doorbell per packet, a store into the EPT-mapped page: no exit at all (virtio:
        // one in-kernel exit per kick; e1000: one user-space exit per TDT write).
        assertThat(p.doorbells()).isEqualTo(n);
        assertThat(p.a().exits(ExitReason.EPT_VIOLATION)).isZero();
        // Receive: one posted interrupt per packet; APICv virtualizes the EOI, so the receiver's only exit
        // is the HLT when it goes idle again (virtio's receiver: EOI WRMSR and HLT, 2 per packet).
        assertThat(p.rxInterrupts()).isEqualTo(n);
        assertThat(p.posted()).isEqualTo(n);
        assertThat(p.b().exits).isEqualTo(p.b().exits(ExitReason.HLT)).isEqualTo(n);
        assertThat(p.b().userSpaceExits + p.a().userSpaceExits).isZero();
    }
}
