package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded randomized test: 100,000 mutated and random messages, none of which may make the decoder
 * throw anything but {@link OfpException}, and every decoded one must re-encode and decode to itself.
 */
class DecoderRobustnessTest {
    private static final long SEED = 0x0F13_2026L;
    private static final int ROUNDS = 100_000;

    @Test
    void decoderThrowsOnlyItsTypedErrorOnMutatedInput() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<byte[]> seeds = new java.util.ArrayList<>(Samples.all().stream().map(OfpCodec::encode).toList());
        for (int i = 0; i < 50; i++) { // deep matches and instruction lists, so mutations reach every OXM field
            seeds.add(OfpCodec.encode(RandomFlowModInteropTest.randomFlowMod(rnd, i)));
        }
        Map<ErrorType, Integer> errors = new EnumMap<>(ErrorType.class);
        int decoded = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] input = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            try {
                OfpMessage m = OfpCodec.decode(input);
                decoded++;
                // Whatever decodes must be stable under a second round trip.
                assertThat(OfpCodec.decode(OfpCodec.encode(m))).isEqualTo(m);
            } catch (OfpException e) {
                errors.merge(e.code().type(), 1, Integer::sum);
                assertThat(e.toErrorMessage().data().length).isLessThanOrEqualTo(64);
            } catch (RuntimeException | AssertionError e) {
                fail("round " + i + " input " + java.util.HexFormat.of().formatHex(input, 0, Math.min(input.length, 96)) + " threw " + e, e);
            }
        }
        // The mutations reach both the happy path and many kinds of error.
        assertThat(decoded).isGreaterThan(1000);
        assertThat(errors.keySet()).contains(ErrorType.BAD_REQUEST, ErrorType.BAD_MATCH, ErrorType.BAD_ACTION, ErrorType.BAD_INSTRUCTION);
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b;
        switch (rnd.nextInt(6)) {
            case 0 -> { // flip bytes in the body
                b = seed.clone();
                for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
                    b[8 + rnd.nextInt(Math.max(1, b.length - 8)) % Math.max(1, b.length - 8) + (b.length > 8 ? 0 : -8)] = (byte) rnd.nextInt(256);
                }
            }
            case 1 -> { // truncate, keeping the header's claim consistent half of the time
                b = java.util.Arrays.copyOf(seed, rnd.nextInt(seed.length + 1));
                if (b.length >= 4 && rnd.nextBoolean()) {
                    b[2] = (byte) (b.length >>> 8);
                    b[3] = (byte) b.length;
                }
            }
            case 2 -> { // extend with junk and fix the length
                b = java.util.Arrays.copyOf(seed, seed.length + 1 + rnd.nextInt(24));
                for (int i = seed.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                b[2] = (byte) (b.length >>> 8);
                b[3] = (byte) b.length;
            }
            case 3 -> { // small integers in a 16-bit field (lengths, types)
                b = seed.clone();
                int at = rnd.nextInt(b.length - 1) & ~1;
                b[at] = 0;
                b[at + 1] = (byte) rnd.nextInt(72);
            }
            case 4 -> { // random type in a valid header
                b = seed.clone();
                b[1] = (byte) rnd.nextInt(40);
            }
            default -> { // pure noise behind a plausible header
                b = new byte[8 + rnd.nextInt(120)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                b[0] = 4;
                b[1] = (byte) rnd.nextInt(30);
                b[2] = (byte) (b.length >>> 8);
                b[3] = (byte) b.length;
            }
        }
        return b;
    }
}
