package dev.iovirt.nfv.conntrack;

import java.util.Arrays;

/**
 * How long an idle connection is kept, per protocol and TCP state; the defaults are Linux's
 * ({@code nf_conntrack_udp_timeout} 30 s, {@code nf_conntrack_udp_timeout_stream} 120 s,
 * {@code nf_conntrack_icmp_timeout} 30 s, and {@link TcpState#defaultTimeoutNanos}).
 *
 * @param tcpNanos timeout per {@link TcpState} ordinal
 * @param udpUnrepliedNanos a UDP flow seen in one direction only
 * @param udpAssuredNanos a UDP flow that has seen a reply
 * @param icmpNanos an ICMP echo exchange
 */
public record Timeouts(long[] tcpNanos, long udpUnrepliedNanos, long udpAssuredNanos, long icmpNanos) {
    public Timeouts {
        if (tcpNanos.length != TcpState.VALUES.length) {
            throw new IllegalArgumentException("one TCP timeout per state: " + TcpState.VALUES.length);
        }
        tcpNanos = tcpNanos.clone();
    }

    /** Linux's defaults. */
    public static Timeouts linuxDefaults() {
        long[] tcp = new long[TcpState.VALUES.length];
        for (TcpState s : TcpState.VALUES) {
            tcp[s.ordinal()] = s.defaultTimeoutNanos;
        }
        return new Timeouts(tcp, 30_000_000_000L, 120_000_000_000L, 30_000_000_000L);
    }

    /** The timeout of a TCP connection in {@code state}. */
    public long tcp(TcpState state) {
        return tcpNanos[state.ordinal()];
    }

    @Override
    public long[] tcpNanos() {
        return tcpNanos.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Timeouts t && Arrays.equals(tcpNanos, t.tcpNanos) && udpUnrepliedNanos == t.udpUnrepliedNanos
                && udpAssuredNanos == t.udpAssuredNanos && icmpNanos == t.icmpNanos;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tcpNanos) * 31 + Long.hashCode(udpUnrepliedNanos ^ udpAssuredNanos ^ icmpNanos);
    }
}
