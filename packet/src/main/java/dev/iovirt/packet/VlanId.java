package dev.iovirt.packet;

/**
 * A 12-bit IEEE 802.1Q VLAN identifier (0..4095; 0 means priority-tagged only, 4095 is reserved).
 *
 * @param value the VID
 */
public record VlanId(int value) {
    /** IEEE 802.1Q-2018 §9.6: VID 0 carries only priority. */
    public static final VlanId NONE = new VlanId(0);

    public VlanId {
        if (value < 0 || value > 0xFFF) {
            throw new IllegalArgumentException("VLAN ID must be 0..4095: " + value);
        }
    }

    public static VlanId of(int value) {
        return new VlanId(value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
