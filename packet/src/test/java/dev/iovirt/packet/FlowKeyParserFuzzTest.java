package dev.iovirt.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iovirt.packet.capture.PacketSummary;

/**
 * Random bytes never make the parser throw, and what it reports stays within the frame. The seeds
 * (FlowKeyParserFuzzTestInputs/) run in every test run; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FlowKeyParserFuzzTest {
    private final FlowKey key = new FlowKey();

    @FuzzTest(maxDuration = "30s")
    void parserNeverThrowsOrReadsOutOfBounds(byte[] data) {
        FlowKey k = FlowKeyParser.parse(data, 0, data.length, 1, key);
        assertThat(k.l3Offset()).isBetween(0, data.length);
        assertThat(k.l4Offset()).isBetween(0, data.length);
        assertThat(k.payloadOffset()).isBetween(0, data.length);
        assertThat(k.l3Offset() + k.l3Length()).isLessThanOrEqualTo(data.length);
        if (data.length < 14) {
            assertThat(k.isTruncated()).isTrue();
        }
        // The one-line summary reads the frame again at the offsets the parser reported.
        assertThat(PacketSummary.describe(data, data.length)).isNotEmpty();
    }
}
