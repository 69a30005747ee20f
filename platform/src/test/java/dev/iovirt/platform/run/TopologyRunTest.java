package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.platform.topology.NicAttachment.Model;
import dev.iovirt.platform.topology.Rate;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import dev.iovirt.vmm.cost.VcpuStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopologyRunTest {
    private static Topology parse(String yaml) throws Exception {
        return TopologyLoader.parse("test.yaml", yaml).orElseThrow();
    }

    /** Two VMs a (10.0.0.1) and b (10.0.0.2) with NICs of {@code model} on one host and one network, then {@code rest}. */
    private static Topology twoVms(String model, String rest) throws Exception {
        return parse("""
                name: two-vms
                hosts: [ { name: hv1 } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: a, host: hv1, nics: [ { network: lan, model: %s, ip: 10.0.0.1 } ] }
                  - { name: b, host: hv1, nics: [ { network: lan, model: %s, ip: 10.0.0.2 } ] }
                """.formatted(model, model) + rest);
    }

    private static final String TWO_PATHS = """
            name: two-paths
            hosts: [ { name: hv1 } ]
            networks: [ { name: lan, vni: 100, subnet: 10.0.0.0/24 } ]
            vms:
              - { name: emu, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] }
              - { name: vio, host: hv1, nics: [ { network: lan, model: virtio, ip: 10.0.0.2 } ] }
            traffic:
              - ping: { from: emu, to: vio, count: 4, interval: 10ms }
              - udp:  { from: vio, to: emu, port: 9000, rate: 5kpps, duration: 100ms, size: 64 }
            """;

    @Test
    void twoGuestsOnDifferentIoPathsReachEachOtherThroughTheHostSwitch() throws Exception {
        TopologyRun run = TopologyRun.build(parse(TWO_PATHS));
        assertThat(run.run(Duration.ofSeconds(10))).isTrue();

        TopologyRun.TrafficRun ping = run.traffic().get(0);
        assertThat(ping.sent()).isEqualTo(4);
        assertThat(ping.received()).isEqualTo(4);
        TopologyRun.TrafficRun udp = run.traffic().get(1);
        assertThat(udp.sent()).isEqualTo(500);
        assertThat(udp.received()).isEqualTo(500);
        assertThat(run.bridge("hv1").ports()).hasSize(2);
        assertThat(run.vms().get(1).port().counters().rxPackets).as("frames the virtio guest sent").isGreaterThanOrEqualTo(500);
    }

    @Test
    void theEmulatedNicTakesUserSpaceExitsAndTheVirtioNicNone() throws Exception {
        TopologyRun run = TopologyRun.build(parse(TWO_PATHS));
        run.run(Duration.ofSeconds(10));
        TopologyRun.RunningVm emu = run.vms().get(0);
        TopologyRun.RunningVm vio = run.vms().get(1);
        assertThat(emu.model()).isEqualTo(Model.E1000);
        VcpuStats e = emu.sinceBoot();
        VcpuStats v = vio.sinceBoot();
        // e1000: its driver's register accesses (RDT, ICR, IMS) exit to the user-space device model.
        assertThat(e.userSpaceExits).isGreaterThan(500);
        // virtio: kicks are ioeventfd exits handled in the kernel; nothing goes to user space.
        assertThat(v.userSpaceExits).isZero();
        assertThat(v.inKernelExits).isGreaterThanOrEqualTo(500);
        assertThat(emu.cyclesSinceBoot()).isPositive();
    }

    @Test
    void sinceBootLeavesOutPciEnumerationAndDriverSetUp() throws Exception {
        TopologyRun run = TopologyRun.build(parse("""
                name: idle
                hosts: [ { name: hv1 } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms: [ { name: a, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] } ]
                """));
        TopologyRun.RunningVm a = run.vms().get(0);
        assertThat(a.vm().stats().userSpaceExits).as("boot touched the NIC's registers").isPositive();
        assertThat(a.sinceBoot().userSpaceExits).isZero();
        assertThat(run.run(Duration.ofMillis(50))).as("no traffic: done at once").isTrue();
    }

    @Test
    void appliancesAndChainsARunCannotPlaceAreRefusedWithEveryReason() throws Exception {
        Topology t = parse("""
                name: refused
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: in, vni: 1, subnet: 10.0.0.0/24 }
                  - { name: out, vni: 2, subnet: 10.0.1.0/24 }
                vms:
                  - { name: a, host: hv1, nics: [ { network: in, ip: 10.0.0.2 } ] }
                  - { name: b, host: hv1, nics: [ { network: out, ip: 10.0.1.2 } ] }
                appliances:
                  - { name: nat1, kind: nat, inside: in, outside: out }
                  - { name: fw1, kind: firewall, rules: [ { allow: any } ] }
                  - { name: fw2, kind: firewall, rules: [ { allow: any } ] }
                  - { name: lb1, kind: load-balancer, vip: 10.0.0.100:80, backends: [a] }
                  - { name: r1, kind: router, networks: [in, out] }
                chains:
                  - { name: c1, from: in, to: out, through: [fw2, r1] }
                  - { name: c2, from: out, to: in, through: [fw2] }
                traffic:
                  - ping: { from: a, to: b }
                  - ping: { from: a, to: b }
                """);
        assertThatThrownBy(() -> TopologyRun.build(t)).isInstanceOfSatisfying(NotRunnableException.class,
                e -> assertThat(e.reasons()).containsExactly(
                        "appliance nat1: a NAT appliance in a run is not built yet (the nfv module's NAT runs in its own tests)",
                        "firewall fw1 is in no chain, so no traffic would reach it — name it in a chain's 'through'",
                        "fw2 is in chains c1 and c2: an appliance serves one chain — define one per chain",
                        "load balancer lb1 is in no chain — it runs as a hop of a chain to its VIP's network, e.g. "
                                + "{ name: to-in, from: CLIENTS, to: in, through: [lb1] }",
                        "chain c1: router r1 is not a hop — it connects the chain's networks by itself; take it out of 'through'",
                        "2 pings from a: one ping per VM at a time for now"));
    }

    @Test
    void aChainBetweenNetworksNoRouterConnectsIsRefused() throws Exception {
        Topology t = parse("""
                name: unrouted
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: in, vni: 1, subnet: 10.0.0.0/24 }
                  - { name: out, vni: 2, subnet: 10.0.1.0/24 }
                appliances:
                  - { name: fw1, kind: firewall, rules: [ { allow: any } ] }
                chains:
                  - { name: c1, from: in, to: out, through: [fw1] }
                """);
        assertThatThrownBy(() -> TopologyRun.build(t)).isInstanceOfSatisfying(NotRunnableException.class,
                e -> assertThat(e.reasons()).containsExactly(
                        "chain c1: no router connects in and out — add one, e.g. { name: r1, kind: router, networks: [in, out] }"));
    }

    @Test
    void aBitRateBecomesPacketsPerSecondOfTheFrameSize() {
        assertThat(TopologyRun.packetsPerSecond(Rate.bps(1_000_000), 125)).isEqualTo(1000);
        assertThat(TopologyRun.packetsPerSecond(Rate.pps(42), 1500)).isEqualTo(42);
        assertThat(TopologyRun.packetsPerSecond(Rate.bps(1), 64)).as("at least one packet per second").isEqualTo(1);
    }

    @Test
    void trafficThatCannotFinishStopsAtTheLimit() throws Exception {
        TopologyRun run = TopologyRun.build(twoVms("virtio", """
                traffic:
                  - ping: { from: a, to: b, count: 100, interval: 1s }
                """));
        assertThat(run.run(Duration.ofSeconds(5))).isFalse();
        assertThat(run.nanos()).isEqualTo(5_000_000_000L);
        assertThat(run.traffic().get(0).sent()).isBetween(5L, 6L);
    }

    @Test
    void costOverridesOfTheTopologyPriceTheExitsAndUnknownCostsAreRefused() throws Exception {
        String traffic = """
                traffic:
                  - ping: { from: a, to: b, count: 2, interval: 10ms }
                """;
        TopologyRun priced = TopologyRun.build(twoVms("e1000", traffic + "cost-model: { user-space-exit: 1000000 }\n"));
        priced.run(Duration.ofSeconds(5));
        TopologyRun.RunningVm a = priced.vms().get(0);
        assertThat(a.cyclesSinceBoot()).isGreaterThanOrEqualTo(a.sinceBoot().userSpaceExits * 1_000_000);

        assertThatThrownBy(() -> TopologyRun.build(twoVms("e1000", traffic + "cost-model: { vmexit-io: 10 }\n")))
                .isInstanceOfSatisfying(NotRunnableException.class, e -> assertThat(e.reasons()).containsExactly(
                        "cost-model: the cost model has no cost 'vmexit-io' (it has hypercall, in-kernel-exit, user-space-exit, walk-reference)"));
    }

    @Test
    void networksAreSeparateBroadcastDomainsEvenWithOverlappingSubnets() throws Exception {
        TopologyRun run = TopologyRun.build(parse("""
                name: overlap
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: red, vni: 1, subnet: 10.0.0.0/24 }
                  - { name: blue, vni: 2, subnet: 10.0.0.0/24 }
                vms:
                  - { name: r1, host: hv1, nics: [ { network: red, model: virtio, ip: 10.0.0.1 } ] }
                  - { name: r2, host: hv1, nics: [ { network: red, model: e1000, ip: 10.0.0.2 } ] }
                  - { name: b1, host: hv1, nics: [ { network: blue, model: virtio, ip: 10.0.0.3 } ] }
                traffic:
                  - ping: { from: r1, to: r2, count: 2, interval: 10ms }
                  - ping: { from: b1, to: 10.0.0.1, count: 2, interval: 10ms }
                """));
        assertThat(run.run(Duration.ofSeconds(5))).isTrue();
        assertThat(run.traffic().get(0).received()).isEqualTo(2);
        assertThat(run.traffic().get(1).received()).as("blue cannot reach red").isZero();
        TopologyRun.RunningVm r1 = run.vms().get(0);
        TopologyRun.RunningVm b1 = run.vms().get(2);
        assertThat(b1.port().counters().rxPackets).as("b1 asked (ARP)").isPositive();
        // r1 got r2's ARP request, r2's ARP reply and two echo replies; nothing of b1's.
        assertThat(r1.port().counters().txPackets).isEqualTo(3);
    }

    @Test
    void aNetworkSpansTwoHypervisorsOverVxlanAndAnotherStaysApart() throws Exception {
        try (TopologyRun run = TopologyRun.build(parse("""
                name: two-hosts
                hosts: [ { name: hv1 }, { name: hv2 } ]
                networks:
                  - { name: front, vni: 5001, subnet: 10.10.1.0/24 }
                  - { name: back, vni: 5002, subnet: 10.10.2.0/24 }
                vms:
                  - { name: web1, host: hv1, nics: [ { network: front, model: virtio, ip: 10.10.1.11 } ] }
                  - { name: web2, host: hv2, nics: [ { network: front, model: e1000, ip: 10.10.1.12 } ] }
                  - { name: web3, host: hv2, nics: [ { network: front, model: virtio, ip: 10.10.1.13 } ] }
                  - { name: db1, host: hv1, nics: [ { network: back, model: virtio, ip: 10.10.2.21 } ] }
                traffic:
                  - ping: { from: web1, to: web2, count: 3, interval: 10ms }
                  - udp: { from: web3, to: web1, port: 9000, rate: 2kpps, duration: 100ms, size: 128 }
                """))) {
            assertThat(run.run(Duration.ofSeconds(10))).isTrue();
            assertThat(run.traffic().get(0).received()).isEqualTo(3);
            assertThat(run.traffic().get(1).received()).isEqualTo(200);
            // Each hypervisor's switch: its vNICs and one tunnel port to the other.
            assertThat(run.bridge("hv1").ports()).extracting(p -> p.name()).containsExactly("web1.eth0", "db1.eth0", "vxlan-hv2");
            assertThat(run.bridge("hv2").ports()).extracting(p -> p.name()).containsExactly("web2.eth0", "web3.eth0", "vxlan-hv1");
            TopologyRun.RunningVm db1 = run.vms().get(3);
            assertThat(db1.port().counters().txPackets).as("nothing of front reaches back").isZero();
            // web1 heard web2's ARP request, the three echo replies and the 200 datagrams, all through the tunnel.
            assertThat(run.vms().get(0).port().counters().txPackets).isEqualTo(1 + 3 + 200 + 1);
        }
    }

    private static final String IMPAIRED = """
            name: impaired
            hosts: [ { name: hv1 }, { name: hv2 } ]
            networks: [ { name: lan, vni: 9, subnet: 10.0.0.0/24 } ]
            vms:
              - { name: a, host: hv1, nics: [ { network: lan, model: virtio, ip: 10.0.0.1 } ] }
              - { name: b, host: hv2, nics: [ { network: lan, model: virtio, ip: 10.0.0.2, impair: { delay: 100us } } ] }
              - { name: c, host: hv2, nics: [ { network: lan, model: e1000, ip: 10.0.0.3, impair: { loss: 20% } } ] }
            traffic:
              - ping: { from: a, to: b, count: 5, interval: 10ms }
              - udp: { from: a, to: c, port: 9000, rate: 1kpps, duration: 1s, size: 64 }
            links:
              - { between: [hv1, hv2], delay: 1ms, rate: 10Mbps }
            """;

    @Test
    void linkAndVnicImpairmentsShapeTheRoundTripOnVirtualTime() throws Exception {
        try (TopologyRun run = TopologyRun.build(parse(IMPAIRED))) {
            assertThat(run.run(Duration.ofSeconds(10))).isTrue();
            TopologyRun.TrafficRun ping = run.traffic().get(0);
            assertThat(ping.received()).isEqualTo(5);
            // Each way: the link's 1 ms, a 98-byte frame serialized at 10 Mb/s (78,400 ns), b's vNIC 100 µs.
            long oneWay = 1_000_000 + 98 * 8 * 1_000_000_000L / 10_000_000 + 100_000;
            for (int seq = 1; seq < 5; seq++) {
                assertThat(ping.ping.rttNanos(seq)).as("seq " + seq).isEqualTo(2 * oneWay);
            }
            // The first also waited for ARP; the median is the steady round trip.
            assertThat(RunReport.of(run, true).traffic().get(0).rttP50Ms()).isEqualTo(2 * oneWay / 1e6);
        }
    }

    @Test
    void vnicLossDropsItsShareAndTheSameRunLosesTheSameFrames() throws Exception {
        long[] received = new long[2];
        for (int i = 0; i < 2; i++) {
            try (TopologyRun run = TopologyRun.build(parse(IMPAIRED))) {
                assertThat(run.run(Duration.ofSeconds(10))).isTrue();
                received[i] = run.traffic().get(1).received();
                assertThat(RunReport.of(run, true).nics().get(2).lost()).isEqualTo(1000 - received[i]);
            }
        }
        assertThat(received[0]).isBetween(740L, 860L).isEqualTo(received[1]);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] ms = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
        assertThat(RunReport.percentileMs(ms, 50)).isEqualTo(2.0);
        assertThat(RunReport.percentileMs(ms, 90)).isEqualTo(4.0);
        assertThat(RunReport.percentileMs(new long[0], 50)).isNull();
    }
}
