package dev.iovirt.openflow;

import java.util.List;

/**
 * OFPT_METER_MOD (OF 1.3.5 §7.3.4.4).
 *
 * @param xid the transaction id
 * @param command add, modify or delete
 * @param flags {@code FLAG_*} bits
 * @param meterId the meter
 * @param bands the meter's bands
 */
public record OfpMeterMod(int xid, MeterModCommand command, int flags, MeterId meterId, List<MeterBand> bands) implements OfpMessage {
    // OF 1.3.5 §7.3.4.4, enum ofp_meter_flags.
    /** OFPMF_KBPS: rates in kb/s. */
    public static final int FLAG_KBPS = 1;
    /** OFPMF_PKTPS: rates in packets/s. */
    public static final int FLAG_PKTPS = 1 << 1;
    /** OFPMF_BURST: use the burst size. */
    public static final int FLAG_BURST = 1 << 2;
    /** OFPMF_STATS: collect statistics. */
    public static final int FLAG_STATS = 1 << 3;

    public OfpMeterMod {
        bands = List.copyOf(bands);
    }

    @Override
    public OfpType type() {
        return OfpType.METER_MOD;
    }

    /** The meter in ovs-ofctl's add-meter notation, which {@link OfpText#parseMeterMod} reads back. */
    public String toMeterString() {
        StringBuilder sb = new StringBuilder("meter=" + (meterId.equals(MeterId.ALL) ? "all" : meterId.toString()));
        if ((flags & FLAG_KBPS) != 0) {
            sb.append(",kbps");
        }
        if ((flags & FLAG_PKTPS) != 0) {
            sb.append(",pktps");
        }
        if ((flags & FLAG_BURST) != 0) {
            sb.append(",burst");
        }
        if ((flags & FLAG_STATS) != 0) {
            sb.append(",stats");
        }
        String sep = ",band=";
        for (MeterBand b : bands) {
            sb.append(sep).append(b.toString().replace(' ', ','));
            sep = ",";
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "OFPT_METER_MOD (xid=0x" + Integer.toHexString(xid) + "): " + command.name() + " " + toMeterString();
    }
}
