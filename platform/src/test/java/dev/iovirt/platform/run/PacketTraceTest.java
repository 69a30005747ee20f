package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PacketTraceTest {
    private static Topology example(String name) throws Exception {
        return TopologyLoader.load(Path.of("..", "examples", name + ".yaml")).orElseThrow();
    }

    private static List<String> parts(PacketTrace.Result r) {
        return r.steps().stream().map(PacketTrace.Step::part).toList();
    }

    private static String lines(PacketTrace.Step s) {
        return String.join("\n", s.lines());
    }

    @Test
    void aVfToVfDatagramCrossesOnlyTheNicsEmbeddedSwitchWithDmaThroughTheIommuAndNoDataPathExit() throws Exception {
        PacketTrace.Result r = PacketTrace.trace(example("io-paths"), new PacketTrace.Probe("vf1", "vf2", PacketTrace.Protocol.UDP, 9000, 64));

        assertThat(r.delivered()).isTrue();
        assertThat(parts(r)).containsExactly("vm vf1 (guest kernel, sriov-vf driver and device, on hv1)", "nic hv1-pf0 embedded switch",
                "vm vf2 (guest kernel, sriov-vf driver and device, on hv1)");
        Map<String, Long> vtd = r.totals().get("VT-d hv1");
        assertThat(vtd.get("DMA translations")).as("descriptor and buffer reads and writes").isPositive();
        assertThat(vtd.get("interrupts posted")).isEqualTo(1);
        for (String vm : List.of("vm vf1", "vm vf2")) {
            assertThat(r.totals().get(vm).keySet()).as(vm + ": only the idle HLT and the timer's WRMSR exit, never the data path")
                    .noneMatch(k -> k.startsWith("exit ") && !k.equals("exit HLT") && !k.equals("exit WRMSR"))
                    .doesNotContain("exits to user space", "interrupts injected");
        }
        assertThat(r.totals()).doesNotContainKey("switch br-hv1");
    }

    @Test
    void anEchoBetweenNetworksVisitsItsChainsFirewallThenTheRouterAndBackTheOtherWay() throws Exception {
        PacketTrace.Result r = PacketTrace.trace(example("three-tier"), new PacketTrace.Probe("web1", "db1", PacketTrace.Protocol.ICMP, 0, 64));

        assertThat(r.delivered()).isTrue();
        List<String> appliances = parts(r).stream().filter(p -> p.startsWith("appliance ")).map(p -> p.split(" ")[1]).toList();
        // Out: the web-to-db chain's hop, then the gateway; back: the gateway, then the hop in reverse.
        assertThat(appliances).containsExactly("fw2", "r1", "r1", "fw2");
        PacketTrace.Step fw = r.steps().stream().filter(s -> s.part().startsWith("appliance fw2")).findFirst().orElseThrow();
        assertThat(lines(fw)).contains("eth0 frames in +1", "eth1 frames out +1", "passed +1");
        PacketTrace.Step steer = r.steps().stream().filter(s -> s.part().equals("switch br-hv1")).findFirst().orElseThrow();
        assertThat(lines(steer)).as("the classifier steers into the chain").contains("nw_src=10.0.1.0/24,nw_dst=10.0.2.0/24");
        assertThat(r.totals().get("appliance r1")).containsEntry("forwarded", 2L);
        assertThat(r.totals()).doesNotContainKey("appliance fw1").doesNotContainKey("appliance lb1");
    }

    @Test
    void anEchoAcrossTwoHostsGoesThroughBothSwitchesTablesAndTheTunnelEachWayWithTheNetworksVni() throws Exception {
        PacketTrace.Result r = PacketTrace.trace(example("two-hosts"), new PacketTrace.Probe("web1", "web2", PacketTrace.Protocol.ICMP, 0, 64));

        assertThat(r.delivered()).isTrue();
        List<String> parts = parts(r).stream().filter(p -> !p.equals("underlay")).toList();
        assertThat(parts).containsExactly("vm web1 (guest kernel, virtio driver and device, on hv1)", "switch br-hv1", "switch br-hv2",
                "vm web2 (guest kernel, e1000 driver and device, on hv2)", "switch br-hv2", "switch br-hv1",
                "vm web1 (guest kernel, virtio driver and device, on hv1)");
        PacketTrace.Step out = r.steps().stream().filter(s -> s.part().equals("switch br-hv1")).findFirst().orElseThrow();
        assertThat(lines(out)).contains("frame web1.eth0 → br-hv1", "frame br-hv1 → vxlan-hv2", "set_field:0x1389->tunnel_id",
                "tunnel hv1 vxlan-hv2: datagrams sent +1");
        PacketTrace.Step in = r.steps().stream().filter(s -> s.part().equals("switch br-hv2")).findFirst().orElseThrow();
        assertThat(lines(in)).contains("(tunnel_id 5001)", "tunnel_id=0x1389", "frame br-hv2 → web2.eth0");
        assertThat(r.totals().get("vm web2").get("exits to user space")).as("the e1000's register accesses").isPositive();
        assertThat(r.totals().get("vm web1")).doesNotContainKey("exits to user space");
        assertThat(r.format()).contains("delivered in", "totals:");
    }

    @Test
    void aProbeFromOrToAnUnknownVmIsRefusedNamingTheVms() throws Exception {
        assertThatThrownBy(() -> PacketTrace.trace(example("hello"), new PacketTrace.Probe("nope", "b", PacketTrace.Protocol.UDP, 9000, 64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--from nope: no such VM");
    }
}
