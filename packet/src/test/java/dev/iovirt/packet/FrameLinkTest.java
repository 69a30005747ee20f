package dev.iovirt.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.TestFrames;
import org.junit.jupiter.api.Test;

class FrameLinkTest {
    @Test
    void linkCarriesFramesBothWaysUntilQuiet() {
        DummyPort a = new DummyPort("a");
        DummyPort b = new DummyPort("b");
        FrameLink link = new FrameLink(a, b);
        for (int i = 0; i < 40; i++) {
            a.inject(TestFrames.udp(5000, 9000 + i, 18));
        }
        b.inject(TestFrames.arpReply());
        assertThat(link.pump()).isEqualTo(41);
        assertThat(link.pump()).isZero();
        assertThat(b.transmitted()).hasSize(40);
        assertThat(b.transmitted().get(39)).isEqualTo(TestFrames.udp(5000, 9039, 18));
        assertThat(a.transmitted()).containsExactly(TestFrames.arpReply());
        assertThat(a.counters().rxPackets).isEqualTo(40);
        assertThat(b.counters().txPackets).isEqualTo(40);
    }

    @Test
    void downLinkDropsAndCounts() {
        DummyPort a = new DummyPort("a");
        DummyPort b = new DummyPort("b");
        b.setLinkUp(false);
        a.inject(TestFrames.udp64());
        new FrameLink(a, b).pump();
        assertThat(b.transmitted()).isEmpty();
        assertThat(b.counters().txDropped).isEqualTo(1);
    }
}
