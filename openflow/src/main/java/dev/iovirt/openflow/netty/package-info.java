/**
 * Netty integration of the OpenFlow codec: {@link dev.iovirt.openflow.netty.OfpFrameDecoder} cuts
 * the TCP stream at {@code ofp_header.length} and decodes, {@link dev.iovirt.openflow.netty.OfpEncoder}
 * writes messages, {@link dev.iovirt.openflow.netty.OfpErrorResponder} turns every malformed message
 * into the OFPT_ERROR the spec prescribes. {@link dev.iovirt.openflow.netty.OfpPipeline#install}
 * puts the three in place:
 *
 * <pre>
 *  bytes ─▶ OfpFrameDecoder ─▶ OfpMessage ───────────────────────────▶ application handler
 *                          └─▶ OfpMalformed ─▶ OfpErrorResponder ─┬──▶ (passed on, for counting)
 *                                                                 └──▶ OFPT_ERROR ─▶ OfpEncoder ─▶ bytes
 * </pre>
 *
 * The handshake, echo keepalive, role handling and reconnection belong to the switch agent and the
 * controller, which are built on these pieces.
 */
package dev.iovirt.openflow.netty;
