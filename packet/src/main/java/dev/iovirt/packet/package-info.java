/**
 * Frames on the host side of every NIC, and what a datapath needs to know about them.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>{@link dev.iovirt.packet.Frame} and {@link dev.iovirt.packet.FrameBatch}: byte-array frames with
 *       headroom, moved in reusable batches of up to 32 so that no packet allocates (docs/architecture.md
 *       says why byte arrays rather than Netty or Agrona buffers).</li>
 *   <li>{@link dev.iovirt.packet.FramePort}: the host side of a NIC, with Open vSwitch netdev semantics
 *       ({@code receive} what the device sent, {@code transmit} towards the device). Device models
 *       implement it; switches and {@link dev.iovirt.packet.FrameLink}s connect to it.</li>
 *   <li>{@link dev.iovirt.packet.FlowKeyParser} into {@link dev.iovirt.packet.FlowKey}: the header
 *       fields a switch matches on, parsed without throwing, allocating, or reading past the frame.</li>
 *   <li>Wire value types ({@link dev.iovirt.packet.MacAddress}, {@link dev.iovirt.packet.Ipv4Address},
 *       {@link dev.iovirt.packet.Ipv6Address}, {@link dev.iovirt.packet.VlanId}, {@link dev.iovirt.packet.Vni}),
 *       {@link dev.iovirt.packet.PacketBuilder} and {@link dev.iovirt.packet.Checksums} (RFC 1071, RFC 1624).</li>
 * </ul>
 *
 * <h2>How a frame is parsed</h2>
 * <pre>
 * Ethernet ─┬─ 802.1Q/802.1ad (≤ 2 tags) ─┬─ ARP
 *           │                              ├─ IPv4 ─┬─ ICMP
 *           │                              │        ├─ TCP
 *           └──────────────────────────────┤        └─ UDP ── VXLAN (dst 4789, I flag)
 *                                          └─ IPv6 ── ext. headers ─┬─ ICMPv6 / TCP / UDP
 * </pre>
 * Each arrow is taken only if the whole header before it is present and valid; otherwise the key is
 * flagged truncated or malformed and parsing stops there.
 */
package dev.iovirt.packet;
