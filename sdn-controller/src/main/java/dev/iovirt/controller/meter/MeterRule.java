package dev.iovirt.controller.meter;

import java.util.List;

/**
 * A meter as the API describes it (OF 1.3.5 §5.7, §7.3.4.4).
 *
 * @param meterId the meter id, 1..0xffff0000 (OFPM_MAX)
 * @param flags {@code kbps} or {@code pktps} (exactly one), optionally {@code burst} and {@code stats}
 * @param bands the bands, at least one
 */
public record MeterRule(long meterId, List<String> flags, List<MeterBandRule> bands) {
    public MeterRule {
        flags = List.copyOf(flags);
        bands = List.copyOf(bands);
    }
}
