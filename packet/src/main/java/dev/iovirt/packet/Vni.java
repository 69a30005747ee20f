package dev.iovirt.packet;

/**
 * A 24-bit VXLAN network identifier (RFC 7348 §5).
 *
 * @param value the VNI, 0..16,777,215
 */
public record Vni(int value) {
    public Vni {
        if (value < 0 || value > 0xFF_FFFF) {
            throw new IllegalArgumentException("VNI must be 0..16777215 (24 bits): " + value);
        }
    }

    public static Vni of(int value) {
        return new Vni(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
