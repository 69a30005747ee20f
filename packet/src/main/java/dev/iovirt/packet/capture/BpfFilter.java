package dev.iovirt.packet.capture;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A capture filter in tcpdump syntax ({@code pcap-filter(7)}), compiled once by libpcap through
 * Pcap4J and applied to each Ethernet frame with {@code pcap_offline_filter}.
 *
 * <p>Thread-safe once compiled: applying a filter does not modify it.
 */
public final class BpfFilter implements AutoCloseable {
    /** The snap length the program is compiled for; frames are matched on at most this many bytes. */
    static final int SNAPLEN = 262144;

    private final String expression;
    private final BpfProgram program;

    private BpfFilter(String expression, BpfProgram program) {
        this.expression = expression;
        this.program = program;
    }

    /**
     * Compiles {@code expression} for Ethernet frames.
     *
     * @throws IllegalArgumentException with libpcap's message if the expression is not valid
     * @throws IllegalStateException if libpcap is not installed
     */
    public static BpfFilter compile(String expression) {
        PcapHandle dead;
        try {
            dead = Pcaps.openDead(DataLinkType.EN10MB, SNAPLEN);
        } catch (PcapNativeException e) {
            throw new IllegalStateException("libpcap could not open a dead handle: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new IllegalStateException("libpcap is not installed (Debian package libpcap0.8): " + e.getMessage(), e);
        }
        try {
            BpfProgram program = dead.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE,
                    PcapHandle.PCAP_NETMASK_UNKNOWN);
            return new BpfFilter(expression, program);
        } catch (PcapNativeException e) {
            throw new IllegalArgumentException("bad filter '" + expression + "': " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad filter '" + expression + "': " + e, e);
        } finally {
            dead.close();
        }
    }

    public String expression() {
        return expression;
    }

    /** Whether the filter accepts a frame captured whole. */
    public boolean matches(byte[] frame) {
        return program.applyFilter(frame, frame.length, frame.length);
    }

    /** Whether the filter accepts a frame of which {@code frame} holds the first bytes of {@code originalLength}. */
    public boolean matches(byte[] frame, int originalLength) {
        return program.applyFilter(frame, Math.max(originalLength, frame.length), frame.length);
    }

    @Override
    public void close() {
        if (!program.isFreed()) {
            program.free();
        }
    }

    @Override
    public String toString() {
        return expression;
    }
}
