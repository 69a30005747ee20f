package dev.iovirt.guest.programs;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.UdpSocket;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Ipv4Address;

/**
 * Sends {@code count} UDP datagrams at {@code ratePps} to {@code destination:port}, each an Ethernet
 * frame of {@code frameSize} bytes counting the 4-byte FCS (so 64 is the minimum frame, as traffic
 * generators count it). The payload carries a sequence number and the send time; replies (from an echo
 * server) are counted and their round-trip times summed.
 *
 * <p>A state machine on the guest timer: each run sends every datagram due by now (from the start time
 * and the rate, so a late timer catches up rather than drifting) and re-arms for the next one.
 */
public final class UdpTrafficGenerator implements Task {
    /** Ethernet header, IPv4 header, UDP header, FCS. */
    public static final int OVERHEAD = 14 + 20 + 8 + 4;
    private final NetStack stack;
    private final Ipv4Address destination;
    private final int port;
    private final long ratePps;
    private final long count;
    private final byte[] payload;
    private final UdpSocket socket;
    private final int burst;
    private long start = -1;
    private long sent;
    private long dropped;
    private long replies;
    private long rttSum;

    public UdpTrafficGenerator(NetStack stack, int sourcePort, Ipv4Address destination, int port, long ratePps, int frameSize, long count) {
        this(stack, sourcePort, destination, port, ratePps, frameSize, count, 1);
    }

    /**
     * As above, waking only when {@code burst} datagrams are due and sending them back to back (Linux
     * pktgen's {@code burst}): the same average rate with fewer timer ticks and, at the receiver, fewer
     * interrupts.
     */
    public UdpTrafficGenerator(NetStack stack, int sourcePort, Ipv4Address destination, int port, long ratePps, int frameSize, long count,
            int burst) {
        if (frameSize < 64 || frameSize > 1518) {
            throw new IllegalArgumentException("frame size must be 64..1518 bytes: " + frameSize);
        }
        if (ratePps <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive: " + ratePps + " pps, burst " + burst);
        }
        this.burst = burst;
        this.stack = stack;
        this.destination = destination;
        this.port = port;
        this.ratePps = ratePps;
        this.count = count;
        this.payload = new byte[frameSize - OVERHEAD];
        this.socket = stack.bindUdp(sourcePort, (s, source, sourcePortOfReply, p, off, len) -> {
            replies++;
            if (len >= 16) {
                rttSum += now() - Bytes.getI64(p, off + 8);
            }
        });
    }

    private Kernel kernel;
    /** The timer action, made once: it only schedules this task (timers run in interrupt context). */
    private Runnable wake;

    private long now() {
        return kernel.cpu().rdtsc();
    }

    @Override
    public boolean step(Kernel k) {
        if (kernel == null) {
            kernel = k;
            wake = () -> k.spawn(this);
        }
        long t = now();
        if (start < 0) {
            start = t;
        }
        long due = Math.min(count, 1 + (t - start) * ratePps / 1_000_000_000L);
        boolean batch = due - sent > 1;
        if (batch) {
            stack.beginTransmitBatch(); // one doorbell for the burst
        }
        while (sent < due) {
            if (payload.length >= 16) {
                Bytes.putI64(payload, 0, sent);
                Bytes.putI64(payload, 8, t);
            }
            if (!socket.sendTo(destination, port, payload, 0, payload.length)) {
                dropped++;
            }
            sent++;
        }
        if (batch) {
            stack.endTransmitBatch();
        }
        if (sent < count) {
            // Datagram j is due at start + j / rate; wake when the last of the next burst is due.
            long last = Math.min(count, sent + burst) - 1;
            long nextAt = start + (last * 1_000_000_000L + ratePps - 1) / ratePps;
            k.addTimer(Math.max(1, nextAt - t), wake);
        }
        return false;
    }

    public long sent() {
        return sent;
    }

    /** Datagrams the stack refused at once (device ring full). */
    public long dropped() {
        return dropped;
    }

    public long replies() {
        return replies;
    }

    /** Mean round-trip time of the replies, in nanoseconds (0 if none). */
    public long meanRttNanos() {
        return replies == 0 ? 0 : rttSum / replies;
    }

    public boolean done() {
        return sent >= count;
    }
}
