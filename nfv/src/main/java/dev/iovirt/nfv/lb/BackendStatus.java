package dev.iovirt.nfv.lb;

import dev.iovirt.packet.Ipv4Address;

/**
 * One backend's state and counters as the host reads them.
 *
 * @param name               the backend's name
 * @param ip                 its address
 * @param up                 whether health checks consider it up (it has Maglev entries)
 * @param activeConnections  connections in the table now on this backend
 * @param connections        connections ever given to this backend (new and moved)
 * @param packets            packets forwarded to it and replies restored from it
 * @param probes             health probes sent to it
 * @param probeFailures      probes it did not answer before the next one was due
 * @param tableEntries       its share of the current Maglev table
 */
public record BackendStatus(String name, Ipv4Address ip, boolean up, int activeConnections, long connections,
        long packets, long probes, long probeFailures, int tableEntries) {
}
