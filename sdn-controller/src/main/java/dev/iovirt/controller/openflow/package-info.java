/**
 * The OpenFlow side of the controller: the Netty listener ({@link dev.iovirt.controller.openflow.OpenFlowController}),
 * one {@code SwitchConnection} per switch, and the providers that connect it to the subsystems.
 *
 * <pre>
 *  accept ─▶ IdleStateHandler ─▶ OfpFrameDecoder ─▶ OfpEncoder ─▶ OfpErrorResponder ─▶ SwitchConnection
 *
 *  SwitchConnection (OF 1.3.5 §6.3.1):
 *    send HELLO(bitmap 1.3) ─▶ HELLO: common version? no ─▶ ERROR HELLO_FAILED/INCOMPATIBLE, close
 *                                                     yes ─▶ FEATURES_REQUEST ─▶ FEATURES_REPLY
 *    ─▶ SET_CONFIG(miss_send_len = NO_BUFFER) + MULTIPART PORT_DESC ─▶ reply ─▶ ACTIVE
 *    ACTIVE: PACKET_IN ─▶ PacketProcessors; PORT_STATUS, FLOW_REMOVED ─▶ SwitchListeners;
 *            replies (echo, barrier, multipart parts, role, errors) ─▶ the pending request of their xid
 *    idle for the echo interval ─▶ ECHO_REQUEST; no reply within the request timeout ─▶ close
 *    close ─▶ pending requests fail with SwitchDisconnectedException ─▶ switchDisconnected
 * </pre>
 *
 * <p>Writes made on a switch's event loop (packet processors) are flushed once per read batch;
 * that batching is most of the learning switch's throughput.
 */
package dev.iovirt.controller.openflow;
