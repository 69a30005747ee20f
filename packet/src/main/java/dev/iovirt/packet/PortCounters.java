package dev.iovirt.packet;

/**
 * Packet and byte counters of one frame port, as OpenFlow port statistics count them
 * (OpenFlow 1.3.5 §7.3.5.6, {@code ofp_port_stats}). Written by the port's single owner thread,
 * read by anyone: plain volatile-free longs are enough because readers tolerate a stale view.
 */
public final class PortCounters {
    /** Frames that entered through this port (handed to its {@code receive} caller). */
    public long rxPackets;
    public long rxBytes;
    /** Frames that arrived but were dropped before they could be received (no room, no buffer). */
    public long rxDropped;
    /** Frames sent out of this port (accepted by {@code transmit}). */
    public long txPackets;
    public long txBytes;
    /** Frames given to {@code transmit} that the port could not take. */
    public long txDropped;
    /** Frames the port rejected as malformed (too short, too long). */
    public long rxErrors;

    public void countRx(int bytes) {
        rxPackets++;
        rxBytes += bytes;
    }

    public void countTx(int bytes) {
        txPackets++;
        txBytes += bytes;
    }

    @Override
    public String toString() {
        return "rx " + rxPackets + " pkts " + rxBytes + " B (dropped " + rxDropped + ", errors " + rxErrors
                + "), tx " + txPackets + " pkts " + txBytes + " B (dropped " + txDropped + ")";
    }
}
