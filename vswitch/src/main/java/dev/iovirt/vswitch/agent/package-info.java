/**
 * The OpenFlow agent: the part of a switch that talks to controllers (Open vSwitch's connmgr,
 * ofconn and rconn). It owns a {@link dev.iovirt.vswitch.ofproto.Bridge} and the one thread that
 * drives it, and carries messages between Netty channels and that thread.
 *
 * <pre>
 *  controller socket ─▶ IdleStateHandler ─▶ OfpFrameDecoder ─▶ OfConnection (event loop)
 *   (ptcp listener or      (probe)              │                 │ HELLO, version negotiation
 *    active tcp: with                           │                 │ ECHO_REQUEST ─▶ ECHO_REPLY
 *    reconnect backoff)                   OfpMalformed            ▼
 *                                      ─▶ OfpErrorResponder   mailbox (FIFO, wakes the switch thread)
 *                                          ─▶ OFPT_ERROR          │
 *                                                                 ▼  switch thread
 *                             role / slave check ─▶ Bridge.handle(msg) ─▶ replies
 *                                                                 │ multipart split at 65535,
 *                                                                 │ error data = offending bytes
 *  controller socket ◀─ OfpEncoder ◀─ channel.write ◀─────────────┘
 *
 *  ports ─▶ Bridge.poll (switch thread) ─▶ event sink: PACKET_IN, PORT_STATUS, FLOW_REMOVED
 *        ─▶ every connection past its handshake (a slave: PORT_STATUS only) ─▶ OfpEncoder
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.iovirt.vswitch.agent.SwitchAgent}: the switch thread (or step mode for tests),
 *       the mailbox, listeners, controllers, roles, fail mode.</li>
 *   <li>{@code OfConnection}: one channel: handshake, echo, inactivity probe.</li>
 *   <li>{@code ActiveController}: one {@code tcp:HOST:PORT} target kept connected with
 *       {@link dev.iovirt.vswitch.agent.Backoff}.</li>
 *   <li>{@link dev.iovirt.vswitch.agent.FailOpen}: how standalone mode turns the bridge into a
 *       learning switch while no controller is connected.</li>
 * </ul>
 *
 * <p>Why a mailbox: the bridge is single-threaded by design (one thread per datapath, as an OVS
 * PMD thread), so event loops never call it; they queue closures, in arrival order per
 * connection, which keeps OpenFlow's ordering (a BARRIER_REPLY is sent only after every earlier
 * message of that connection has been carried out). Echo requests are answered on the event loop,
 * so that a switch busy forwarding still looks alive.
 *
 * <p>Back-pressure: a connection with more than 1024 messages waiting in the mailbox stops reading
 * its socket (Netty autoRead off) until the switch thread has brought it down to 256, so a
 * controller flooding flow-mods waits in TCP buffers instead of in our heap.
 *
 * <p>Not built: OFPT_SET_ASYNC/GET_ASYNC (the codec lacks them; the default asynchronous
 * configuration applies), auxiliary connections, TLS.
 */
package dev.iovirt.vswitch.agent;
