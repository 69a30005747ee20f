package dev.iovirt.packet.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** A corrupt capture file fails with a {@link CaptureFormatException} and nothing else. */
class CaptureReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readerFailsOnlyWithFormatErrors(byte[] data) throws IOException {
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(data), "fuzz")) {
            for (int i = 0; i < 10_000 && r.next() != null; i++) {
                // read until the end or the first error
            }
        } catch (CaptureFormatException expected) {
            // the one allowed failure
        }
    }
}
