/**
 * The OpenFlow 1.3.5 wire codec (ONF TS-023) shared by the switch ({@code vswitch}) and the
 * controller ({@code sdn-controller}), which speak to each other only through it.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>Messages: one immutable record per message type, all implementing the sealed
 *       {@link dev.iovirt.openflow.OfpMessage} ({@code OfpHello}, {@code OfpFlowMod},
 *       {@code OfpPacketIn}, {@code OfpMultipartReply}, ...), so a handler can {@code switch} over
 *       them exhaustively. Multipart bodies are {@link dev.iovirt.openflow.MpRequest} and
 *       {@link dev.iovirt.openflow.MpReply}.</li>
 *   <li>Matches: {@link dev.iovirt.openflow.Match}, a checked set of
 *       {@link dev.iovirt.openflow.Oxm} TLVs over {@link dev.iovirt.openflow.OxmField}, with
 *       {@code matches(FlowKey, metadata, tunnelId)} against the packet module's flow key.</li>
 *   <li>{@link dev.iovirt.openflow.Instruction}s, {@link dev.iovirt.openflow.Action}s,
 *       {@link dev.iovirt.openflow.Bucket}s and {@link dev.iovirt.openflow.MeterBand}s as sealed
 *       families of records.</li>
 *   <li>Wire values as types: {@link dev.iovirt.openflow.PortNo}, {@link dev.iovirt.openflow.TableId},
 *       {@link dev.iovirt.openflow.GroupId}, {@link dev.iovirt.openflow.MeterId},
 *       {@link dev.iovirt.openflow.BufferId}, {@link dev.iovirt.openflow.DatapathId}, each with the
 *       spec's reserved values as constants.</li>
 *   <li>Errors: {@link dev.iovirt.openflow.ErrorType} and {@link dev.iovirt.openflow.ErrorCode}
 *       (every code of §7.4.4), and {@link dev.iovirt.openflow.OfpException}, the only thing
 *       decoding throws.</li>
 *   <li>{@link dev.iovirt.openflow.OfpCodec}: bytes ⇄ messages on Netty {@code ByteBuf}s; framing
 *       for a channel is in {@code dev.iovirt.openflow.netty}. {@link dev.iovirt.openflow.OfpText}
 *       reads ovs-ofctl's flow notation.</li>
 * </ul>
 *
 * <h2>How a message flows through</h2>
 * {@code OfpCodec.decode} reads the header, checks version, type and length, then hands the body
 * slice to the type's reader; nested structures (match, instructions, actions, buckets, bands) are
 * read by their own types, each checking its length against what is left before reading it. The
 * first problem ends decoding with an {@code OfpException} whose {@link dev.iovirt.openflow.ErrorCode}
 * is the one the spec names for it (a bad OXM field is OFPET_BAD_MATCH/OFPBMC_BAD_FIELD, a bad
 * action length OFPET_BAD_ACTION/OFPBAC_BAD_LEN, ...); the exception carries the offending
 * message's xid and first 64 bytes and becomes the OFPT_ERROR reply. Encoding is the mirror image
 * and cannot fail except for a message over 65535 bytes.
 *
 * <p>Decisions and limits are written down in docs/openflow.md.
 */
package dev.iovirt.openflow;
