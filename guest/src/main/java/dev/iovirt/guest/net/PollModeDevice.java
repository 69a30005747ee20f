package dev.iovirt.guest.net;

/**
 * A network interface driven in poll mode, as a DPDK poll-mode driver is ({@code rte_eth_rx_burst}):
 * the receive queue raises no interrupts and whoever owns the device takes frames off its ring in
 * bursts, from its own loop. Transmit is {@link #transmit} inside a {@link #setXmitMore} bracket, so
 * that a burst costs one doorbell ({@code rte_eth_tx_burst}).
 *
 * <p>Only one caller may poll a device (a queue has one consumer); a driver that was not built for
 * poll mode refuses {@link #receiveBurst} with {@link IllegalStateException}.
 */
public interface PollModeDevice extends NetDevice {
    /** DPDK's {@code NETDEV_MAX_BURST} / OVS's: frames per receive burst. */
    int DEFAULT_BURST = 32;

    /**
     * Takes up to {@code max} received frames off the receive ring, hands each to {@code receiver} (the
     * bytes are valid only during that call), gives their buffers back to the device and returns how
     * many were taken; 0 when the ring is empty. Never blocks.
     */
    int receiveBurst(FrameReceiver receiver, int max);

    /** Whether the driver runs in poll mode (receive interrupts suppressed, {@link #receiveBurst} allowed). */
    boolean pollMode();
}
