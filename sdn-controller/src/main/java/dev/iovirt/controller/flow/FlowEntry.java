package dev.iovirt.controller.flow;

/**
 * A flow entry as the switch reported it in OFPMP_FLOW (OF 1.3.5 §7.3.5.2).
 *
 * @param rule the entry in the API's terms
 * @param flow the entry in ovs-ofctl notation
 * @param packetCount packets matched
 * @param byteCount bytes matched
 * @param durationSec seconds since the entry was added
 */
public record FlowEntry(FlowRule rule, String flow, long packetCount, long byteCount, long durationSec) {
}
