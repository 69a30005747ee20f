package dev.iovirt.nfv;

import dev.iovirt.packet.MacAddress;
import java.util.List;
import java.util.Map;

/**
 * The data path of one virtual appliance. Ports are the appliance's vNICs, numbered from 0 in the
 * order the appliance was given them (for a bump in the wire: 0 = ingress, 1 = egress, as a
 * networking-sfc port pair names them).
 *
 * <p>Called from one thread (the appliance's poll loop on its vCPU), never concurrently. A frame
 * handed to {@link #process} is valid only during the call; the function may rewrite it in place
 * and emit it, or emit other frames. Frames carry no FCS. A malformed frame is dropped and counted:
 * {@code process} never throws because of what a frame contains.
 */
public interface NetworkFunction {
    /** Where a function's frames go: {@code frame[off, off+len)} out of port {@code port}, copied before the call returns. */
    @FunctionalInterface
    interface Output {
        void emit(int port, byte[] frame, int off, int len);
    }

    /**
     * Called once, before the first frame, with each port's Ethernet address as the appliance's
     * drivers read it from its NIC (a NAT answers ARP with its outside port's).
     */
    default void attach(List<MacAddress> portMacs) {
    }

    /** Processes one frame received on {@code port} at guest time {@code nowNanos}. */
    void process(int port, byte[] frame, int off, int len, long nowNanos, Output out);

    /**
     * Called by the poll loop once per round, after the received bursts: timers (connection
     * expiry, health checks, ARP retries) run here.
     */
    default void tick(long nowNanos, Output out) {
    }

    /** How many ports the function needs. */
    int ports();

    /**
     * The function's counters by name, a snapshot: what the appliance's management interface (its CLI
     * or API) reports. The platform reads them as an operator would; nothing on the data path uses it.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }
}
