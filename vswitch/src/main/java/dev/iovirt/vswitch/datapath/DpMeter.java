package dev.iovirt.vswitch.datapath;

/**
 * A meter as the datapath runs it: token buckets, one per band, refilled at the band's rate; a
 * frame that finds a drop band's bucket empty is dropped (OpenFlow 1.3.5 §5.7: the band with the
 * highest rate below the measured rate applies, which for drop bands means: any exceeded drop band
 * drops). Rates are in packets per second or kilobits per second.
 *
 * <p>Invariant: used by the datapath thread only.
 */
public final class DpMeter {
    private final long id;
    private final boolean packets;
    private final long[] rates;
    private final long[] bursts;
    private final double[] tokens;
    private long lastNanos = Long.MIN_VALUE;
    private long passed;
    private long dropped;
    private final long[] bandDrops;

    /**
     * @param id the meter's id (for display)
     * @param packets rates count packets (OFPMF_PKTPS) rather than kilobits (OFPMF_KBPS)
     * @param rates each drop band's rate
     * @param bursts each band's burst, in packets or kilobits (0: one second's worth)
     */
    public DpMeter(long id, boolean packets, long[] rates, long[] bursts) {
        this.id = id;
        this.packets = packets;
        this.rates = rates.clone();
        this.bursts = new long[rates.length];
        this.tokens = new double[rates.length];
        this.bandDrops = new long[rates.length];
        for (int i = 0; i < rates.length; i++) {
            this.bursts[i] = bursts[i] > 0 ? bursts[i] : Math.max(1, rates[i]);
            this.tokens[i] = this.bursts[i];
        }
    }

    public long id() {
        return id;
    }

    /** Charges one frame of {@code bytes} at time {@code nowNanos}; false if a band drops it. */
    public boolean admit(long nowNanos, int bytes) {
        if (lastNanos != Long.MIN_VALUE && nowNanos > lastNanos) {
            double seconds = (nowNanos - lastNanos) / 1e9;
            for (int i = 0; i < rates.length; i++) {
                tokens[i] = Math.min(bursts[i], tokens[i] + rates[i] * seconds);
            }
        }
        lastNanos = Math.max(lastNanos, nowNanos);
        double cost = packets ? 1 : bytes * 8 / 1000.0;
        for (int i = 0; i < rates.length; i++) {
            if (tokens[i] < cost) {
                bandDrops[i]++;
                dropped++;
                return false;
            }
        }
        for (int i = 0; i < rates.length; i++) {
            tokens[i] -= cost;
        }
        passed++;
        return true;
    }

    public long passed() {
        return passed;
    }

    public long dropped() {
        return dropped;
    }

    /** Frames dropped by band {@code i}. */
    public long bandDrops(int i) {
        return bandDrops[i];
    }
}
