package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.packet.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * What a packet costs over the e1000, in exits, derived from the register accesses the driver makes.
 * a sends N 64-byte UDP datagrams to a sink socket on b, one per millisecond (so each is received on
 * its own interrupt), after one ping has resolved ARP both ways and backed every page the rings use.
 */
class E1000ExitsPerPacketTest {
    private static final int N = 50;

    @Test
    void exitsPerTransmittedAndReceivedPacketFollowFromTheDriversRegisterAccesses() {
        E1000Lab lab = new E1000Lab();
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        long[] sunk = new long[1];
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            m.kernel.spawn(new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 1, MS, 8, MS));
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), 9, 1000, 64, N);
            m.kernel.addTimer(10 * MS, () -> m.kernel.spawn(gen[0]));
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> m.stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++));
        lab.cable(a, b);
        lab.steps.runUntil(5 * MS); // boot, ARP, one ping and its reply
        assertThat(a.stack.arp().lookup(Ipv4Address.of("10.0.0.2"), lab.clock.nanos())).isNotNull();

        VcpuStats a0 = a.vm.stats();
        VcpuStats b0 = b.vm.stats();
        long aReads = a.driver.registerReads();
        long aWrites = a.driver.registerWrites();
        long bReads = b.driver.registerReads();
        long bWrites = b.driver.registerWrites();
        long bInterrupts = b.driver.interrupts();
        lab.steps.runUntil(1_000 * MS);
        VcpuStats a1 = a.vm.stats();
        VcpuStats b1 = b.vm.stats();

        assertThat(gen[0].sent()).isEqualTo(N);
        assertThat(sunk[0]).isEqualTo(N);
        long aRegisterAccesses = a.driver.registerReads() - aReads + a.driver.registerWrites() - aWrites;
        long bRegisterAccesses = b.driver.registerReads() - bReads + b.driver.registerWrites() - bWrites;

        // Transmit side (a). The driver's transmit path makes exactly one register access per packet:
        // the TDT write (descriptor and buffer are guest memory; completions are reaped by reading DD in
        // memory; TXDW is masked, so no interrupt). Each register access is an MMIO access to BAR 0,
        // which EPT does not map: one EPT-violation exit forwarded to user space. So: 1 exit per packet.
        assertThat(a.driver.registerWrites() - aWrites).isEqualTo(N);
        assertThat(a.driver.registerReads() - aReads).isZero();
        assertThat(a1.userSpaceExits - a0.userSpaceExits).isEqualTo(aRegisterAccesses).isEqualTo(N);
        assertThat(a1.exits(ExitReason.EPT_VIOLATION) - a0.exits(ExitReason.EPT_VIOLATION)).isEqualTo(N);
        assertThat(a.nic.mmioWrites()).isEqualTo(a.driver.registerWrites()); // the device saw what the driver did

        // Receive side (b). Per packet: one MSI (injected at VM entry, no exit of its own); the handler
        // reads ICR (1 register access); the receive task finds one descriptor with DD and writes RDT
        // once (1 register access): 2 MMIO exits. The kernel then sends the EOI (WRMSR to the x2APIC,
        // 1 in-kernel exit) and, idle again, halts (HLT, 1 in-kernel exit).
        assertThat(b.driver.interrupts() - bInterrupts).isEqualTo(N);
        assertThat(bRegisterAccesses).isEqualTo(2L * N);
        assertThat(b1.userSpaceExits - b0.userSpaceExits).isEqualTo(bRegisterAccesses);
        assertThat(b1.exits(ExitReason.EPT_VIOLATION) - b0.exits(ExitReason.EPT_VIOLATION)).isEqualTo(2L * N);
        assertThat(b1.exits(ExitReason.WRMSR) - b0.exits(ExitReason.WRMSR)).isEqualTo(N);
        assertThat(b1.exits(ExitReason.HLT) - b0.exits(ExitReason.HLT)).isEqualTo(N);
        assertThat(b1.injections - b0.injections).isEqualTo(N);
        assertThat(b1.exits - b0.exits).isEqualTo(4L * N);
        System.out.printf("e1000 exits/packet: tx %.2f user-space (%.2f total), rx %.2f user-space (%.2f total); modeled cycles/packet rx %d%n",
                (a1.userSpaceExits - a0.userSpaceExits) / (double) N, (a1.exits - a0.exits) / (double) N,
                (b1.userSpaceExits - b0.userSpaceExits) / (double) N, (b1.exits - b0.exits) / (double) N,
                (lab.host.costModel().cycles(b1) - lab.host.costModel().cycles(b0)) / N);
        // a's other exits are its traffic generator's, not the NIC's: each tick is a timer interrupt (EOI:
        // 1 WRMSR), two TSC-deadline writes (the kernel re-arms its one deadline for the pending 1 s ARP
        // retry timer after the tick, then for the generator's next tick) and a HLT: 4 more per packet.
        assertThat(a1.exits(ExitReason.WRMSR) - a0.exits(ExitReason.WRMSR)).isBetween(3L * N, 3L * N + 3);
    }

    @Test
    void inBurstsOf32TheSenderRingsOneDoorbellAndTheReceiverTakesOneInterruptPerBurst() {
        E1000Lab lab = new E1000Lab();
        UdpTrafficGenerator[] gen = new UdpTrafficGenerator[1];
        long[] sunk = new long[1];
        int bursts = 3;
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            m.kernel.spawn(new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 1, MS, 8, MS));
            // 32,000/s in bursts of 32: the generator wakes at 10 ms (1 due), then each millisecond (32 due).
            gen[0] = new UdpTrafficGenerator(m.stack, 40000, Ipv4Address.of("10.0.0.2"), 9, 32_000, 64, 1 + (bursts - 1) * 32, 32);
            m.kernel.addTimer(10 * MS, () -> m.kernel.spawn(gen[0]));
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> m.stack.bindUdp(9, (s, src, port, p, o, l) -> sunk[0]++));
        lab.cable(a, b);
        lab.steps.runUntil(5 * MS);
        VcpuStats a0 = a.vm.stats();
        VcpuStats b0 = b.vm.stats();
        long bInterrupts = b.driver.interrupts();
        lab.steps.runUntil(1_000 * MS);
        VcpuStats a1 = a.vm.stats();
        VcpuStats b1 = b.vm.stats();
        long packets = 1 + (bursts - 1) * 32;
        assertThat(sunk[0]).isEqualTo(packets);

        // Sender: the stack brackets each wake-up's datagrams with setXmitMore(true/false); the driver
        // writes their descriptors and TDT once when the batch ends: one exit per wake-up, however
        // many packets it carries (1, 32, 32).
        assertThat(a1.userSpaceExits - a0.userSpaceExits).isEqualTo(bursts);
        // Receiver: the device processed the burst at the TDT write; the cable moves it as one batch of
        // up to 32; the device fills 32 descriptors and asserts its interrupt once (ICR is not read in
        // between); the receive task takes all 32 (budget 64) and writes RDT once: 2 exits per burst.
        assertThat(b.driver.interrupts() - bInterrupts).isEqualTo(bursts);
        assertThat(b1.userSpaceExits - b0.userSpaceExits).isEqualTo(2L * bursts);
        System.out.printf("e1000 exits/packet in bursts of 32: tx %.3f, rx %.3f user-space%n",
                (a1.userSpaceExits - a0.userSpaceExits) / (double) packets, (b1.userSpaceExits - b0.userSpaceExits) / (double) packets);
    }
}
