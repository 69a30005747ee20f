package dev.iovirt.vmm.dev.e1000.api;

/** The EEPROM words a driver reads (64 words of 16 bits on the 82540EM). SDM §5.6 (EEPROM address map). */
public final class Eeprom {
    private Eeprom() {
    }

    /** Words in the 82540EM's EEPROM (a 1 Kbit Microwire part). SDM §5.6. */
    public static final int WORDS = 64;
    /** Ethernet address, bytes 0-1, 2-3 and 4-5, each word little-endian. SDM §5.6.1. */
    public static final int ETHERNET_ADDRESS_0 = 0x00;
    public static final int ETHERNET_ADDRESS_1 = 0x01;
    public static final int ETHERNET_ADDRESS_2 = 0x02;
    /** Initialization control word 1; bits 15:14 are the signature, which must be 01b. SDM §5.6.35 (note). */
    public static final int INIT_CONTROL_1 = 0x0A;
    /** Signature 01b in bits 15:14 of {@link #INIT_CONTROL_1}: the image is valid for the hardware. */
    public static final int INIT_CONTROL_1_SIGNATURE = 0x4000;
    /** The checksum word: chosen so that words 00h-3Fh sum to {@link #CHECKSUM_SUM}. SDM §5.6.35. */
    public static final int CHECKSUM_WORD = 0x3F;
    /** What the 16-bit sum of words 00h-3Fh must be (carries ignored). SDM §5.6.35. */
    public static final int CHECKSUM_SUM = 0xBABA;
}
