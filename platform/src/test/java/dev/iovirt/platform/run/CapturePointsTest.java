package dev.iovirt.platform.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.capture.CaptureReader;
import dev.iovirt.packet.capture.CapturedFrame;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.platform.capture.CaptureFile;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture points beyond the vNIC (switch ports, the underlay, the SR-IOV uplink), merged files and rings. */
class CapturePointsTest {
    @TempDir
    Path dir;

    /** web1 (hv1, virtio) pings web2 (hv2, e1000) over VXLAN with VNI 5001. */
    private static Topology twoHosts(String captures) throws Exception {
        return TopologyLoader.parse("two-hosts.yaml", """
                name: two-hosts
                hosts: [ { name: hv1 }, { name: hv2 } ]
                networks: [ { name: front, vni: 5001, subnet: 10.10.1.0/24 } ]
                vms:
                  - { name: web1, host: hv1, nics: [ { network: front, model: virtio, ip: 10.10.1.11 } ] }
                  - { name: web2, host: hv2, nics: [ { network: front, model: e1000, ip: 10.10.1.12 } ] }
                traffic:
                  - ping: { from: web1, to: web2, count: 3, interval: 10ms }
                captures:
                """ + captures).orElseThrow();
    }

    private void run(Topology t) throws Exception {
        try (TopologyRun run = TopologyRun.build(t, dir)) {
            assertThat(run.run(Duration.ofSeconds(5))).isTrue();
            assertThat(run.captures()).allSatisfy(c -> assertThat(c.error()).isNull());
        }
    }

    private List<CapturedFrame> read(String file) throws IOException {
        try (CaptureReader r = CaptureReader.open(dir.resolve(file))) {
            return r.readAll();
        }
    }

    private static boolean isIcmp(byte[] f, int at) {
        return f.length > at + 23 && f[at + 12] == 0x08 && f[at + 13] == 0x00 && f[at + 23] == 1;
    }

