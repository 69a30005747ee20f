package dev.iovirt.iommu.vtd;

/**
 * The remapping hardware unit's register map: offsets from the unit's MMIO base and their fields.
 * VT-d §10.4. 32-bit registers are read and written as dwords, 64-bit ones as qwords or as two dwords;
 * the model places the IOTLB registers at 0x100 (ECAP.IRO = 0x10) and eight fault recording registers
 * at 0x200 (CAP.FRO = 0x20, CAP.NFR = 7).
 */
public final class VtdRegisters {
    private VtdRegisters() {
    }

    /** The size of the register block (one 4 KiB page). VT-d §10.3. */
    public static final int SIZE = 0x1000;

    /** VER_REG (32): bits 7:4 major, 3:0 minor version. VT-d §10.4.1. */
    public static final int VER = 0x000;
    /** CAP_REG (64): capabilities. VT-d §10.4.2. */
    public static final int CAP = 0x008;
    /** ECAP_REG (64): extended capabilities. VT-d §10.4.3. */
    public static final int ECAP = 0x010;
    /** GCMD_REG (32): global command. VT-d §10.4.4. */
    public static final int GCMD = 0x018;
    /** GSTS_REG (32): global status. VT-d §10.4.5. */
    public static final int GSTS = 0x01C;
    /** RTADDR_REG (64): root table address. VT-d §10.4.6. */
    public static final int RTADDR = 0x020;
    /** CCMD_REG (64): context command (register-based context-cache invalidation). VT-d §10.4.7. */
    public static final int CCMD = 0x028;
    /** FSTS_REG (32): fault status. VT-d §10.4.9. */
    public static final int FSTS = 0x034;
    /** FECTL_REG (32): fault event control. VT-d §10.4.10. */
    public static final int FECTL = 0x038;
    /** FEDATA_REG (32): fault event interrupt data. VT-d §10.4.11. */
    public static final int FEDATA = 0x03C;
    /** FEADDR_REG (32): fault event interrupt address. VT-d §10.4.12. */
    public static final int FEADDR = 0x040;
    /** FEUADDR_REG (32): fault event upper address. VT-d §10.4.13. */
    public static final int FEUADDR = 0x044;
    /** IQH_REG (64): invalidation queue head. VT-d §10.4.22. */
    public static final int IQH = 0x080;
    /** IQT_REG (64): invalidation queue tail. VT-d §10.4.23. */
    public static final int IQT = 0x088;
    /** IQA_REG (64): invalidation queue address. VT-d §10.4.24. */
    public static final int IQA = 0x090;
    /** ICS_REG (32): invalidation completion status. VT-d §10.4.25. */
    public static final int ICS = 0x09C;
    /** IECTL_REG (32): invalidation event control. VT-d §10.4.26. */
    public static final int IECTL = 0x0A0;
    /** IEDATA_REG (32). VT-d §10.4.27. */
    public static final int IEDATA = 0x0A4;
    /** IEADDR_REG (32). VT-d §10.4.28. */
    public static final int IEADDR = 0x0A8;
    /** IQERCD_REG (64): invalidation queue error record. VT-d §10.4.30. */
    public static final int IQERCD = 0x0B0;
    /** IRTA_REG (64): interrupt remapping table address. VT-d §10.4.31. */
    public static final int IRTA = 0x0B8;
    /** IVA_REG (64) at ECAP.IRO × 16: invalidate address. VT-d §10.4.8.2. */
    public static final int IVA = 0x100;
    /** IOTLB_REG (64) at ECAP.IRO × 16 + 8: IOTLB invalidate. VT-d §10.4.8.1. */
    public static final int IOTLB = 0x108;
    /** The first fault recording register (128-bit each) at CAP.FRO × 16. VT-d §10.4.14. */
    public static final int FRCD = 0x200;
    /** The number of fault recording registers (CAP.NFR + 1). VT-d §10.4.2. */
    public static final int FAULT_RECORDS = 8;

    // VER_REG. VT-d §10.4.1: the version real VT-d 1.0-compatible units report.
    public static final int VERSION = 0x10;

