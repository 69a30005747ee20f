package dev.iovirt.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.TestFrames;
import org.junit.jupiter.api.Test;

class FrameTest {
    @Test
    void pushUsesHeadroomWithoutMovingThePayload() {
        Frame f = Frame.of(TestFrames.udp64());
        int before = f.offset();
        assertThat(f.push(50)).isEqualTo(before - 50);
        assertThat(f.length()).isEqualTo(60 + 50);
        assertThat(f.pull(50)).isTrue();
        assertThat(f.toBytes()).isEqualTo(TestFrames.udp64());
    }

    @Test
    void pushBeyondHeadroomMovesTheFrameAndKeepsItsBytes() {
        Frame f = new Frame(8, 200);
        byte[] bytes = TestFrames.udp64();
        f.copyFrom(bytes, 0, bytes.length);
        int at = f.push(50);
        assertThat(at).isGreaterThanOrEqualTo(0);
        byte[] after = f.toBytes();
        assertThat(after).hasSize(110);
        assertThat(java.util.Arrays.copyOfRange(after, 50, 110)).isEqualTo(bytes);
    }

    @Test
    void pushThatCannotFitFailsAndLeavesTheFrame() {
        Frame f = new Frame(0, 64);
        byte[] bytes = TestFrames.udp64();
        f.copyFrom(bytes, 0, bytes.length);
        assertThat(f.push(5)).isEqualTo(-1);
        assertThat(f.toBytes()).isEqualTo(bytes);
    }

    @Test
    void oversizedCopyIsRefused() {
        Frame f = new Frame(0, 64);
        assertThat(f.copyFrom(new byte[65], 0, 65)).isFalse();
        assertThat(f.length()).isZero();
    }

    @Test
    void batchHoldsAtMost32AndReusesItsFrames() {
        FrameBatch b = new FrameBatch();
        byte[] bytes = TestFrames.udp64();
        for (int i = 0; i < FrameBatch.MAX_BURST; i++) {
            assertThat(b.add(bytes, 0, bytes.length)).isTrue();
        }
        assertThat(b.isFull()).isTrue();
        assertThat(b.add(bytes, 0, bytes.length)).isFalse();
        assertThat(b.add()).isNull();
        Frame first = b.get(0);
        b.clear();
        assertThat(b.add()).isSameAs(first);
    }

    @Test
    void removeUnorderedKeepsTheOtherFrames() {
        FrameBatch b = new FrameBatch();
        for (int i = 0; i < 4; i++) {
            b.add(new byte[] {(byte) i}, 0, 1);
        }
        b.removeUnordered(1);
        assertThat(b.size()).isEqualTo(3);
        java.util.Set<Integer> left = new java.util.HashSet<>();
        for (int i = 0; i < b.size(); i++) {
            left.add((int) b.get(i).buffer()[b.get(i).offset()]);
        }
        assertThat(left).containsExactlyInAnyOrder(0, 2, 3);
    }
}
