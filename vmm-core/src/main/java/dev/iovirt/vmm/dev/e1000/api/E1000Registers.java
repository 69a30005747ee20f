package dev.iovirt.vmm.dev.e1000.api;

/**
 * The 82540EM register map behind memory BAR 0 (128 KiB), with the bits a driver uses. Offsets and
 * bits from the 8254x Software Developer's Manual (SDM below), chapter 13; all registers are 32 bits
 * wide and little-endian.
 */
public final class E1000Registers {
    private E1000Registers() {
    }

    // ------------------------------------------------------------------ PCI identity
    /** Intel. PCI SIG vendor ID. */
    public static final int PCI_VENDOR_INTEL = 0x8086;
    /** 82540EM (desktop), Linux's {@code E1000_DEV_ID_82540EM}; the part QEMU's {@code e1000} models. */
    public static final int PCI_DEVICE_82540EM = 0x100E;
    /** PCI class 02h (network), subclass 00h (Ethernet). */
    public static final int PCI_CLASS_ETHERNET = 0x02_00_00;
    /** Memory BAR 0 size: the register space is 128 KiB. SDM §4.1 (memory register space). */
    public static final int BAR0_SIZE = 128 * 1024;

    // ------------------------------------------------------------------ general. SDM §13.4.1-§13.4.4
    /** Device control. SDM §13.4.1. */
    public static final int CTRL = 0x0000;
    /** Device status (read-only). SDM §13.4.2. */
    public static final int STATUS = 0x0008;
    /** EEPROM/flash control and data (bit-banged interface). SDM §13.4.3. */
    public static final int EECD = 0x0010;
    /** EEPROM read: the word-at-a-time interface. SDM §13.4.4. */
    public static final int EERD = 0x0014;
    /** Extended device control. SDM §13.4.6. */
    public static final int CTRL_EXT = 0x0018;
    /** MDI control (PHY registers). SDM §13.4.7. */
    public static final int MDIC = 0x0020;

    // ------------------------------------------------------------------ interrupts. SDM §13.4.17-§13.4.21
    /** Interrupt cause read; reading clears it. SDM §13.4.17. */
    public static final int ICR = 0x00C0;
    /** Interrupt throttling (256 ns units between interrupts). SDM §13.4.18. */
    public static final int ITR = 0x00C4;
    /** Interrupt cause set (software raises causes). SDM §13.4.19. */
    public static final int ICS = 0x00C8;
    /** Interrupt mask set/read. SDM §13.4.20. */
    public static final int IMS = 0x00D0;
    /** Interrupt mask clear. SDM §13.4.21. */
    public static final int IMC = 0x00D8;

    // ------------------------------------------------------------------ receive. SDM §13.4.22-§13.4.29
    /** Receive control. SDM §13.4.22. */
    public static final int RCTL = 0x0100;
    /** Receive descriptor base address low (16-byte aligned). SDM §13.4.25. */
    public static final int RDBAL = 0x2800;
    /** Receive descriptor base address high. SDM §13.4.26. */
    public static final int RDBAH = 0x2804;
    /** Receive descriptor ring length in bytes, a multiple of 128. SDM §13.4.27. */
    public static final int RDLEN = 0x2808;
    /** Receive descriptor head (hardware owned). SDM §13.4.28. */
    public static final int RDH = 0x2810;
    /** Receive descriptor tail (software owned). SDM §13.4.29. */
    public static final int RDT = 0x2818;
    /** Receive delay timer. SDM §13.4.30. */
    public static final int RDTR = 0x2820;

    // ------------------------------------------------------------------ transmit. SDM §13.4.33-§13.4.40
    /** Transmit control. SDM §13.4.33. */
    public static final int TCTL = 0x0400;
    /** Transmit inter-packet gap. SDM §13.4.34. */
    public static final int TIPG = 0x0410;
    /** Transmit descriptor base address low (16-byte aligned). SDM §13.4.36. */
    public static final int TDBAL = 0x3800;
    /** Transmit descriptor base address high. SDM §13.4.37. */
    public static final int TDBAH = 0x3804;
    /** Transmit descriptor ring length in bytes, a multiple of 128. SDM §13.4.38. */
    public static final int TDLEN = 0x3808;
    /** Transmit descriptor head (hardware owned). SDM §13.4.39. */
    public static final int TDH = 0x3810;
    /** Transmit descriptor tail (software owned): writing it is the doorbell. SDM §13.4.40. */
    public static final int TDT = 0x3818;
    /** Transmit interrupt delay value. SDM §13.4.41. */
    public static final int TIDV = 0x3820;

