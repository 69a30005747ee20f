/**
 * Switch ports that are not devices: {@link dev.iovirt.vswitch.port.PcapPort} replays a capture
 * file into the switch and records what the switch sends out, as Open vSwitch's dummy netdev with
 * {@code rx_pcap}/{@code tx_pcap}, so that anyone can exercise the switch with captures.
 *
 * <pre>
 *  in.pcap ─▶ CaptureReader ─▶ PcapPort.receive ─▶ Bridge.poll ─▶ ... ─▶ PcapPort.transmit ─▶ PcapWriter ─▶ out.pcap
 *             (after startReplay)                                         (flushed per batch)
 * </pre>
 */
package dev.iovirt.vswitch.port;
