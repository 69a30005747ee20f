package dev.iovirt.platform.topology;

/**
 * A rate: packets per second or bits per second, as a topology writes it ({@code 10000pps},
 * {@code 10kpps}, {@code 1Gbps}). Multipliers are decimal (k = 1000), as for link speeds.
 *
 * @param value how many units per second, at least 1
 * @param unit packets or bits
 */
public record Rate(long value, Unit unit) {
    /** What a rate counts. */
    public enum Unit {
        /** Packets per second. */
        PACKETS("pps"),
        /** Bits per second. */
        BITS("bps");

        private final String suffix;

        Unit(String suffix) {
            this.suffix = suffix;
        }

        /** The suffix written after the number ({@code pps} or {@code bps}). */
        public String suffix() {
            return suffix;
        }
    }

    public Rate {
        if (value < 1) {
            throw new IllegalArgumentException("a rate is at least 1 per second: " + value);
        }
    }

    public static Rate pps(long packetsPerSecond) {
        return new Rate(packetsPerSecond, Unit.PACKETS);
    }

    public static Rate bps(long bitsPerSecond) {
        return new Rate(bitsPerSecond, Unit.BITS);
    }

    /** The shortest exact spelling, e.g. {@code 10kpps} or {@code 1Gbps}. */
    @Override
    public String toString() {
        String[] prefixes = {"", "k", "M", "G", "T"};
        long v = value;
        int i = 0;
        while (i < prefixes.length - 1 && v % 1000 == 0) {
            v /= 1000;
            i++;
        }
        return v + prefixes[i] + unit.suffix();
    }
}