    // CAP_REG fields. VT-d §10.4.2.
    /** ND = 2: 8-bit domain ids (256 domains). */
    public static final long CAP_ND_8BIT = 2L;
    /** SAGAW bit 1 (CAP bit 9): 39-bit AGAW, 3-level tables. */
    public static final long CAP_SAGAW_39 = 1L << 9;
    /** SAGAW bit 2 (CAP bit 10): 48-bit AGAW, 4-level tables. */
    public static final long CAP_SAGAW_48 = 1L << 10;
    /** Bits 21:16: MGAW - 1. */
    public static final int CAP_MGAW_SHIFT = 16;
    /** Bits 33:24: FRO, fault recording register offset in 16-byte units. */
    public static final int CAP_FRO_SHIFT = 24;
    /** SLLPS bit 0 (CAP bit 34): 2 MiB second-level super pages. */
    public static final long CAP_SLLPS_2M = 1L << 34;
    /** SLLPS bit 1 (CAP bit 35): 1 GiB second-level super pages. */
    public static final long CAP_SLLPS_1G = 1L << 35;
    /** Bit 39: PSI, page-selective invalidation. */
    public static final long CAP_PSI = 1L << 39;
    /** Bits 47:40: NFR, number of fault recording registers minus one. */
    public static final int CAP_NFR_SHIFT = 40;
    /** Bits 53:48: MAMV, maximum address mask value for page-selective invalidation. */
    public static final int CAP_MAMV_SHIFT = 48;
    /** Bit 59: PI, posted interrupts. */
    public static final long CAP_PI = 1L << 59;

    // ECAP_REG fields. VT-d §10.4.3.
    /** Bit 1: QI, queued invalidation. */
    public static final long ECAP_QI = 1L << 1;
    /** Bit 3: IR, interrupt remapping. */
    public static final long ECAP_IR = 1L << 3;
    /** Bit 4: EIM, extended (x2APIC) interrupt mode. */
    public static final long ECAP_EIM = 1L << 4;
    /** Bit 6: PT, pass-through translation type. */
    public static final long ECAP_PT = 1L << 6;
    /** Bits 17:8: IRO, IOTLB register offset in 16-byte units. */
    public static final int ECAP_IRO_SHIFT = 8;

    // GCMD_REG / GSTS_REG bits (command bit and its status bit share the position). VT-d §10.4.4-5.
    /** Bit 31: TE / TES, translation enable. */
    public static final int GCMD_TE = 1 << 31;
    /** Bit 30: SRTP / RTPS, set root table pointer (one-shot; RTPS reports it done). */
    public static final int GCMD_SRTP = 1 << 30;
    /** Bit 26: QIE / QIES, queued invalidation enable. */
    public static final int GCMD_QIE = 1 << 26;
    /** Bit 25: IRE / IRES, interrupt remapping enable. */
    public static final int GCMD_IRE = 1 << 25;
    /** Bit 24: SIRTP / IRTPS, set interrupt remap table pointer (one-shot). */
    public static final int GCMD_SIRTP = 1 << 24;
    /** Bit 23: CFI / CFIS, compatibility format interrupts pass through when IR is on. */
    public static final int GCMD_CFI = 1 << 23;

    // RTADDR_REG. VT-d §10.4.6.
    /** Bits 11:10: TTM, translation table mode (00 legacy; the only mode modeled). */
    public static final long RTADDR_TTM_MASK = 3L << 10;

    // CCMD_REG. VT-d §10.4.7.
    /** Bit 63: ICC, invalidate context-cache (hardware clears it when done). */
    public static final long CCMD_ICC = 1L << 63;
    /** Bits 62:61: CIRG, requested granularity; bits 60:59 CAIG, actual granularity. */
    public static final int CCMD_CIRG_SHIFT = 61;
    public static final int CCMD_CAIG_SHIFT = 59;
    /** Bits 33:32: FM, function mask; bits 31:16 SID; bits 15:0 DID. */
    public static final int CCMD_FM_SHIFT = 32;
    public static final int CCMD_SID_SHIFT = 16;
    /** Granularity encodings of CCMD and the context-cache invalidate descriptor: 1 global, 2 domain, 3 device. VT-d §10.4.7, §6.5.2.1. */
    public static final int GRAN_GLOBAL = 1;
    public static final int GRAN_DOMAIN = 2;
    public static final int GRAN_DEVICE_OR_PAGE = 3;

