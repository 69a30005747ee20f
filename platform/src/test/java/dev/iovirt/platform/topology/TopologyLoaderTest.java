package dev.iovirt.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.Vni;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyLoaderTest {
    /** The DESIGN §6 example, verbatim (examples/three-tier.yaml grew from it: docs/architecture.md). */
    static final Path DESIGN_EXAMPLE = Path.of("src", "test", "resources", "topology", "design-example.yaml");
    /** The docs' main example. */
    static final Path THREE_TIER = Path.of("..", "examples", "three-tier.yaml");
    static final Path HELLO = Path.of("..", "examples", "hello.yaml");

    static Topology load(Path p) throws IOException, TopologyException {
        return TopologyLoader.load(p).orElseThrow();
    }

    @Test
    void designExampleLoadsWithItsValuesAndDefaults() throws Exception {
        Topology t = load(DESIGN_EXAMPLE);

        assertThat(t.name()).isEqualTo("three-tier");
        assertThat(t.controller()).isEqualTo(new ControllerSpec(new HostPort("127.0.0.1", 6653), new HostPort("127.0.0.1", 8181)));
        assertThat(t.hosts()).containsExactly(
                new HostSpec("hv1", new HostSpec.NicSpec(HostSpec.Model.SRIOV, 8, 64)),
                new HostSpec("hv2", HostSpec.NicSpec.PLAIN));
        assertThat(t.networks()).containsExactly(
                new NetworkSpec("web", Vni.of(1001), Subnet.parse("10.0.1.0/24")),
                new NetworkSpec("db", Vni.of(1002), Subnet.parse("10.0.2.0/24")));

        VmSpec web1 = t.vm("web1").orElseThrow();
        assertThat(web1.host()).isEqualTo("hv1");
        assertThat(web1.vcpus()).isEqualTo(2);
        assertThat(web1.memoryBytes()).isEqualTo(256L << 20);
        NicAttachment eth0 = web1.nics().get(0);
        assertThat(eth0.name()).isEqualTo("eth0");
        assertThat(eth0.network()).isEqualTo("web");
        assertThat(eth0.model()).isEqualTo(NicAttachment.Model.VIRTIO);
        assertThat(eth0.ip()).contains(Ipv4Address.of("10.0.1.11"));
        assertThat(eth0.macGenerated()).isTrue();
        assertThat(eth0.mac()).isEqualTo(NicAttachment.generatedMac("web1", 0, 0));
        assertThat(eth0.impairment()).isEqualTo(Impairment.NONE);

        VmSpec web2 = t.vm("web2").orElseThrow();
        assertThat(web2.vcpus()).isEqualTo(VmSpec.DEFAULT_VCPUS);
        assertThat(web2.memoryBytes()).isEqualTo(VmSpec.DEFAULT_MEMORY);
        assertThat(web2.nics().get(0).model()).isEqualTo(NicAttachment.Model.SRIOV_VF);
        assertThat(t.vm("db1").orElseThrow().nics().get(0).model()).isEqualTo(NicAttachment.Model.E1000);

        ApplianceSpec fw1 = t.appliance("fw1").orElseThrow();
        assertThat(fw1.kind()).isEqualTo(ApplianceSpec.Kind.FIREWALL);
        assertThat(fw1.host()).contains("hv2");
        assertThat(((ApplianceSpec.Firewall) fw1.config()).rules()).containsExactly(
                new ApplianceSpec.FirewallRule(ApplianceSpec.FirewallRule.Action.ALLOW, ApplianceSpec.Protocol.UDP,
                        Optional.of("web"), Optional.of("db"), Optional.of(5432)),
                new ApplianceSpec.FirewallRule(ApplianceSpec.FirewallRule.Action.DENY, ApplianceSpec.Protocol.ANY,
                        Optional.empty(), Optional.empty(), Optional.empty()));
        ApplianceSpec lb1 = t.appliance("lb1").orElseThrow();
        assertThat(lb1.host()).isEmpty();
        assertThat(lb1.config()).isEqualTo(new ApplianceSpec.LoadBalancer(Ipv4Address.of("10.0.1.100"), 80, "web", List.of("web1", "web2")));

        assertThat(t.chains()).containsExactly(new ChainSpec("web-to-db", "web", "db", List.of("fw1")));
        assertThat(t.traffic()).containsExactly(
                new TrafficSpec.Ping("web1", new TrafficSpec.Target.Vm("db1"), 5, TrafficSpec.Ping.DEFAULT_INTERVAL),
                new TrafficSpec.Udp("web2", new TrafficSpec.Target.Vm("web1"), 9000, Rate.pps(10_000), Duration.ofSeconds(2), 64));
        assertThat(t.captures()).containsExactly(new CaptureSpec("web1", "eth0", "web1.pcapng", Optional.of("icmp or udp")));
        assertThat(t.links()).isEmpty();
        assertThat(t.costOverrides()).isEmpty();
        assertThat(t.summary()).isEqualTo("2 hosts, 2 networks, 3 VMs, 2 appliances, 1 chain");
    }

    @Test
    void demoLoadsByNameWithAllThreeIoPathsAFirewallChainTrafficAndACapture() {
        Topology t = TopologyLoader.demo();

        assertThat(t.name()).isEqualTo("demo");
        assertThat(t.hosts()).hasSize(2);
        assertThat(t.host("hv1").orElseThrow().nic().isSriov()).isTrue();
        assertThat(t.host("hv1").orElseThrow().nic().vfs()).isEqualTo(4);
        assertThat(t.host("hv1").orElseThrow().nic().totalVfs()).isEqualTo(HostSpec.NicSpec.DEFAULT_TOTAL_VFS);
        assertThat(t.vms()).flatExtracting(VmSpec::nics).extracting(NicAttachment::model)
                .contains(NicAttachment.Model.E1000, NicAttachment.Model.VIRTIO, NicAttachment.Model.SRIOV_VF);
        NicAttachment vio = t.vm("vio1").orElseThrow().nics().get(0);
        assertThat(vio.mac()).isEqualTo(MacAddress.of("02:00:0a:0a:01:0c"));
        assertThat(vio.macGenerated()).isFalse();
        assertThat(t.vm("vio1").orElseThrow().memoryBytes()).isEqualTo(512L << 20);
        assertThat(t.vm("db1").orElseThrow().nics().get(0).impairment())
                .isEqualTo(new Impairment(Duration.ofMillis(1), Duration.ZERO, 0.1, Optional.empty()));
        assertThat(t.appliances()).extracting(ApplianceSpec::kind).containsExactly(ApplianceSpec.Kind.ROUTER, ApplianceSpec.Kind.FIREWALL);
        assertThat(t.chains()).hasSize(1);
        assertThat(t.traffic()).hasOnlyElementsOfTypes(TrafficSpec.Ping.class, TrafficSpec.Tcp.class, TrafficSpec.Udp.class).hasSize(3);
        assertThat(((TrafficSpec.Udp) t.traffic().get(2)).rate()).isEqualTo(Rate.pps(10_000));
        assertThat(t.captures()).extracting(CaptureSpec::port).containsExactly("vio1.eth0");
        assertThat(t.links()).containsExactly(new LinkSpec("hv1", "hv2",
                new Impairment(Duration.ofNanos(200_000), Duration.ZERO, 0, Optional.of(Rate.bps(10_000_000_000L)))));
    }

    @Test
    void helloIsTwoVmsOnOneHost() throws Exception {
        Topology t = load(HELLO);
        assertThat(t.hosts()).extracting(HostSpec::name).containsExactly("hv1");
        assertThat(t.vms()).extracting(VmSpec::name).containsExactly("alice", "bob");
        assertThat(t.vms()).extracting(VmSpec::host).containsOnly("hv1");
        assertThat(t.traffic()).containsExactly(new TrafficSpec.Ping("alice", new TrafficSpec.Target.Vm("bob"), 3, Duration.ofSeconds(1)));
    }

    @Test
    void generatedMacsAreLocallyAdministeredUnicastStableAndDistinct() throws Exception {
        Topology a = load(THREE_TIER);
        Topology b = load(THREE_TIER);
        List<MacAddress> macs = a.vms().stream().flatMap(v -> v.nics().stream()).map(NicAttachment::mac).toList();
        assertThat(macs).doesNotHaveDuplicates()
                .allMatch(MacAddress::isLocallyAdministered)
                .noneMatch(MacAddress::isMulticast);
        assertThat(b.vms().stream().flatMap(v -> v.nics().stream()).map(NicAttachment::mac).toList()).isEqualTo(macs);
    }

    @Test
    void aGeneratedMacStepsAsideForOneWrittenInTheFile() {
        MacAddress taken = NicAttachment.generatedMac("a", 0, 0);
        String text = """
                name: t
                hosts: [ { name: hv1 } ]
                networks: [ { name: n, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: a, host: hv1, nics: [ { network: n, ip: 10.0.0.1 } ] }
                  - { name: b, host: hv1, nics: [ { network: n, ip: 10.0.0.2, mac: "%s" } ] }
                """.formatted(taken);
        Topology t = ((LoadResult.Loaded) TopologyLoader.parse("t.yaml", text)).topology();
        assertThat(t.vm("b").orElseThrow().nics().get(0).mac()).isEqualTo(taken);
        assertThat(t.vm("a").orElseThrow().nics().get(0).mac()).isEqualTo(NicAttachment.generatedMac("a", 0, 1));
    }

    @Test
    void everyApplianceKindLoads() {
        String text = """
                name: t
                hosts: [ { name: hv1 } ]
                networks:
                  - { name: in,  vni: 1, subnet: 10.0.0.0/24 }
                  - { name: out, vni: 2, subnet: 192.0.2.0/24 }
                vms:
                  - { name: a, host: hv1, nics: [ { network: in } ] }
                  - { name: b, host: hv1, nics: [ { network: in, ip: 10.0.0.2 } ] }
                appliances:
                  - { name: nat1, kind: nat, inside: in, outside: out, address: 192.0.2.1 }
                  - { name: r1, kind: router, networks: [in, out] }
                  - { name: dhcp1, kind: dhcp, network: in, range: 10.0.0.100-10.0.0.199 }
                  - { name: lb1, kind: load-balancer, vip: 10.0.0.10:443, backends: [b] }
                chains:
                  - { name: c, from: in, to: out, through: [r1, nat1] }
                traffic:
                  - tcp: { from: a, to: 10.0.0.10, port: 443, connections: 100, bytes: 4KiB }
                cost-model: { vmexit-io: 1500, ept-violation: 900 }
                """;
        LoadResult r = TopologyLoader.parse("t.yaml", text);
        assertThat(r.errors()).isEmpty();
        Topology t = ((LoadResult.Loaded) r).topology();
        assertThat(t.appliance("nat1").orElseThrow().config())
                .isEqualTo(new ApplianceSpec.Nat("in", "out", Optional.of(Ipv4Address.of("192.0.2.1"))));
        assertThat(t.appliance("r1").orElseThrow().config()).isEqualTo(new ApplianceSpec.Router(List.of("in", "out")));
        assertThat(t.appliance("dhcp1").orElseThrow().config())
                .isEqualTo(new ApplianceSpec.Dhcp("in", Ipv4Address.of("10.0.0.100"), Ipv4Address.of("10.0.0.199")));
        assertThat(t.vm("a").orElseThrow().nics().get(0).ip()).isEmpty();
        assertThat(t.traffic()).containsExactly(new TrafficSpec.Tcp("a", new TrafficSpec.Target.Address(Ipv4Address.of("10.0.0.10")),
                443, 100, 16, 4096));
        assertThat(t.costOverrides()).containsEntry("vmexit-io", 1500L).containsEntry("ept-violation", 900L);
    }

    @Test
    void aGenerated1024VmTopologyLoadsWithDistinctAddresses() {
        StringBuilder y = new StringBuilder("name: big\nhosts:\n");
        for (int h = 0; h < 64; h++) {
            y.append("  - { name: hv").append(h).append(", nic: { model: sriov, vfs: 16 } }\n");
        }
        y.append("networks:\n  - { name: n, vni: 1, subnet: 10.0.0.0/16 }\nvms:\n");
        for (int h = 0; h < 64; h++) {
            for (int v = 0; v < 16; v++) {
                String model = switch (v % 3) {
                    case 0 -> "e1000";
                    case 1 -> "virtio";
                    default -> "sriov-vf";
                };
                y.append("  - { name: vm").append(h).append('-').append(v).append(", host: hv").append(h)
                        .append(", nics: [ { network: n, model: ").append(model).append(", ip: 10.0.").append(h).append('.').append(v + 1).append(" } ] }\n");
            }
        }
        LoadResult r = TopologyLoader.parse("big.yaml", y.toString());
        assertThat(r.errors()).isEmpty();
        Topology t = ((LoadResult.Loaded) r).topology();
        assertThat(t.vms()).hasSize(1024);
        assertThat(t.vms().stream().flatMap(v -> v.nics().stream()).map(NicAttachment::mac).distinct().count()).isEqualTo(1024);
    }

    @Test
    void aMissingFileThrowsNoSuchFile() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopologyLoader.load(Path.of("no-such-topology.yaml")))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void onlyKnownBuiltinsLoadByName() {
        assertThat(TopologyLoader.builtin("demo")).isPresent();
        assertThat(TopologyLoader.builtin("nope")).isEmpty();
    }

    @Test
    void docsShowTheSampleAsTheMainExampleAndDescribeEveryKey() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "topology.md"));
        String sample = Files.readString(THREE_TIER);
        assertThat(docs).contains("```yaml\n" + sample + "```");
        for (String key : TopologyParser.allKeys()) {
            assertThat(docs).as("docs/topology.md describes key '%s'", key).contains("| `" + key + "`");
        }
    }
}
