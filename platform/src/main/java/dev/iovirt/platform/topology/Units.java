package dev.iovirt.platform.topology;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spellings a topology uses for sizes, durations, rates and loss. Each method throws
 * {@link IllegalArgumentException} with a full sentence that names the key, quotes the value and
 * shows a correct example; the loader puts that sentence at the value's line and column.
 */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-zµ]*)");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKMGT]?)([A-Za-z/]*)");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

    private Units() {
    }

    /** Parses a byte size with a binary unit: {@code 256MiB}, {@code 1GiB}, {@code 4096B}. */
    public static long size(String key, String text) {
        Matcher m = SIZE.matcher(text.strip());
        String example = " — write a whole number and a binary unit (B, KiB, MiB, GiB or TiB), e.g. 256MiB";
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a size" + example);
        }
        String unit = m.group(2);
        int shift = switch (unit) {
            case "B" -> 0;
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            case "" -> throw new IllegalArgumentException(key + " '" + text + "' has no unit" + example);
            default -> {
                String binary = switch (unit.toUpperCase(Locale.ROOT)) {
                    case "K", "KB", "KIB" -> "KiB";
                    case "M", "MB", "MIB" -> "MiB";
                    case "G", "GB", "GIB" -> "GiB";
                    case "T", "TB", "TIB" -> "TiB";
                    default -> null;
                };
                throw new IllegalArgumentException(key + " '" + text + "' has an unknown unit '" + unit + "'"
                        + (binary != null ? " — sizes are binary: write " + m.group(1) + binary : example));
            }
        };
        BigDecimal v = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        if (v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(key + " '" + text + "' is too large");
        }
        return v.longValueExact();
    }

    /** Parses a duration: {@code 2s}, {@code 500ms}, {@code 100us}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
    public static Duration duration(String key, String text) {
        Matcher m = DURATION.matcher(text.strip());
        String example = " — write a number and a unit (ns, us, ms, s, m or h), e.g. 2s or 500ms";
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a duration" + example);
        }
        long nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" -> throw new IllegalArgumentException(key + " '" + text + "' has no unit" + example);
            default -> throw new IllegalArgumentException(key + " '" + text + "' has an unknown unit '" + m.group(2) + "'" + example);
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(key + " '" + text + "' is too long");
        }
        if (nanos.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(key + " '" + text + "' is finer than a nanosecond");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /**
     * Parses a rate: packets per second ({@code 10000pps}, {@code 10kpps}, {@code 1Mpps}) or bits per
     * second ({@code 100Mbps}, {@code 1Gbps}), with decimal multipliers k, M, G, T.
     */
    public static Rate rate(String key, String text) {
        Matcher m = RATE.matcher(text.strip());
        String example = " — write a number, an optional k, M or G and pps or bps, e.g. 10000pps, 10kpps or 1Gbps";
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a rate" + example);
        }
        Rate.Unit unit = switch (m.group(3)) {
            case "pps" -> Rate.Unit.PACKETS;
            case "bps", "bit/s" -> Rate.Unit.BITS;
            case "" -> throw new IllegalArgumentException(key + " '" + text + "' has no unit" + example);
            case "Bps", "B/s" -> throw new IllegalArgumentException(key + " '" + text
                    + "' is in bytes per second — rates are in bits (bps) or packets (pps) per second, e.g. 1Gbps");
            default -> throw new IllegalArgumentException(key + " '" + text + "' has an unknown unit '" + m.group(3) + "'" + example);
        };
        long multiplier = switch (m.group(2)) {
            case "" -> 1L;
            case "k", "K" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            default -> 1_000_000_000_000L;
        };
        BigDecimal v = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
        if (v.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException(key + " '" + text + "' must be at least 1" + unit.suffix());
        }
        if (v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(key + " '" + text + "' is too large");
        }
        if (v.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a whole number of " + unit.suffix());
        }
        return new Rate(v.longValueExact(), unit);
    }

    /** Parses a share of packets as a percentage: {@code 1%}, {@code 0.5%}. */
    public static double percent(String key, String text) {
        Matcher m = PERCENT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a percentage — write a number and %, e.g. 0.5%");
        }
        double v = Double.parseDouble(m.group(1));
        if (v > 100) {
            throw new IllegalArgumentException(key + " '" + text + "' is more than 100%");
        }
        return v;
    }

    /** Formats a byte count with the largest binary unit that divides it: {@code 256MiB}. */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (i < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            i++;
        }
        return bytes + units[i];
    }
}
