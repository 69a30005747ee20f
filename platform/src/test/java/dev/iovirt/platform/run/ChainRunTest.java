package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.programs.TcpConnectGenerator;
import dev.iovirt.nfv.lb.Maglev;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service chain in a run, end to end: clients on one network reach a load balancer's VIP through a
 * chain firewall → load balancer whose appliances are VMs on two hypervisors, with a router between
 * the networks; the controller renders the chain (networking-sfc), the firewall's and the load
 * balancer's poll loops carry TCP connections both ways.
 */
class ChainRunTest {
    static final String TOPOLOGY = """
            name: chain
            hosts:
              - { name: hv1 }
              - { name: hv2 }
            networks:
              - { name: front, vni: 1000, subnet: 10.0.0.0/24 }
              - { name: web, vni: 1001, subnet: 10.0.1.0/24 }
            vms:
              - { name: client1, host: hv2, nics: [ { network: front, model: virtio, ip: 10.0.0.11 } ] }
              - { name: client2, host: hv1, nics: [ { network: front, model: e1000, ip: 10.0.0.12 } ] }
              - { name: web1, host: hv1, nics: [ { network: web, model: virtio, ip: 10.0.1.11 } ] }
              - { name: web2, host: hv1, nics: [ { network: web, model: virtio, ip: 10.0.1.12 } ] }
              - { name: web3, host: hv2, nics: [ { network: web, model: e1000, ip: 10.0.1.13 } ] }
            appliances:
              - { name: r1, kind: router, host: hv1, networks: [front, web] }
              - { name: fw1, kind: firewall, host: hv2,
                  rules: [ { allow: tcp, from: front, to: web, port: 80 }, { deny: any } ] }
              - { name: lb1, kind: load-balancer, host: hv1, vip: 10.0.1.100:80, backends: [web1, web2, web3] }
            chains:
              - { name: front-to-web, from: front, to: web, through: [fw1, lb1] }
            traffic:
              - tcp: { from: client1, to: 10.0.1.100, port: 80, connections: 60, bytes: 3KiB }
              - tcp: { from: client2, to: 10.0.1.100, port: 80, connections: 40, concurrency: 4, bytes: 1KiB }
              - udp: { from: client1, to: web1, port: 9000, rate: 1000pps, duration: 100ms }
            captures:
              - { points: [fw1.eth0, fw1.eth1, lb1.eth0, lb1.eth1], file: hops.pcapng }
            """;
    static final Ipv4Address VIP = Ipv4Address.of("10.0.1.100");
    static final List<String> POINTS = List.of("fw1.eth0", "fw1.eth1", "lb1.eth0", "lb1.eth1");

    @TempDir
    static Path dir;
    static RunReport report;
    static List<TopologyRun.TrafficRun> traffic;
    static List<CapturedFrame> frames;

    @BeforeAll
    static void run() throws Exception {
        Path file = dir.resolve("chain.yaml");
        java.nio.file.Files.writeString(file, TOPOLOGY);
        Topology t = TopologyLoader.load(file).orElseThrow();
        try (TopologyRun run = TopologyRun.build(t, dir)) {
            assertThat(run.run(Duration.ofSeconds(30))).isTrue();
            report = RunReport.of(run, true);
            traffic = run.traffic();
        }
        try (CaptureReader r = CaptureReader.open(dir.resolve("hops.pcapng"))) {
            frames = r.readAll();
        }
    }

    @Test
    void everyConnectionThroughTheChainCompletesAndTheDeniedFlowNeverReachesItsTarget() {
        assertThat(traffic.get(0).tcp.completed()).isEqualTo(60);
        assertThat(traffic.get(1).tcp.completed()).isEqualTo(40);
        assertThat(traffic.get(0).tcp.results()).allMatch(r -> r.bytesEchoed() == 3 * 1024 && r.retransmissions() == 0);
        // UDP from front to web is classified into the chain too, and the firewall's 'deny any' drops it.
        assertThat(traffic.get(2).sent()).isEqualTo(100);
        assertThat(traffic.get(2).received()).isZero();
        RunReport.Appliance fw = appliance("fw1");
        assertThat(fw.counters()).containsEntry("rule-1-packets", 100L).containsEntry("connections-opened", 100L);
    }

