package dev.iovirt.vmm.dev.e1000.api;

/**
 * The EEPROM words a driver reads (64 words of 16 bits on the 82540EM). SDM §5.6, Table 5-2.
 */
public final class Eeprom {
    private Eeprom() {
    }

    /** Words in the 82540EM's EEPROM (a 1 Kbit Microwire part). SDM §5.6. */
    public static final int WORDS = 64;
    /** Ethernet address, bytes 0-1, 2-3 and 4-5, each word little-endian. SDM §5.6.1. */
    public static final int ETHERNET_ADDRESS_0 = 0x00;
    public static final int ETHERNET_ADDRESS_1 = 0x01;
    public static final int ETHERNET_ADDRESS_2 = 0x02;
    /** The checksum word: chosen so that words 00h-3Fh sum to {@link #CHECKSUM_SUM}. SDM §5.6.21. */
    public static final int CHECKSUM_WORD = 0x3F;
    /** What the 16-bit sum of words 00h-3Fh must be. SDM §5.6.21. */
    public static final int CHECKSUM_SUM = 0xBABA;
}