    // ------------------------------------------------------------------ filters. SDM §13.5
    /** Multicast table array: 128 registers, a 4096-bit hash filter. SDM §13.5.1. */
    public static final int MTA = 0x5200;
    public static final int MTA_ENTRIES = 128;
    /** Receive address low, entry 0 (16 pairs of RAL/RAH, 8 bytes apart). SDM §13.5.2. */
    public static final int RAL0 = 0x5400;
    /** Receive address high, entry 0. SDM §13.5.3. */
    public static final int RAH0 = 0x5404;
    public static final int RA_ENTRIES = 16;
    /** RAH bit 31: address valid. SDM §13.5.3. */
    public static final int RAH_AV = 1 << 31;

    /** RAL of entry {@code n}. */
    public static int ral(int n) {
        return RAL0 + 8 * n;
    }

    /** RAH of entry {@code n}. */
    public static int rah(int n) {
        return RAH0 + 8 * n;
    }

    // ------------------------------------------------------------------ statistics. SDM §13.7 (clear on read)
    /** First and last statistics registers (0x4000-0x40FF). SDM §13.7. */
    public static final int STATS_FIRST = 0x4000;
    public static final int STATS_LAST = 0x40FC;
    /** CRC error count. SDM §13.7. */
    public static final int CRCERRS = 0x4000;
    /** Missed packets: arrived with no receive descriptor available. SDM §13.7. */
    public static final int MPC = 0x4010;
    /** Good packets received. SDM §13.7. */
    public static final int GPRC = 0x4074;
    /** Broadcast packets received. */
    public static final int BPRC = 0x4078;
    /** Multicast packets received. */
    public static final int MPRC = 0x407C;
    /** Good packets transmitted. */
    public static final int GPTC = 0x4080;
    /** Good octets received, low and high (the high read clears both). */
    public static final int GORCL = 0x4088;
    public static final int GORCH = 0x408C;
    /** Good octets transmitted, low and high. */
    public static final int GOTCL = 0x4090;
    public static final int GOTCH = 0x4094;
    /** Receive no buffers: a packet found the ring empty (counted with MPC when it is then dropped). */
    public static final int RNBC = 0x40A0;
    /** Receive oversize count. */
    public static final int ROC = 0x40AC;
    /** Total octets received, low and high. */
    public static final int TORL = 0x40C0;
    public static final int TORH = 0x40C4;
    /** Total octets transmitted, low and high. */
    public static final int TOTL = 0x40C8;
    public static final int TOTH = 0x40CC;
    /** Total packets received. */
    public static final int TPR = 0x40D0;
    /** Total packets transmitted. */
    public static final int TPT = 0x40D4;
    /** Multicast packets transmitted. */
    public static final int MPTC = 0x40F0;
    /** Broadcast packets transmitted. */
    public static final int BPTC = 0x40F4;

    // ------------------------------------------------------------------ CTRL bits. SDM §13.4.1, Table 13-3
    /** Full duplex. */
    public static final int CTRL_FD = 1;
    /** Auto-speed detection enable. */
    public static final int CTRL_ASDE = 1 << 5;
    /** Set link up. */
    public static final int CTRL_SLU = 1 << 6;
    /** Device reset (self-clearing). */
    public static final int CTRL_RST = 1 << 26;
    /** PHY reset. */
    public static final int CTRL_PHY_RST = 1 << 31;

    // ------------------------------------------------------------------ STATUS bits. SDM §13.4.2, Table 13-5
    public static final int STATUS_FD = 1;
    /** Link up. */
    public static final int STATUS_LU = 1 << 1;
    /** Speed 1000 Mb/s (bits 7:6 = 10b). */
    public static final int STATUS_SPEED_1000 = 2 << 6;

    // ------------------------------------------------------------------ EECD / EERD. SDM §13.4.3, §13.4.4
    public static final int EECD_SK = 1;
    public static final int EECD_CS = 1 << 1;
    public static final int EECD_DI = 1 << 2;
    public static final int EECD_DO = 1 << 3;
    /** Request EEPROM access (bit-bang interface). */
    public static final int EECD_REQ = 1 << 6;
    /** EEPROM access granted. */
    public static final int EECD_GNT = 1 << 7;
    /** EEPROM present. */
    public static final int EECD_PRES = 1 << 8;
    /** EERD bit 0: start a read. */
    public static final int EERD_START = 1;
    /** EERD bit 4: the read is done and DATA is valid (82540EM position). */
    public static final int EERD_DONE = 1 << 4;
    /** EERD bits 15:8: word address. */
    public static final int EERD_ADDR_SHIFT = 8;
    /** EERD bits 31:16: the word read. */
    public static final int EERD_DATA_SHIFT = 16;

