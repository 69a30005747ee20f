package dev.iovirt.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceCommandTest {
    @Test
    void tracesADatagramAndPrintsEachLayerWithItsCounters() {
        CliRunner r = CliRunner.run("trace", "../examples/io-paths.yaml", "--from", "emu1", "--to", "vio1", "--udp", "--dport", "5432");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("udp emu1 → vio1 port 5432, 64-byte frame")
                .contains(" 1. vm emu1 (guest kernel, e1000 driver and device, on hv1)", "exits to user space",
                        "switch br-hv1", "datapath actions: ", "vm vio1 (guest kernel, virtio driver and device, on hv1)", "delivered in");
    }

    @Test
    void anUnknownVmIsAUsageErrorNamingTheVms() {
        CliRunner r = CliRunner.run("trace", "../examples/hello.yaml", "--from", "carol", "--to", "bob");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--from carol: no such VM (VMs: alice, bob)");
    }

    @Test
    void udpAndIcmpExcludeEachOther() {
        CliRunner r = CliRunner.run("trace", "../examples/hello.yaml", "--from", "alice", "--to", "bob", "--udp", "--icmp");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("mutually exclusive");
    }
}
