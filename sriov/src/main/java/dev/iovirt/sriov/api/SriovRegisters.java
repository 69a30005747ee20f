package dev.iovirt.sriov.api;

/**
 * Identity, the PCI Express capability and the SR-IOV extended capability of the modeled NIC, as a
 * PF driver (host) reads them. Offsets in the SR-IOV capability are relative to its header. Constants
 * only: the guest side and the host's PF driver import these, never device objects (DESIGN §2).
 */
public final class SriovRegisters {
    private SriovRegisters() {
    }

    /** Intel's PCI vendor ID. */
    public static final int VENDOR_INTEL = 0x8086;
    /** Intel Ethernet Controller X710 for 10GbE SFP+, physical function (Linux i40e: I40E_DEV_ID_SFP_XL710). */
    public static final int DEVICE_X710_PF = 0x1572;
    /** Intel Ethernet Virtual Function 700 Series (Linux iavf: IAVF_DEV_ID_VF). */
    public static final int DEVICE_X710_VF = 0x154C;
    /** Class code 02h/00h/00h: network controller, Ethernet. PCI Code and ID Assignment Spec §1.3. */
    public static final int CLASS_ETHERNET = 0x02_00_00;
    /** The X710 PF offers at most 64 VFs per port in its default NVM image. */
    public static final int DEFAULT_TOTAL_VFS = 64;
    /** First VF Offset of the X710: VF 1 is 16 routing IDs after its PF (the PF's own functions sit before). */
    public static final int DEFAULT_FIRST_VF_OFFSET = 16;
    /** VF Stride of the X710: VFs occupy consecutive routing IDs. */
    public static final int DEFAULT_VF_STRIDE = 1;
    /** A VF's Vendor ID and Device ID registers read FFFFh; software takes them from the PF. PCIe Base Spec 6.0 §9.3.4.1.1, §9.3.4.1.2. */
    public static final int VF_ID_READS = 0xFFFF;

    // PCI Express capability (ID 10h). PCIe Base Spec 6.0 §7.5.3.
    /** Length of the PCIe capability structure (version 2) for an endpoint. §7.5.3. */
    public static final int PCIE_CAP_LENGTH = 0x3C;
    /** PCI Express Capabilities register (16 bits): 3:0 capability version, 7:4 device/port type. §7.5.3.2. */
    public static final int PCIE_CAPABILITIES = 0x02;
    /** Capability version 2. §7.5.3.2. */
    public static final int PCIE_CAP_VERSION_2 = 2;
    /** Device/Port Type 0000b: PCI Express Endpoint. §7.5.3.2. */
    public static final int PCIE_TYPE_ENDPOINT = 0 << 4;
    /** Device Capabilities register (32 bits). §7.5.3.3. */
    public static final int PCIE_DEVICE_CAPABILITIES = 0x04;
    /** Device Capabilities bits 2:0, Max_Payload_Size Supported: 001b = 256 bytes. §7.5.3.3. */
    public static final int PCIE_DEVCAP_MPS_256 = 1;
    /** Device Control register (16 bits). §7.5.3.4. */
    public static final int PCIE_DEVICE_CONTROL = 0x08;
    /** Device Status register (16 bits). §7.5.3.5. */
    public static final int PCIE_DEVICE_STATUS = 0x0A;
    /** Link Capabilities register (32 bits): 3:0 max link speed, 9:4 max link width. §7.5.3.6. */
    public static final int PCIE_LINK_CAPABILITIES = 0x0C;
    /** Link Status register (16 bits): 3:0 current link speed, 9:4 negotiated width. §7.5.3.8. */
    public static final int PCIE_LINK_STATUS = 0x12;
    /** Link speed encoding 3: 8.0 GT/s (the X710 is PCIe 3.0 x8). §7.5.3.6. */
    public static final int PCIE_LINK_SPEED_8GT = 3;
    /** Link width x8. §7.5.3.6. */
    public static final int PCIE_LINK_WIDTH_X8 = 8;

