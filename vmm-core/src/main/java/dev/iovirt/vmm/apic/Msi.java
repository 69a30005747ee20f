package dev.iovirt.vmm.apic;

/**
 * A message-signalled interrupt decoded from its address and data, as the SDM defines them for Intel
 * processors. SDM Vol. 3A §11.11.1 (address: 0xFEE in bits 31:20, destination ID bits 19:12,
 * redirection hint bit 3, destination mode bit 2) and §11.11.2 (data: vector bits 7:0, delivery mode
 * bits 10:8, level bit 14, trigger mode bit 15).
 *
 * @param destinationId the destination APIC ID
 * @param vector the interrupt vector
 * @param deliveryMode 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT
 * @param logical destination mode is logical
 * @param levelTriggered trigger mode is level
 */
public record Msi(int destinationId, int vector, int deliveryMode, boolean logical, boolean levelTriggered) {
    public static final long ADDRESS_BASE = 0xFEE0_0000L;
    public static final int DELIVERY_FIXED = 0;
    public static final int DELIVERY_LOWEST_PRIORITY = 1;

    /** True if {@code address} is in the 0xFEExxxxx interrupt window. */
    public static boolean isInterruptAddress(long address) {
        return (address >>> 20) == 0xFEE;
    }

    /**
     * Decodes an MSI. A malicious or buggy guest can program any address; the caller must check
     * {@link #isInterruptAddress} first (a write elsewhere is a DMA, not an interrupt).
     */
    public static Msi decode(long address, int data) {
        if (!isInterruptAddress(address)) {
            throw new IllegalArgumentException("MSI address 0x" + Long.toHexString(address) + " is not in 0xFEExxxxx");
        }
        return new Msi((int) (address >>> 12) & 0xFF, data & 0xFF, (data >>> 8) & 7, (address & 4) != 0, (data & 0x8000) != 0);
    }

    /** Encodes the address of a fixed, physical-destination MSI to {@code apicId}. */
    public static long address(int apicId) {
        return ADDRESS_BASE | ((long) (apicId & 0xFF) << 12);
    }

    /** Encodes the data of a fixed, edge-triggered MSI with {@code vector}. */
    public static int data(int vector) {
        return vector & 0xFF;
    }
}
