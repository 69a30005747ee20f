package dev.iovirt.controller.meter;

/**
 * A band of a meter, {@code struct ofp_meter_band_*} (OF 1.3.5 §7.3.4.4), in the API's terms.
 *
 * @param type {@code drop} or {@code dscp_remark}
 * @param rate the rate above which the band applies, in the meter's unit (kb/s or packets/s)
 * @param burstSize the burst size in kb or packets; only used when the meter has the {@code burst} flag
 * @param precLevel for {@code dscp_remark}: by how much the drop precedence is raised; 0 otherwise
 */
public record MeterBandRule(String type, long rate, long burstSize, int precLevel) {
    public static MeterBandRule drop(long rate, long burstSize) {
        return new MeterBandRule("drop", rate, burstSize, 0);
    }
}
