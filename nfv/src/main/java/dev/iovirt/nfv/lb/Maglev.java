package dev.iovirt.nfv.lb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The Maglev lookup table of Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, §3.4: each backend's preference list is a permutation of the table's M
 * slots, {@code permutation[i][j] = (offset + j * skip) mod M}; backends take turns claiming their
 * next preferred free slot until the table is full (the paper's Pseudocode 1).
 *
 * <p><b>Hash.</b> {@code offset = h1(name) mod M} and {@code skip = h2(name) mod (M - 1) + 1}, where
 * h1 and h2 are the two 64-bit halves of MurmurHash3 x64_128 (seed 0) of the name's UTF-8 bytes, as
 * Apache Commons Codec's {@link MurmurHash3#hash128x64(byte[], int, int, int)} computes it, taken as
 * unsigned. The two halves are independent enough to serve as the paper's two hash functions, the
 * function is specified and stable across releases and platforms (the same as Katran's Maglev uses),
 * and Commons Codec is maintained and on Maven Central. The JDK offers no 64-bit non-cryptographic
 * hash of bytes ({@code String.hashCode} is 32-bit and weak; CRC32C is linear, so two seeds would not
 * give independent offset and skip).
 *
 * <p><b>M must be prime</b> (§3.4: so that every skip in [1, M-1] is coprime with M and each
 * permutation visits every slot). The paper uses 65,537 and recommends M ≫ N (M ≥ 100·N keeps the
 * imbalance small).
 *
 * <p><b>Weights.</b> §3.4 notes that the relative frequency of turns can be adjusted to weight
 * backends: in each round of the population loop backend i takes {@code weight[i]} turns (weight 0:
 * no entries). With all weights 1 this is exactly Pseudocode 1.
 */
public final class Maglev {
    /** The paper's default table size, §3.4 and §5.3: a prime well above 100 × the backend count. */
    public static final int DEFAULT_SIZE = 65_537;

    /** Marks a slot no backend claimed (no backend with a positive weight). */
    public static final int NONE = -1;

    private Maglev() {
    }

    /** {@code offset = h1(name) mod M} (§3.4). */
    public static int offset(String name, int m) {
        byte[] b = utf8(name);
        long h1 = MurmurHash3.hash128x64(b, 0, b.length, 0)[0];
        return (int) Long.remainderUnsigned(h1, m);
    }

    /** {@code skip = h2(name) mod (M - 1) + 1} (§3.4). */
    public static int skip(String name, int m) {
        byte[] b = utf8(name);
        long h2 = MurmurHash3.hash128x64(b, 0, b.length, 0)[1];
        return (int) Long.remainderUnsigned(h2, m - 1) + 1;
    }

    /** The table for backends named {@code names} (index i in the table = names.get(i)), unweighted. */
    public static int[] populate(List<String> names, int m) {
        int[] weights = new int[names.size()];
        Arrays.fill(weights, 1);
        return populate(names, weights, m);
    }

    /** The table for the named backends with integer weights (0 = left out). */
    public static int[] populate(List<String> names, int[] weights, int m) {
        requirePrime(m);
        int n = names.size();
        int[] offsets = new int[n];
        int[] skips = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = offset(names.get(i), m);
            skips[i] = skip(names.get(i), m);
        }
        return populate(offsets, skips, weights, m);
    }

    /**
     * Pseudocode 1 of §3.4 with each backend's offset and skip given (the paper's Table 1 is worked
     * this way): {@code entry[c] = i} for the slot c backend i claims.
     */
    public static int[] populate(int[] offsets, int[] skips, int[] weights, int m) {
        requirePrime(m);
        int n = offsets.length;
        if (skips.length != n || weights.length != n) {
            throw new IllegalArgumentException("offsets, skips and weights differ in length");
        }
        int[] entry = new int[m];
        Arrays.fill(entry, NONE);
        long turnsPerRound = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] < 0) {
                throw new IllegalArgumentException("negative weight for backend " + i);
            }
            if (offsets[i] < 0 || offsets[i] >= m || skips[i] < 1 || skips[i] >= m) {
                throw new IllegalArgumentException("backend " + i + ": offset must be in [0, M) and skip in [1, M)");
            }
            turnsPerRound += weights[i];
        }
        if (turnsPerRound == 0) {
            return entry;
        }
        // cand[i] = permutation[i][next[i]] = (offset + next[i] * skip) mod M, kept incrementally.
        int[] cand = offsets.clone();
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < weights[i]; t++) {
                    int c = cand[i];
                    while (entry[c] >= 0) {
                        c = advance(c, skips[i], m);
                    }
                    entry[c] = i;
                    cand[i] = advance(c, skips[i], m);
                    if (++filled == m) {
                        return entry;
                    }
                }
            }
        }
    }

    /** Bytes of the 5-tuple {@link #flowHash} hashes. */
    public static final int FLOW_KEY_BYTES = 13;

    /**
     * The hash that picks a table entry for a connection (§3.3: "hashes the 5-tuple"): MurmurHash3
     * x86_32 (seed 0, Commons Codec's {@link MurmurHash3#hash32x86(byte[], int, int, int)}) of
     * source address, destination address, source port, destination port (network byte order) and
     * protocol, 13 bytes written into {@code scratch}. The entry is {@code table[unsigned(hash) mod M]}.
     * Allocates nothing.
     */
    public static int flowHash(int src, int dst, int srcPort, int dstPort, int protocol, byte[] scratch) {
        scratch[0] = (byte) (src >>> 24);
        scratch[1] = (byte) (src >>> 16);
        scratch[2] = (byte) (src >>> 8);
        scratch[3] = (byte) src;
        scratch[4] = (byte) (dst >>> 24);
        scratch[5] = (byte) (dst >>> 16);
        scratch[6] = (byte) (dst >>> 8);
        scratch[7] = (byte) dst;
        scratch[8] = (byte) (srcPort >>> 8);
        scratch[9] = (byte) srcPort;
        scratch[10] = (byte) (dstPort >>> 8);
        scratch[11] = (byte) dstPort;
        scratch[12] = (byte) protocol;
        return MurmurHash3.hash32x86(scratch, 0, FLOW_KEY_BYTES, 0);
    }

    /** The table slot {@link #flowHash} picks in a table of size {@code m}. */
    public static int slot(int flowHash, int m) {
        return (int) (Integer.toUnsignedLong(flowHash) % m);
    }

    private static int advance(int c, int skip, int m) {
        int r = c + skip;
        return r >= m ? r - m : r;
    }

    private static byte[] utf8(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    static void requirePrime(int m) {
        if (m < 2 || !java.math.BigInteger.valueOf(m).isProbablePrime(30)) {
            throw new IllegalArgumentException("Maglev table size must be prime (NSDI 2016 §3.4), got " + m);
        }
    }
}
