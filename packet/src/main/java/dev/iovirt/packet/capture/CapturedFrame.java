package dev.iovirt.packet.capture;

/**
 * One frame read from a capture file.
 *
 * @param interfaceId index of the interface it was captured on (pcapng IDB order; 0 for pcap)
 * @param interfaceName the interface's name (pcapng if_name), or null if the file does not say
 * @param linkType the LINKTYPE_ value of the interface (1 for Ethernet)
 * @param timestampNanos capture time, nanoseconds since the Unix epoch
 * @param data the captured bytes (at most the snap length)
 * @param originalLength the frame's length on the wire
 * @param comment the packet's comment (pcapng opt_comment), or null
 */
public record CapturedFrame(int interfaceId, String interfaceName, int linkType, long timestampNanos,
                            byte[] data, int originalLength, String comment) {
    /** True if the file holds fewer bytes than the frame had on the wire. */
    public boolean isSnapped() {
        return data.length < originalLength;
    }
}
