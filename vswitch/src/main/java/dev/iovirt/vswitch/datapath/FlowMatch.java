package dev.iovirt.vswitch.datapath;

import java.util.Arrays;

/**
 * A match over {@link FlowWords}: a mask and a value, with the value already masked. Immutable;
 * build one with {@link #builder()}.
 */
public final class FlowMatch {
    private static final FlowMatch ANY = new FlowMatch(new long[FlowWords.WORDS], new long[FlowWords.WORDS]);

    private final long[] mask;
    private final long[] value;

    private FlowMatch(long[] mask, long[] value) {
        this.mask = mask;
        this.value = value;
    }

    /** Matches every packet. */
    public static FlowMatch any() {
        return ANY;
    }

    /** A match of exactly these mask and value words (the value is masked here). */
    public static FlowMatch of(long[] mask, long[] value) {
        if (mask.length != FlowWords.WORDS || value.length != FlowWords.WORDS) {
            throw new IllegalArgumentException("a match has " + FlowWords.WORDS + " words");
        }
        long[] m = mask.clone();
        long[] v = new long[FlowWords.WORDS];
        for (int i = 0; i < FlowWords.WORDS; i++) {
            v[i] = value[i] & m[i];
        }
        return new FlowMatch(m, v);
    }

    /** The match a packed key has under {@code mask}, e.g. to install a megaflow. */
    public static FlowMatch ofKey(long[] key, int off, long[] mask) {
        long[] v = new long[FlowWords.WORDS];
        for (int i = 0; i < FlowWords.WORDS; i++) {
            v[i] = key[off + i] & mask[i];
        }
        return new FlowMatch(mask.clone(), v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether a packed key matches. */
    public boolean matches(long[] key, int off) {
        for (int i = 0; i < FlowWords.WORDS; i++) {
            if ((key[off + i] & mask[i]) != value[i]) {
                return false;
            }
        }
        return true;
    }

    /** Mask word {@code w}. */
    public long mask(int w) {
        return mask[w];
    }

    /** Value word {@code w}. */
    public long value(int w) {
        return value[w];
    }

    long[] maskWords() {
        return mask;
    }

    long[] valueWords() {
        return value;
    }

    /** Whether this match constrains any bit of {@code field}. */
    public boolean constrains(FlowWords.Field field) {
        return (mask[field.word] & field.wordMask) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowMatch m && Arrays.equals(mask, m.mask) && Arrays.equals(value, m.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mask) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (FlowWords.Field f : FlowWords.Field.values()) {
            long m = f.get(mask, 0);
            if (m == 0) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(f.name().toLowerCase()).append("=0x").append(Long.toHexString(f.get(value, 0)));
            long full = f.width == 64 ? -1L : (1L << f.width) - 1;
            if (m != full) {
                sb.append("/0x").append(Long.toHexString(m));
            }
        }
        return sb.length() == 0 ? "any" : sb.toString();
    }

    /** Builds a match field by field. */
    public static final class Builder {
        private final long[] mask = new long[FlowWords.WORDS];
        private final long[] value = new long[FlowWords.WORDS];

        /** Matches {@code field} exactly. */
        public Builder exact(FlowWords.Field field, long v) {
            return masked(field, v, -1L);
        }

        /** Matches the bits of {@code field} set in {@code m}. */
        public Builder masked(FlowWords.Field field, long v, long m) {
            long fm = m << field.shift & field.wordMask;
            mask[field.word] = mask[field.word] & ~field.wordMask | fm;
            value[field.word] = value[field.word] & ~field.wordMask | (v << field.shift & fm);
            return this;
        }

        /**
         * Adds the bits of {@code m} (in field position, not shifted by the caller beyond the field)
         * to what is matched in {@code field}, keeping bits already matched: for fields that several
         * OpenFlow fields share (VLAN VID and PCP in vlan_tci, DSCP and ECN in ip_tos).
         */
        public Builder mergeMasked(FlowWords.Field field, long v, long m) {
            long fm = m << field.shift & field.wordMask;
            mask[field.word] |= fm;
            value[field.word] = value[field.word] & ~fm | (v << field.shift & fm);
            return this;
        }

        /** Matches the top {@code prefixLength} bits of a 32-bit field (an IPv4 prefix). */
        public Builder prefix(FlowWords.Field field, int v, int prefixLength) {
            long m = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
            return masked(field, v & 0xFFFF_FFFFL, m);
        }

        public FlowMatch build() {
            return FlowMatch.of(mask, value);
        }
    }
}
