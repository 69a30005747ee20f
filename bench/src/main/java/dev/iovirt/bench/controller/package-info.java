/**
 * A cbench-style load generator for OpenFlow controllers: emulated switches over TCP that send
 * PACKET_IN and count FLOW_MOD and PACKET_OUT replies (throughput and latency modes).
 *
 * <pre>emulated switch ─HELLO, FEATURES, PORT_DESC─▶ controller; then PACKET_IN ─▶ reply counted ─▶ next PACKET_IN</pre>
 */
package dev.iovirt.bench.controller;