    // ------------------------------------------------------------------ interrupt causes. SDM §13.4.17, Table 13-41
    /** Transmit descriptor written back. */
    public static final int ICR_TXDW = 1;
    /** Transmit queue empty. */
    public static final int ICR_TXQE = 1 << 1;
    /** Link status change. */
    public static final int ICR_LSC = 1 << 2;
    /** Receive descriptor minimum threshold reached. */
    public static final int ICR_RXDMT0 = 1 << 4;
    /** Receiver overrun (a packet was missed for want of descriptors). */
    public static final int ICR_RXO = 1 << 6;
    /** Receiver timer interrupt (a packet was received). */
    public static final int ICR_RXT0 = 1 << 7;
    /** 82547/82571 and later: an interrupt was asserted. Read as 0 on 82540EM. */
    public static final int ICR_VALID_MASK = 0x0001_FFFF;

    // ------------------------------------------------------------------ RCTL bits. SDM §13.4.22, Table 13-67
    /** Receiver enable. */
    public static final int RCTL_EN = 1 << 1;
    /** Store bad packets. */
    public static final int RCTL_SBP = 1 << 2;
    /** Unicast promiscuous. */
    public static final int RCTL_UPE = 1 << 3;
    /** Multicast promiscuous. */
    public static final int RCTL_MPE = 1 << 4;
    /** Long packet enable (frames up to 16384 bytes; otherwise 1522). */
    public static final int RCTL_LPE = 1 << 5;
    /**
     * Receive descriptor minimum threshold size, bits 9:8: RXDMT0 is raised when the free descriptors
     * fall to 1/2 (00b), 1/4 (01b) or 1/8 (10b) of the ring.
     */
    public static final int RCTL_RDMTS_SHIFT = 8;
    /** Broadcast accept. */
    public static final int RCTL_BAM = 1 << 15;
    /** Buffer size, bits 17:16: 00 2048, 01 1024, 10 512, 11 256 (BSEX=0); 01 16384, 10 8192, 11 4096 (BSEX=1). */
    public static final int RCTL_BSIZE_SHIFT = 16;
    public static final int RCTL_BSIZE_2048 = 0;
    /** Buffer size extension. */
    public static final int RCTL_BSEX = 1 << 25;
    /** Strip the Ethernet CRC. */
    public static final int RCTL_SECRC = 1 << 26;

    // ------------------------------------------------------------------ TCTL bits. SDM §13.4.33, Table 13-76
    /** Transmitter enable. */
    public static final int TCTL_EN = 1 << 1;
    /** Pad short packets to 64 bytes. */
    public static final int TCTL_PSP = 1 << 3;
    /** Collision threshold (bits 11:4); 0Fh recommended. */
    public static final int TCTL_CT_SHIFT = 4;
    /** Collision distance (bits 21:12); 40h for full duplex. */
    public static final int TCTL_COLD_SHIFT = 12;

    /** TIPG value the manual recommends for the 82540EM on copper: IPGT 10, IPGR1 8, IPGR2 6. SDM §13.4.34. */
    public static final int TIPG_COPPER_DEFAULT = 10 | 8 << 10 | 6 << 20;

    // ------------------------------------------------------------------ MSI capability (PCI 3.0 §6.8.1)
    // The 82540EM has no MSI capability; this model adds a 32-bit one (docs/e1000.md). The offsets are
    // PCI's, relative to the capability; they belong in PciConfig beside the MSI-X ones when merged.
    /** Message control: bit 0 MSI enable. PCI 3.0 §6.8.1.3. */
    public static final int MSI_CONTROL = 2;
    /** Message address (32-bit, dword aligned). PCI 3.0 §6.8.1.4. */
    public static final int MSI_ADDRESS = 4;
    /** Message data (16 bits) for a 32-bit-address capability. PCI 3.0 §6.8.1.6. */
    public static final int MSI_DATA = 8;
    public static final int MSI_CONTROL_ENABLE = 1;

    // ------------------------------------------------------------------ rings
    /** Ring lengths (RDLEN, TDLEN) are multiples of this many bytes: eight descriptors. SDM §13.4.27, §13.4.38. */
    public static final int RING_LENGTH_ALIGN = 128;
    /** One legacy descriptor. SDM §3.2.3, §3.3.3. */
    public static final int DESCRIPTOR_SIZE = 16;
}