    // IOTLB_REG. VT-d §10.4.8.1.
    /** Bit 63: IVT, invalidate IOTLB (hardware clears it when done). */
    public static final long IOTLB_IVT = 1L << 63;
    /** Bits 61:60: IIRG, requested granularity (1 global, 2 domain, 3 page-selective); bits 58:57 IAIG, actual. */
    public static final int IOTLB_IIRG_SHIFT = 60;
    public static final int IOTLB_IAIG_SHIFT = 57;
    /** Bits 47:32: DID. */
    public static final int IOTLB_DID_SHIFT = 32;

    // IVA_REG. VT-d §10.4.8.2.
    /** Bits 5:0: AM, address mask (2^AM pages). */
    public static final long IVA_AM_MASK = 0x3F;
    /** Bit 6: IH, invalidation hint (only leaf entries changed: paging-structure caches may be kept). */
    public static final long IVA_IH = 1L << 6;
    /** Bits 63:12: ADDR. */
    public static final long IVA_ADDR_MASK = ~0xFFFL;

    // FSTS_REG. VT-d §10.4.9.
    /** Bit 0: PFO, primary fault overflow (RW1C). */
    public static final int FSTS_PFO = 1;
    /** Bit 1: PPF, primary pending fault (RO: some FRCD has F set). */
    public static final int FSTS_PPF = 1 << 1;
    /** Bit 4: IQE, invalidation queue error (RW1C). */
    public static final int FSTS_IQE = 1 << 4;
    /** Bit 5: ICE, invalidation completion error (RW1C). */
    public static final int FSTS_ICE = 1 << 5;
    /** Bit 6: ITE, invalidation time-out error (RW1C). */
    public static final int FSTS_ITE = 1 << 6;
    /** Bits 15:8: FRI, index of the fault recording register of the first pending fault. */
    public static final int FSTS_FRI_SHIFT = 8;

    // FECTL_REG / IECTL_REG. VT-d §10.4.10, §10.4.26.
    /** Bit 31: IM, interrupt mask. */
    public static final int ECTL_IM = 1 << 31;
    /** Bit 30: IP, interrupt pending. */
    public static final int ECTL_IP = 1 << 30;

    // FRCD_REG (128-bit). VT-d §10.4.14.
    /** Bits 63:12: FI, the faulting page address (interrupt faults: bits 63:48 hold the interrupt index). */
    public static final long FRCD_FI_MASK = ~0xFFFL;
    /** Upper qword bits 15:0 (FRCD bits 79:64): SID. */
    public static final long FRCD_SID_MASK = 0xFFFFL;
    /** Upper qword bits 39:32 (FRCD bits 103:96): FR, fault reason. */
    public static final int FRCD_FR_SHIFT = 32;
    /** Upper qword bit 62 (FRCD bit 126): T, type (0 write, 1 read). */
    public static final long FRCD_T_READ = 1L << 62;
    /** Upper qword bit 63 (FRCD bit 127): F, fault (RW1C). */
    public static final long FRCD_F = 1L << 63;

    // IQA_REG. VT-d §10.4.24.
    /** Bits 63:12: IQA base; bit 11 DW (0 = 128-bit descriptors); bits 2:0 QS (2^QS 4 KiB pages). */
    public static final long IQA_BASE_MASK = ~0xFFFL;
    public static final long IQA_DW = 1L << 11;
    public static final long IQA_QS_MASK = 7L;
    /** IQH/IQT bits 18:4: the descriptor index (128-bit descriptors). VT-d §10.4.22-23. */
    public static final long IQ_INDEX_MASK = 0x7FFF0L;
    /** ICS_REG bit 0: IWC, invalidation wait descriptor complete (RW1C). VT-d §10.4.25. */
    public static final int ICS_IWC = 1;
    /** IQERCD bits 3:0: IQEI, error info: 1 tail beyond the queue / misaligned, 2 invalid descriptor type, 3 reserved fields set. VT-d §10.4.30. */
    public static final int IQEI_TAIL = 1;
    public static final int IQEI_TYPE = 2;
    public static final int IQEI_RESERVED = 3;

    // IRTA_REG. VT-d §10.4.31.
    /** Bits 63:12: IRTA; bit 11 EIME (x2APIC mode); bits 3:0 S (2^(S+1) entries). */
    public static final long IRTA_ADDRESS_MASK = ~0xFFFL;
    public static final long IRTA_EIME = 1L << 11;
    public static final long IRTA_S_MASK = 0xFL;
}