    // SR-IOV extended capability (ID 0010h, version 1). PCIe Base Spec 6.0 §9.3.3, Figure 9-9.
    /** Length of the SR-IOV extended capability. §9.3.3. */
    public static final int SRIOV_CAP_LENGTH = 0x40;
    /** SR-IOV capability version. §9.3.3.1. */
    public static final int SRIOV_CAP_VERSION = 1;
    /** SR-IOV Capabilities (32 bits): bit 0 VF Migration Capable, bit 1 ARI Capable Hierarchy Preserved. §9.3.3.2. */
    public static final int SRIOV_CAPABILITIES = 0x04;
    /** SR-IOV Control (16 bits). §9.3.3.3. */
    public static final int SRIOV_CONTROL = 0x08;
    /** SR-IOV Control bit 0, VF Enable: the VFs exist (0→1 creates NumVFs VFs, 1→0 removes them). §9.3.3.3.1. */
    public static final int SRIOV_CTRL_VF_ENABLE = 1;
    /** SR-IOV Control bit 1, VF Migration Enable (not supported: reads 0). §9.3.3.3.2. */
    public static final int SRIOV_CTRL_VF_MIGRATION_ENABLE = 1 << 1;
    /** SR-IOV Control bit 3, VF MSE: the VFs' memory space (the VF BARs) decodes. §9.3.3.3.4. */
    public static final int SRIOV_CTRL_VF_MSE = 1 << 3;
    /** SR-IOV Control bit 4, ARI Capable Hierarchy (not supported here: reads 0, see docs/sriov.md). §9.3.3.3.5. */
    public static final int SRIOV_CTRL_ARI_CAPABLE_HIERARCHY = 1 << 4;
    /** SR-IOV Status (16 bits): bit 0 VF Migration Status. §9.3.3.4. */
    public static final int SRIOV_STATUS = 0x0A;
    /** InitialVFs (16 bits, RO): VFs initially associated with the PF. §9.3.3.5. */
    public static final int SRIOV_INITIAL_VFS = 0x0C;
    /** TotalVFs (16 bits, RO): the most VFs the PF can have. §9.3.3.6. */
    public static final int SRIOV_TOTAL_VFS = 0x0E;
    /** NumVFs (16 bits): VFs made visible when VF Enable is set; writable only while VF Enable is clear. §9.3.3.7. */
    public static final int SRIOV_NUM_VFS = 0x10;
    /** Function Dependency Link (8 bits, RO). §9.3.3.8. */
    public static final int SRIOV_FUNCTION_DEPENDENCY_LINK = 0x12;
    /** First VF Offset (16 bits, RO): routing ID of VF 1 minus the PF's. §9.3.3.9. */
    public static final int SRIOV_FIRST_VF_OFFSET = 0x14;
    /** VF Stride (16 bits, RO): routing-ID distance between consecutive VFs. §9.3.3.10. */
    public static final int SRIOV_VF_STRIDE = 0x16;
    /** VF Device ID (16 bits, RO). §9.3.3.11. */
    public static final int SRIOV_VF_DEVICE_ID = 0x1A;
    /** Supported Page Sizes (32 bits, RO): bit n set = page size 2^(n+12) supported. §9.3.3.12. */
    public static final int SRIOV_SUPPORTED_PAGE_SIZES = 0x1C;
    /** System Page Size (32 bits): exactly one supported bit; VF BARs are aligned to it. §9.3.3.13. */
    public static final int SRIOV_SYSTEM_PAGE_SIZE = 0x20;
    /** VF BAR0; VF BARn is at {@code SRIOV_VF_BAR0 + 4 * n}. §9.3.3.14. */
    public static final int SRIOV_VF_BAR0 = 0x24;
    /** VF Migration State Array Offset (32 bits, RO; 0: no migration). §9.3.3.15. */
    public static final int SRIOV_VF_MIGRATION_STATE = 0x3C;
    /** Page sizes the NIC supports: 4 KiB, 8 KiB, 64 KiB, 256 KiB, 1 MiB, 4 MiB (553h, the value §9.3.3.12 requires at least). */
    public static final int SUPPORTED_PAGE_SIZES = 0x553;
    /** System Page Size after reset: 4 KiB. §9.3.3.13. */
    public static final int SYSTEM_PAGE_SIZE_4K = 1;

    // The VF's resources, as described by the PF's VF BARs.
    /** VF BAR 0-1 (64-bit, prefetchable): each VF's registers and doorbells, 64 KiB as on the X710. */
    public static final int VF_REGS_BAR = 0;
    /** Bytes of each VF's register BAR. */
    public static final int VF_REGS_SIZE = 64 << 10;
    /** VF BAR 3-4 (64-bit, prefetchable): each VF's MSI-X table and PBA, 16 KiB as on the X710. */
    public static final int VF_MSIX_BAR = 3;
    /** Bytes of each VF's MSI-X BAR. */
    public static final int VF_MSIX_SIZE = 16 << 10;
    /** Offset of the MSI-X PBA in the VF's MSI-X BAR (the table starts at 0). */
    public static final int VF_MSIX_PBA_OFFSET = 0x2000;
    /** MSI-X vectors per VF (an X710 VF has 5: one for the admin queue/mailbox, four for queue pairs). */
    public static final int VF_MSIX_VECTORS = 5;
}
