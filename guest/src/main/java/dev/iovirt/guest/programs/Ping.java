package dev.iovirt.guest.programs;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.packet.Ipv4Address;

/**
 * {@code ping -c count -i interval -s size target}: ICMP echo requests (RFC 792) at a fixed interval;
 * each reply's round-trip time is measured on the platform clock. The program ends {@code timeout}
 * after the last request.
 */
public final class Ping implements Task {
    private final NetStack stack;
    private final Ipv4Address target;
    private final int count;
    private final long intervalNanos;
    private final int payloadBytes;
    private final long timeoutNanos;
    private final int identifier;
    private final long[] sentAt;
    private final long[] rtt;
    private int sent;
    private int received;
    private boolean finished;
    private Kernel kernel;

    public Ping(NetStack stack, Ipv4Address target, int count, long intervalNanos, int payloadBytes, long timeoutNanos) {
        this.stack = stack;
        this.target = target;
        this.count = count;
        this.intervalNanos = intervalNanos;
        this.payloadBytes = payloadBytes;
        this.timeoutNanos = timeoutNanos;
        this.identifier = 0x1D00 | (stack.address().bits() & 0xFF);
        this.sentAt = new long[count];
        this.rtt = new long[count];
        java.util.Arrays.fill(rtt, -1);
        stack.setEchoReplyListener((source, id, sequence, length) -> {
            if (id == identifier && source.equals(target) && sequence < sent && rtt[sequence] < 0) {
                rtt[sequence] = kernel.cpu().rdtsc() - sentAt[sequence];
                received++;
            }
        });
    }

    /** Sends the next request (run from the kernel's run queue). */
    @Override
    public boolean step(Kernel k) {
        this.kernel = k;
        if (sent >= count) {
            return false;
        }
        int sequence = sent;
        sentAt[sequence] = k.cpu().rdtsc();
        sent++;
        stack.sendEchoRequest(target, identifier, sequence, payloadBytes);
        if (sent < count) {
            k.addTimer(intervalNanos, () -> k.spawn(this));
        } else {
            k.addTimer(timeoutNanos, () -> finished = true);
        }
        return false;
    }

    public int transmitted() {
        return sent;
    }

    public int received() {
        return received;
    }

    /** Whether the last request's timeout has passed. */
    public boolean finished() {
        return finished;
    }

    /** Round-trip time of request {@code sequence} in nanoseconds, or -1 if no reply came. */
    public long rttNanos(int sequence) {
        return rtt[sequence];
    }

    /** The summary line ping prints. */
    public String summary() {
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (int i = 0; i < sent; i++) {
            if (rtt[i] >= 0) {
                min = Math.min(min, rtt[i]);
                max = Math.max(max, rtt[i]);
                sum += rtt[i];
            }
        }
        String s = sent + " packets transmitted, " + received + " received, "
                + (sent == 0 ? 0 : 100 * (sent - received) / sent) + "% packet loss";
        if (received > 0) {
            s += String.format(", rtt min/avg/max = %.3f/%.3f/%.3f ms", min / 1e6, sum / (double) received / 1e6, max / 1e6);
        }
        return s;
    }
}
