package dev.iovirt.vmm.dev.e1000;

/**
 * What a guest driver did wrong, as the device model counts it. Every one of these a malicious or
 * buggy guest can cause; none reaches the host as an exception. Each constant's doc line is its
 * message. What the device then does is what the 82540EM does: it stalls the ring, or drops the
 * packet, and carries on with everything else (SDM §3.2, §3.4 leave these cases undefined; the
 * choices are written beside each).
 */
public enum E1000Error {
    /** A descriptor address was outside guest RAM: the ring stalls at that descriptor (its head does not move). */
    DESCRIPTOR_DMA_FAULT,
    /** A packet buffer address was outside guest RAM: the packet is dropped, the descriptor is consumed. */
    BUFFER_DMA_FAULT,
    /** RDLEN or TDLEN was written with bits 6:0 set; the hardware ignores them (SDM §13.4.27, §13.4.38). */
    RING_LENGTH_NOT_MULTIPLE_OF_128,
    /** The ring was used with a length of zero: nothing is processed. */
    RING_LENGTH_ZERO,
    /** The head register points beyond the ring: nothing is processed until software fixes it. */
    HEAD_BEYOND_RING,
    /** The tail register points beyond the ring: nothing is processed until software fixes it. */
    TAIL_BEYOND_RING,
    /** A transmitted frame exceeded the host port's maximum frame size: dropped. */
    TX_FRAME_TOO_LONG,
    /** An extended (context or data) transmit descriptor: not modeled, the packet is dropped. */
    TX_EXTENDED_DESCRIPTOR,
    /** The driver asked for DMA with the PCI command register's bus-master bit clear: nothing is moved. */
    BUS_MASTER_DISABLED
}