    @Test
    void aMergedCaptureHasAnInterfacePerPointAndItsFramesInTimeOrder() throws Exception {
        run(twoHosts("  - { points: [web1.eth0, hv1:vxlan-hv2, hv1:underlay, hv2:underlay, web2.eth0], file: path.pcapng, filter: icmp }\n"));
        List<CapturedFrame> frames = read("path.pcapng");

        List<String> interfaces = List.copyOf(frames.stream().map(CapturedFrame::interfaceName).collect(Collectors.toCollection(LinkedHashSet::new)));
        assertThat(interfaces).containsExactly("web1.eth0", "hv1:vxlan-hv2", "hv1:underlay", "hv2:underlay", "web2.eth0");
        // 3 requests and 3 replies at each of the five points.
        assertThat(frames.stream().collect(Collectors.groupingBy(CapturedFrame::interfaceName, Collectors.counting())))
                .containsOnly(Map.entry("web1.eth0", 6L), Map.entry("hv1:vxlan-hv2", 6L), Map.entry("hv1:underlay", 6L),
                        Map.entry("hv2:underlay", 6L), Map.entry("web2.eth0", 6L));
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).timestampNanos()).as("frame %d's time", i).isGreaterThanOrEqualTo(frames.get(i - 1).timestampNanos());
        }
        // The first request crosses the points in the order of its path.
        assertThat(frames.subList(0, 5)).extracting(CapturedFrame::interfaceName)
                .containsExactly("web1.eth0", "hv1:vxlan-hv2", "hv1:underlay", "hv2:underlay", "web2.eth0");
    }

    @Test
    void theUnderlayPointHoldsVxlanDatagramsBetweenTheRealVtepsWithTheNetworksVni() throws Exception {
        run(twoHosts("  - { port: hv1:underlay, file: underlay.pcapng, filter: icmp }\n"));
        List<CapturedFrame> frames = read("underlay.pcapng");

        assertThat(frames).hasSize(6).allSatisfy(f -> {
            byte[] d = f.data();
            assertThat(d[12]).isEqualTo((byte) 0x08); // IPv4
            assertThat(d[23]).isEqualTo((byte) 17); // UDP
            assertThat(((d[36] & 0xFF) << 8) | (d[37] & 0xFF)).as("UDP destination port").isEqualTo(4789);
            assertThat(d[42]).as("VXLAN flags").isEqualTo((byte) 0x08);
            assertThat(((d[46] & 0xFF) << 16) | ((d[47] & 0xFF) << 8) | (d[48] & 0xFF)).as("VNI").isEqualTo(5001);
            assertThat(isIcmp(d, 50)).as("inner ICMP").isTrue();
        });
        // Requests hv1 → hv2 (127.0.0.11 → 127.0.0.12), replies back.
        assertThat(frames).extracting(f -> (f.data()[29] & 0xFF) + ">" + (f.data()[33] & 0xFF))
                .containsExactly("11>12", "12>11", "11>12", "12>11", "11>12", "12>11");
    }

    @Test
    void theSriovUplinkPointSeesWhatAVfExchangesWithTheSwitch() throws Exception {
        Topology t = TopologyLoader.parse("vf.yaml", """
                name: vf
                hosts: [ { name: hv1, nic: { model: sriov, vfs: 2 } } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: emu, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] }
                  - { name: vf, host: hv1, nics: [ { network: lan, model: sriov-vf, ip: 10.0.0.2 } ] }
                traffic:
                  - ping: { from: emu, to: vf, count: 3, interval: 10ms }
                captures:
                  - { port: hv1:hv1-pf0, file: uplink.pcapng, filter: icmp }
                """).orElseThrow();
        run(t);
        List<CapturedFrame> frames = read("uplink.pcapng");
        assertThat(frames).hasSize(6).allSatisfy(f -> {
            assertThat(f.interfaceName()).isEqualTo("hv1:hv1-pf0");
            assertThat(isIcmp(f.data(), 0)).isTrue();
        });
    }

    /** emu (e1000) pings vf (an SR-IOV VF) on one host, with {@code captures}. */
    private static Topology vfTopology(String captures) throws Exception {
        return TopologyLoader.parse("vf.yaml", """
                name: vf
                hosts: [ { name: hv1, nic: { model: sriov, vfs: 2 } } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: emu, host: hv1, nics: [ { network: lan, model: e1000, ip: 10.0.0.1 } ] }
                  - { name: vf, host: hv1, nics: [ { network: lan, model: sriov-vf, ip: 10.0.0.2 } ] }
                traffic:
                  - ping: { from: emu, to: vf, count: 3, interval: 10ms }
                captures:
                """ + captures).orElseThrow();
    }

    @Test
    void aVfsPointHoldsWhatTheEmbeddedSwitchDeliversToItAndWhatItSends() throws Exception {
        run(vfTopology("  - { points: [hv1:hv1-pf0, vf.eth0], file: vf.pcapng, filter: icmp }\n"));
        List<CapturedFrame> frames = read("vf.pcapng");

        // Each request crosses the uplink, then the embedded switch delivers it to the VF; each reply
        // leaves the VF, then crosses the uplink.
        assertThat(frames).extracting(f -> f.interfaceName() + " " + (f.data()[26 + 3] & 0xFF) + ">" + (f.data()[30 + 3] & 0xFF)
                + " type " + f.data()[34]).containsExactly(
                "hv1:hv1-pf0 1>2 type 8", "vf.eth0 1>2 type 8", "vf.eth0 2>1 type 0", "hv1:hv1-pf0 2>1 type 0",
                "hv1:hv1-pf0 1>2 type 8", "vf.eth0 1>2 type 8", "vf.eth0 2>1 type 0", "hv1:hv1-pf0 2>1 type 0",
                "hv1:hv1-pf0 1>2 type 8", "vf.eth0 1>2 type 8", "vf.eth0 2>1 type 0", "hv1:hv1-pf0 2>1 type 0");
        // The VF's frames are the uplink's, byte for byte (one NIC, one VLAN: nothing to tag or strip).
        for (int i = 0; i < frames.size(); i += 2) {
            assertThat(frames.get(i).data()).isEqualTo(frames.get(i + 1).data());
        }
    }

    @Test
    void aVfsPointWithoutAFilterAlsoHoldsTheArpThatResolvedIt() throws Exception {
        run(vfTopology("  - { port: vf.eth0, file: vf.pcapng }\n"));
        List<CapturedFrame> frames = read("vf.pcapng");

        assertThat(frames).extracting(f -> ((f.data()[12] & 0xFF) << 8) | (f.data()[13] & 0xFF))
                .as("ARP request and reply, then 3 ICMP requests and replies").containsExactly(0x0806, 0x0806, 0x0800, 0x0800, 0x0800, 0x0800, 0x0800, 0x0800);
    }

    @Test
    void aRingRotatesAndKeepsOnlyTheNewestFilesEachWithEveryInterface() throws Exception {
        Topology t = TopologyLoader.parse("ring.yaml", """
                name: ring
                hosts: [ { name: hv1 } ]
                networks: [ { name: lan, vni: 1, subnet: 10.0.0.0/24 } ]
                vms:
                  - { name: a, host: hv1, nics: [ { network: lan, model: virtio, ip: 10.0.0.1 } ] }
                  - { name: b, host: hv1, nics: [ { network: lan, model: virtio, ip: 10.0.0.2 } ] }
                traffic:
                  - udp: { from: a, to: b, port: 9000, rate: 10kpps, duration: 20ms, size: 200 }
                captures:
                  - { points: [a.eth0, b.eth0], file: ring.pcapng, ring: { files: 3, size: 4KiB } }
                """).orElseThrow();
        long frames;
        List<Path> kept;
        try (TopologyRun run = TopologyRun.build(t, dir)) {
            assertThat(run.run(Duration.ofSeconds(5))).isTrue();
            TopologyRun.Capture c = run.captures().get(0);
            frames = c.frames();
            kept = c.files();
        }
        // 200 datagrams seen at both points, 200+ bytes each: far more than three 4 KiB files.
        assertThat(frames).isGreaterThanOrEqualTo(400);
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(3).allMatch(n -> n.matches("ring_\\d{5}\\.pcapng"));
            assertThat(names).doesNotContain("ring_00001.pcapng", "ring.pcapng");
            assertThat(kept).extracting(p -> p.getFileName().toString()).containsExactlyElementsOf(names);
        }
        long inKept = 0;
        for (Path p : kept) {
            List<CapturedFrame> in = read(p.getFileName().toString());
            assertThat(in).isNotEmpty();
            inKept += in.size();
            assertThat(Files.size(p)).isLessThan(4096 + 2048);
        }
        assertThat(inKept).isLessThan(frames);
        assertThat(CaptureFile.ringFile(Path.of("x/web1.pcapng"), 12)).isEqualTo(Path.of("x/web1_00012.pcapng"));
    }

    @Test
    void aPointInTwoCapturesIsWrittenToBoth() throws Exception {
        run(twoHosts("  - { port: web1.eth0, file: a.pcapng, filter: icmp }\n  - { points: [web1.eth0, web2.eth0], file: b.pcapng, filter: icmp }\n"));
        assertThat(read("a.pcapng")).hasSize(6);
        assertThat(read("b.pcapng")).hasSize(12);
    }

    @Test
    @Tag("interop")
    void tsharkDecodesTheUnderlayAsVxlanWithTheVniAndTheInnerPingAndNamesEachInterface() throws Exception {
        Path tshark = Peers.require("tshark", "tshark");
        run(twoHosts("  - { points: [web1.eth0, hv1:vxlan-hv2, hv1:underlay], file: path.pcapng, filter: icmp }\n"));
        List<String> rows = Peers.run(30, tshark.toString(), "-r", dir.resolve("path.pcapng").toString(), "-T", "fields",
                "-E", "separator=|", "-e", "frame.interface_name", "-e", "udp.dstport", "-e", "vxlan.vni", "-e", "ip.src",
                "-e", "ip.dst", "-e", "icmp.type").requireSuccess().stdout().lines().toList();
        assertThat(rows).startsWith(
                "web1.eth0|||10.10.1.11|10.10.1.12|8",
                "hv1:vxlan-hv2|||10.10.1.11|10.10.1.12|8",
                "hv1:underlay|4789|5001|127.0.0.11,10.10.1.11|127.0.0.12,10.10.1.12|8");
        assertThat(rows).hasSize(18);
        // No malformed packets or warnings in our synthesized headers.
        List<String> expert = Peers.run(30, tshark.toString(), "-r", dir.resolve("path.pcapng").toString(), "-Y",
                "_ws.malformed || _ws.expert.severity >= warning").requireSuccess().stdout().lines().toList();
        assertThat(expert).isEmpty();
        List<String> descriptions = Peers.run(30, tshark.toString(), "-r", dir.resolve("path.pcapng").toString(), "-T", "fields",
                "-e", "frame.interface_description", "-c", "3").requireSuccess().stdout().lines().toList();
        assertThat(descriptions.get(2)).startsWith("VXLAN datagrams of hv1's VTEP /127.0.0.11:");
    }

    @Test
    @Tag("interop")
    void tsharkReadsAVfsCaptureWithItsInterfaceAndThePing() throws Exception {
        Path tshark = Peers.require("tshark", "tshark");
        run(vfTopology("  - { port: vf.eth0, file: vf.pcapng, filter: icmp }\n"));
        List<String> rows = Peers.run(30, tshark.toString(), "-r", dir.resolve("vf.pcapng").toString(), "-T", "fields",
                "-E", "separator=|", "-e", "frame.interface_name", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type")
                .requireSuccess().stdout().lines().toList();
        assertThat(rows).containsExactly("vf.eth0|10.0.0.1|10.0.0.2|8", "vf.eth0|10.0.0.2|10.0.0.1|0", "vf.eth0|10.0.0.1|10.0.0.2|8",
                "vf.eth0|10.0.0.2|10.0.0.1|0", "vf.eth0|10.0.0.1|10.0.0.2|8", "vf.eth0|10.0.0.2|10.0.0.1|0");
        List<String> descriptions = Peers.run(30, tshark.toString(), "-r", dir.resolve("vf.pcapng").toString(), "-T", "fields",
                "-e", "frame.interface_description", "-c", "1").requireSuccess().stdout().lines().toList();
        assertThat(descriptions).singleElement().asString().startsWith("VF vNIC vf.eth0 of hv1's SR-IOV NIC");
    }
}
