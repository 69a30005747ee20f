package dev.iovirt.guest.virtio;

import static dev.iovirt.guest.virtio.VirtioLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.guest.virtio.VirtioLab.Machine;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.vmx.ExitReason;
import org.junit.jupiter.api.Test;

/**
 * What a packet costs over virtio-net with EVENT_IDX, in exits and interrupts, at light and at heavy
 * load. a sends UDP datagrams to a sink on b after one ping has resolved ARP and backed the rings.
 */
class VirtioExitsPerPacketTest {
    static final int N = 320;

    record Cost(long txKicks, long txMmioExits, long txUserSpaceExits, long rxInterrupts, long rxMmioExits,
                long rxUserSpaceExits, long rxExits, long sunk) {
    }

    static Cost run(int ratePps, int burst, boolean packed) {
        VirtioLab lab = new VirtioLab();
        lab.packed = packed;
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        long[] sunk = new long[1];
        Machine a = lab.machine("a", "52:54:00:00:01:0a", "10.0.0.1", m -> {
            m.kernel.spawn(new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 1, MS, 8, MS));
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), 9, ratePps, 64, N, burst);
            m.kernel.addTimer(10 * MS, () -> m.kernel.spawn(gen[0]));
        });
        Machine b = lab.machine("b", "52:54:00:00:01:0b", "10.0.0.2", m -> m.stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++));
        lab.cable(a, b);
        lab.steps.runUntil(5 * MS);
        VcpuStats a0 = a.vm.stats();
        VcpuStats b0 = b.vm.stats();
        long kicks0 = a.driver.kicks();
        long irq0 = b.driver.interrupts();
        lab.steps.runUntil(2_000 * MS);
        VcpuStats a1 = a.vm.stats();
        VcpuStats b1 = b.vm.stats();
        assertThat(gen[0].sent()).isEqualTo(N);
        return new Cost(a.driver.kicks() - kicks0,
                a1.exits(ExitReason.EPT_VIOLATION) - a0.exits(ExitReason.EPT_VIOLATION), a1.userSpaceExits - a0.userSpaceExits,
                b.driver.interrupts() - irq0,
                b1.exits(ExitReason.EPT_VIOLATION) - b0.exits(ExitReason.EPT_VIOLATION), b1.userSpaceExits - b0.userSpaceExits,
                b1.exits - b0.exits, sunk[0]);
    }

    @Test
    void atLightLoadEachPacketCostsOneInKernelKickAndOneInterrupt() {
        Cost c = run(1000, 1, false); // one datagram per millisecond: each travels alone
        assertThat(c.sunk()).isEqualTo(N);
        // Transmit: after each drain the device re-arms avail_event at its next entry (popOrEnableNotification),
        // so every lone packet crosses it and kicks: one write to the notify register, an ioeventfd — an
        // in-kernel exit. Descriptors and buffers are guest memory; completions are reaped from the used
        // ring without an interrupt (the transmit queue's used_event is never reached). So 1 exit, 0 to user space.
        assertThat(c.txKicks()).isEqualTo(N);
        assertThat(c.txMmioExits()).isEqualTo(N);
        assertThat(c.txUserSpaceExits()).isZero();
        // Receive: one MSI-X per packet (used_event re-armed at the next buffer after each poll); the handler
        // and the poll touch only guest memory, and refills need no kick (the device said NO_NOTIFY): no MMIO
        // exit at all. What remains per packet is the interrupt's EOI (WRMSR) and the HLT after it.
        assertThat(c.rxInterrupts()).isEqualTo(N);
        assertThat(c.rxMmioExits()).isZero();
        assertThat(c.rxUserSpaceExits()).isZero();
        assertThat(c.rxExits()).isEqualTo(2L * N);
    }

    @Test
    void atHeavyLoadEventIdxMakesExitsPerPacketFallWellBelowOne() {
        Cost light = run(1000, 1, false);
        Cost heavy = run(32_000, 32, false); // bursts of 32 back to back, one burst per millisecond
        assertThat(heavy.sunk()).isEqualTo(N);
        // A burst kicks once: after the first publish crosses avail_event, the device has not drained yet and
        // the next 31 publishes are below its new event index. It interrupts once: the poll takes all 32.
        // (When the step driver happens to pump the cable in the middle of a burst, that burst costs two:
        // hence a range rather than exactly one per burst.)
        assertThat(heavy.txKicks()).isBetween((long) N / 32, 2L * N / 32);
        assertThat(heavy.rxInterrupts()).isBetween((long) N / 32, 2L * N / 32);
        double lightTx = light.txMmioExits() / (double) N;
        double heavyTx = heavy.txMmioExits() / (double) N;
        double lightRx = light.rxExits() / (double) N;
        double heavyRx = heavy.rxExits() / (double) N;
        System.out.printf("virtio exits/packet: tx %.3f -> %.3f, rx %.3f -> %.3f; interrupts/packet rx %.3f -> %.3f%n",
                lightTx, heavyTx, lightRx, heavyRx, light.rxInterrupts() / (double) N, heavy.rxInterrupts() / (double) N);
        assertThat(heavyTx).isLessThan(0.1).isLessThan(lightTx);
        assertThat(heavyRx).isLessThan(0.1).isLessThan(lightRx);
    }

    @Test
    void packedRingsCostTheSameAsSplitRings() {
        Cost split = run(32_000, 32, false);
        Cost packed = run(32_000, 32, true);
        assertThat(packed.sunk()).isEqualTo(N);
        assertThat(packed.txKicks()).isBetween((long) N / 32, 2L * N / 32);
        assertThat(packed.rxInterrupts()).isBetween((long) N / 32, 2L * N / 32);
        assertThat(split.rxMmioExits()).isZero();
        assertThat(packed.rxMmioExits()).isZero();
    }
}
