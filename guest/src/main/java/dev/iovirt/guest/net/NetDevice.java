package dev.iovirt.guest.net;

import dev.iovirt.packet.MacAddress;

/**
 * A network interface as the stack sees it: whatever NIC driver is behind it (e1000, virtio-net, an
 * SR-IOV VF). Frames carry no FCS.
 */
public interface NetDevice {
    /** The interface's Ethernet address (read from the NIC, e.g. its EEPROM). */
    MacAddress macAddress();

    /** Largest IP packet the interface carries (1500 for Ethernet). */
    default int mtu() {
        return 1500;
    }

    /**
     * Queues {@code frame[off, off+len)} for transmission; the bytes are copied before this returns.
     * Returns false if the transmit ring is full (the frame is dropped and the driver counts it).
     */
    boolean transmit(byte[] frame, int off, int len);

    /**
     * Linux's {@code xmit_more}: while {@code more} is set, the driver may queue frames without telling
     * the device (no doorbell); clearing it tells the device about everything queued, at once. A
     * driver without doorbells ignores it.
     */
    default void setXmitMore(boolean more) {
    }

    /** Where received frames go; called from the driver's receive task, one frame at a time. */
    void setReceiver(FrameReceiver receiver);

    /** Whether the link is up. */
    boolean linkUp();
}
