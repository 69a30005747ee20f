package dev.iovirt.controller.meter;

import dev.iovirt.controller.flow.FlowRuleException;
import dev.iovirt.openflow.MeterBand;
import dev.iovirt.openflow.MeterConfig;
import dev.iovirt.openflow.MeterId;
import dev.iovirt.openflow.MeterModCommand;
import dev.iovirt.openflow.MeterStats;
import dev.iovirt.openflow.OfpMeterMod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The codec between {@link MeterRule} and OFPT_METER_MOD / OFPMP_METER_CONFIG / OFPMP_METER
 * (OF 1.3.5 §7.3.4.4, §7.3.5.12–13). Every refusal names the field, before anything is sent.
 */
public final class MeterRules {
    /** The largest rate or burst a band carries: a {@code uint32_t}. */
    private static final long MAX_U32 = 0xFFFF_FFFFL;

    private MeterRules() {
    }

    /** An OFPMC_ADD for {@code rule}; refusals name the field. */
    public static OfpMeterMod toAdd(MeterRule rule, int xid) {
        MeterId id = meterId(rule.meterId());
        int flags = 0;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rule.flags().size(); i++) {
            String f = rule.flags().get(i);
            if (!seen.add(f)) {
                throw new FlowRuleException("flags[" + i + "]", "flag '" + f + "' given twice");
            }
            flags |= switch (f) {
                case "kbps" -> OfpMeterMod.FLAG_KBPS;
                case "pktps" -> OfpMeterMod.FLAG_PKTPS;
                case "burst" -> OfpMeterMod.FLAG_BURST;
                case "stats" -> OfpMeterMod.FLAG_STATS;
                default -> throw new FlowRuleException("flags[" + i + "]", "meter flag must be kbps, pktps, burst or stats, not " + f);
            };
        }
        if (seen.contains("kbps") == seen.contains("pktps")) {
            throw new FlowRuleException("flags", "a meter's rates are in kbps or in pktps: give exactly one of them");
        }
        if (rule.bands().isEmpty()) {
            throw new FlowRuleException("bands", "a meter needs at least one band");
        }
        boolean burst = seen.contains("burst");
        List<MeterBand> bands = new ArrayList<>();
        for (int i = 0; i < rule.bands().size(); i++) {
            MeterBandRule b = rule.bands().get(i);
            String path = "bands[" + i + "]";
            if (b.rate() < 1 || b.rate() > MAX_U32) {
                throw new FlowRuleException(path + ".rate", "rate must be in 1.." + MAX_U32 + ", not " + b.rate());
            }
            if (b.burstSize() < 0 || b.burstSize() > MAX_U32) {
                throw new FlowRuleException(path + ".burst_size", "burst_size must be in 0.." + MAX_U32 + ", not " + b.burstSize());
            }
            if (!burst && b.burstSize() != 0) {
                throw new FlowRuleException(path + ".burst_size", "a burst_size needs the meter flag 'burst' (OF 1.3.5 §7.3.4.4)");
            }
            bands.add(switch (b.type() == null ? "" : b.type()) {
                case "drop" -> {
                    if (b.precLevel() != 0) {
                        throw new FlowRuleException(path + ".prec_level", "only dscp_remark bands have a prec_level");
                    }
                    yield new MeterBand.Drop(b.rate(), b.burstSize());
                }
                case "dscp_remark" -> {
                    if (b.precLevel() < 1 || b.precLevel() > 63) {
                        throw new FlowRuleException(path + ".prec_level", "a dscp_remark band needs a prec_level in 1..63");
                    }
                    yield new MeterBand.DscpRemark(b.rate(), b.burstSize(), b.precLevel());
                }
                default -> throw new FlowRuleException(path + ".type", "band type must be drop or dscp_remark, not " + b.type());
            });
        }
        return new OfpMeterMod(xid, MeterModCommand.ADD, flags, id, bands);
    }

    /** An OFPMC_DELETE of {@code meterId}. */
    public static OfpMeterMod toDelete(long meterId, int xid) {
        return new OfpMeterMod(xid, MeterModCommand.DELETE, 0, meterId(meterId), List.of());
    }

    /** The wire id of {@code id}, refused outside 1..OFPM_MAX. */
    public static MeterId meterId(long id) {
        if (id < 1 || id > (MeterId.MAX.value() & MAX_U32)) {
            throw new FlowRuleException("meter_id", "meter id must be in 1..4294901760, not " + id);
        }
        return MeterId.of((int) id);
    }

    /** The API's view of a meter config and its stats (null when the switch gave none). */
    public static MeterEntry fromReply(MeterConfig c, MeterStats s) {
        List<String> flags = new ArrayList<>();
        if ((c.flags() & OfpMeterMod.FLAG_KBPS) != 0) {
            flags.add("kbps");
        }
        if ((c.flags() & OfpMeterMod.FLAG_PKTPS) != 0) {
            flags.add("pktps");
        }
        if ((c.flags() & OfpMeterMod.FLAG_BURST) != 0) {
            flags.add("burst");
        }
        if ((c.flags() & OfpMeterMod.FLAG_STATS) != 0) {
            flags.add("stats");
        }
        List<MeterBandRule> bands = new ArrayList<>();
        for (MeterBand b : c.bands()) {
            bands.add(switch (b) {
                case MeterBand.Drop d -> MeterBandRule.drop(d.rate(), d.burstSize());
                case MeterBand.DscpRemark d -> new MeterBandRule("dscp_remark", d.rate(), d.burstSize(), d.precLevel());
            });
        }
        MeterRule rule = new MeterRule(c.meterId().value() & MAX_U32, flags, bands);
        if (s == null) {
            return new MeterEntry(rule, 0, 0, 0, 0, List.of(), List.of());
        }
        List<Long> packets = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        long[] counters = s.bandCounters();
        for (int i = 0; i + 1 < counters.length; i += 2) {
            packets.add(counters[i]);
            bytes.add(counters[i + 1]);
        }
        return new MeterEntry(rule, s.flowCount(), s.packetInCount(), s.byteInCount(), s.durationSec(), packets, bytes);
    }
}