    @Test
    void theLoadBalancerSpreadsTheConnectionsExactlyAsItsMaglevTablePredicts() {
        int[] table = Maglev.populate(List.of("web1", "web2", "web3"), Maglev.DEFAULT_SIZE);
        Map<String, Long> predicted = new HashMap<>(Map.of("web1", 0L, "web2", 0L, "web3", 0L));
        byte[] scratch = new byte[Maglev.FLOW_KEY_BYTES];
        Ipv4Address[] clients = {Ipv4Address.of("10.0.0.11"), Ipv4Address.of("10.0.0.12")};
        for (int i = 0; i < 2; i++) {
            for (TcpConnectGenerator.Result r : traffic.get(i).tcp.results()) {
                int hash = Maglev.flowHash(clients[i].bits(), VIP.bits(), r.sourcePort(), 80, IpProtocol.TCP, scratch);
                predicted.merge("web" + (table[Maglev.slot(hash, Maglev.DEFAULT_SIZE)] + 1), 1L, Long::sum);
            }
        }
        RunReport.Appliance lb = appliance("lb1");
        for (String b : List.of("web1", "web2", "web3")) {
            assertThat(lb.counters()).as(b).containsEntry("backend-" + b + "-connections", predicted.get(b));
            assertThat(lb.counters()).as(b).containsEntry("backend-" + b + "-up", 1L);
        }
        assertThat(predicted.values()).allMatch(n -> n > 0);
    }

    @Test
    void eachSynCrossesTheHopsInChainOrderAndReachesItsBackendRewritten() {
        // The capture's points, in order, where each SYN to the VIP was seen: its path through the chain.
        Map<Long, List<String>> path = new HashMap<>();
        Map<Long, Integer> backendOf = new HashMap<>();
        FlowKey key = new FlowKey();
        for (CapturedFrame f : frames) {
            FlowKeyParser.parse(f.data(), 0, f.data().length, 0, key);
            if (key.ipProto() == IpProtocol.TCP && key.tcpFlags() == 0x02 && key.ipv4Src() >>> 8 == Ipv4Address.of("10.0.0.0").bits() >>> 8) {
                long connection = (long) key.ipv4Src() << 16 | key.tpSrc();
                path.computeIfAbsent(connection, p -> new ArrayList<>()).add(f.interfaceName());
                if (f.interfaceName().equals("lb1.eth1")) {
                    backendOf.put(connection, key.ipv4Dst());
                }
            }
        }
        assertThat(path).hasSize(100);
        assertThat(path.values()).allMatch(POINTS::equals);
        assertThat(backendOf.values()).allMatch(ip -> ip != VIP.bits() && ip >>> 8 == Ipv4Address.of("10.0.1.0").bits() >>> 8);
    }

    @Test
    void theControllersPerHopCountersAgreeWithTheCapturesAndTheAppliancesOwnCounts() {
        RunReport.Chain chain = report.chains().get(0);
        assertThat(chain.error()).isNull();
        assertThat(chain.hops()).extracting(RunReport.Hop::appliance, RunReport.Hop::direction)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("fw1", "forward"), org.assertj.core.groups.Tuple.tuple("fw1", "reverse"),
                        org.assertj.core.groups.Tuple.tuple("lb1", "forward"), org.assertj.core.groups.Tuple.tuple("lb1", "reverse"));
        for (RunReport.Hop h : chain.hops()) {
            boolean forward = h.direction().equals("forward");
            // A hop's exit is its egress (eth1) going forward, its ingress (eth0) coming back.
            String exit = h.appliance() + (forward ? ".eth1" : ".eth0");
            int sender = Ipv4Address.of(forward ? "10.0.0.0" : "10.0.1.0").bits() >>> 8;
            long captured = frames.stream().filter(f -> f.interfaceName().equals(exit)).filter(f -> {
                FlowKey k = new FlowKey();
                FlowKeyParser.parse(f.data(), 0, f.data().length, 0, k);
                return k.ipv4Src() >>> 8 == sender;
            }).count();
            RunReport.AppliancePort port = appliance(h.appliance()).ports().get(forward ? 1 : 0);
            assertThat(h.packets()).as(exit).isPositive().isEqualTo(captured).isEqualTo(port.txFrames());
        }
    }

    static RunReport.Appliance appliance(String name) {
        return report.appliances().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }
}
