/**
 * Capture files and what people read from them.
 *
 * <ul>
 *   <li>{@link dev.iovirt.packet.capture.PcapWriter}, {@link dev.iovirt.packet.capture.PcapngWriter}
 *       and {@link dev.iovirt.packet.capture.CaptureReader}: pcap and pcapng written by our own code
 *       (both formats are small and a datapath writes them on its hot path); pcapng carries the
 *       capture point's name in {@code if_name}, nanosecond timestamps and per-packet comments.</li>
 *   <li>{@link dev.iovirt.packet.capture.BpfFilter}: tcpdump filter expressions compiled by libpcap
 *       through Pcap4J, so the syntax and semantics are exactly tcpdump's.</li>
 *   <li>{@link dev.iovirt.packet.capture.PacketSummary} (one line per frame, tcpdump style) and
 *       {@link dev.iovirt.packet.capture.Dissector} (Pcap4J's full dissection).</li>
 * </ul>
 */
package dev.iovirt.packet.capture;
