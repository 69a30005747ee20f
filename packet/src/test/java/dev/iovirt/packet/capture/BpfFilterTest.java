package dev.iovirt.packet.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.packet.testing.TestFrames;
import org.junit.jupiter.api.Test;

class BpfFilterTest {
    @Test
    void protocolFiltersSelectTheirFrames() {
        try (BpfFilter icmpOrUdp = BpfFilter.compile("icmp or udp")) {
            assertThat(icmpOrUdp.matches(TestFrames.icmpEchoRequest(1, 1))).isTrue();
            assertThat(icmpOrUdp.matches(TestFrames.udp64())).isTrue();
            assertThat(icmpOrUdp.matches(TestFrames.tcpSyn())).isFalse();
            assertThat(icmpOrUdp.matches(TestFrames.arpRequest())).isFalse();
        }
    }

    @Test
    void hostPortAndVlanFilters() {
        try (BpfFilter f = BpfFilter.compile("udp dst port 9000 and src host 10.0.0.1")) {
            assertThat(f.matches(TestFrames.udp64())).isTrue();
            assertThat(f.matches(TestFrames.udp(5000, 9001, 18))).isFalse();
        }
        try (BpfFilter f = BpfFilter.compile("vlan 100 and udp port 9999")) {
            assertThat(f.matches(TestFrames.vlanUdp(100))).isTrue();
            assertThat(f.matches(TestFrames.vlanUdp(101))).isFalse();
        }
        try (BpfFilter f = BpfFilter.compile("arp")) {
            assertThat(f.matches(TestFrames.arpReply())).isTrue();
        }
    }

    @Test
    void vxlanFilterSeesTheOuterHeader() {
        try (BpfFilter f = BpfFilter.compile("udp port 4789")) {
            assertThat(f.matches(TestFrames.vxlan(1001))).isTrue();
            assertThat(f.matches(TestFrames.icmpEchoRequest(1, 1))).isFalse();
        }
    }

    @Test
    void badExpressionSaysWhy() {
        assertThatThrownBy(() -> BpfFilter.compile("udp prot 53"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad filter 'udp prot 53': ")
                .hasMessageContaining("syntax error");
    }

    @Test
    void snappedFrameIsMatchedOnItsCapturedBytes() {
        byte[] icmp = TestFrames.icmpEchoRequest(1, 1);
        byte[] head = java.util.Arrays.copyOf(icmp, 40);
        try (BpfFilter f = BpfFilter.compile("icmp")) {
            assertThat(f.matches(head, icmp.length)).isTrue();
        }
        try (BpfFilter f = BpfFilter.compile("greater 90")) {
            assertThat(f.matches(head, icmp.length)).as("len uses the original length").isTrue();
            assertThat(f.matches(head)).isFalse();
        }
    }
}
