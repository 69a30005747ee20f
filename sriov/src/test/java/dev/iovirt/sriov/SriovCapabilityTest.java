package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PF's identity, PCIe capability and SR-IOV extended capability, driven as a PF driver drives them: by configuration accesses. */
class SriovCapabilityTest {
    /** PF at 00:04.0 (routing ID 0x20): with offset 16 and stride 1, VF 1 is 0x30 = 00:06.0. */
    private final SriovRig rig = new SriovRig();
    private final PhysicalFunction pf = rig.pf;
    private final int cap = pf.sriovCapabilityOffset();
    private final List<String> events = new ArrayList<>();

    SriovCapabilityTest() {
        pf.addListener(new PhysicalFunction.VfListener() {
            @Override
            public void vfCreated(VirtualFunction vf) {
                events.add("+" + vf.routingId());
            }

            @Override
            public void vfRemoved(VirtualFunction vf) {
                events.add("-" + vf.routingId());
            }
        });
    }

    private int read(int reg, int size) {
        return pf.configRead(cap + reg, size);
    }

    private void write(int reg, int size, int value) {
        pf.configWrite(cap + reg, size, value);
    }

    /** Walks the standard capability list for {@code id}; -1 if absent. */
    private static int findCapability(dev.iovirt.vmm.pci.PciFunction f, int id) {
        for (int p = f.configRead(PciConfig.CAPABILITIES_POINTER, 1); p != 0; p = f.configRead(p + 1, 1)) {
            if (f.configRead(p, 1) == id) {
                return p;
            }
        }
        return -1;
    }

    @Test
    void pfHasX710IdentityAndAPcieEndpointCapability() {
        assertThat(pf.configRead(PciConfig.VENDOR_ID, 2)).isEqualTo(0x8086);
        assertThat(pf.configRead(PciConfig.DEVICE_ID, 2)).isEqualTo(0x1572);
        assertThat(pf.configRead(PciConfig.CLASS_PROG_IF, 1) | pf.configRead(PciConfig.CLASS_PROG_IF + 1, 2) << 8)
                .isEqualTo(0x02_00_00);
        int pcie = findCapability(pf, PciConfig.CAP_ID_PCIE);
        assertThat(pcie).isEqualTo(pf.pcieCapabilityOffset());
        assertThat(pf.configRead(pcie + PCIE_CAPABILITIES, 2) & 0xFF).isEqualTo(PCIE_CAP_VERSION_2 | PCIE_TYPE_ENDPOINT);
        assertThat(pf.configRead(pcie + PCIE_LINK_STATUS, 2)).isEqualTo(PCIE_LINK_SPEED_8GT | PCIE_LINK_WIDTH_X8 << 4);
    }

    @Test
    void sriovCapabilityIsTheFirstExtendedCapabilityWithTheX710Geometry() {
        assertThat(cap).isEqualTo(PciConfig.EXTENDED_CAPABILITIES);
        int header = pf.configRead(cap, 4);
        assertThat(header & 0xFFFF).isEqualTo(PciConfig.EXT_CAP_ID_SRIOV);
        assertThat((header >>> 16) & 0xF).isEqualTo(SRIOV_CAP_VERSION);
        assertThat(header >>> 20).as("last extended capability").isZero();
        assertThat(read(SRIOV_TOTAL_VFS, 2)).isEqualTo(64);
        assertThat(read(SRIOV_INITIAL_VFS, 2)).isEqualTo(64);
        assertThat(read(SRIOV_NUM_VFS, 2)).isZero();
        assertThat(read(SRIOV_FIRST_VF_OFFSET, 2)).isEqualTo(16);
        assertThat(read(SRIOV_VF_STRIDE, 2)).isEqualTo(1);
        assertThat(read(SRIOV_VF_DEVICE_ID, 2)).isEqualTo(0x154C);
        assertThat(read(SRIOV_SUPPORTED_PAGE_SIZES, 4)).isEqualTo(0x553);
        assertThat(read(SRIOV_SYSTEM_PAGE_SIZE, 4)).isEqualTo(1);
        assertThat(read(SRIOV_CONTROL, 2)).isZero();
        assertThat(pf.virtualFunctions()).isEmpty();
    }

    @Test
    void settingVfEnableCreatesNumVfsAtFirstVfOffsetAndStride() {
        write(SRIOV_NUM_VFS, 2, 4);
        assertThat(pf.virtualFunctions()).as("NumVFs alone creates nothing").isEmpty();

        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);

        assertThat(pf.virtualFunctions()).extracting(VirtualFunction::routingId)
                .containsExactly(Bdf.of(0, 6, 0), Bdf.of(0, 6, 1), Bdf.of(0, 6, 2), Bdf.of(0, 6, 3));
        assertThat(events).containsExactly("+00:06.0", "+00:06.1", "+00:06.2", "+00:06.3");
        assertThat(pf.virtualFunction(Bdf.of(0, 6, 2)).index()).isEqualTo(2);
        assertThat(pf.virtualFunction(Bdf.of(0, 6, 4))).as("beyond NumVFs").isNull();
        assertThat(pf.virtualFunction(Bdf.of(0, 4, 0))).as("the PF itself").isNull();
    }

    @Test
    void vfStrideSpacesRoutingIds() {
        PhysicalFunction strided = new PhysicalFunction("p", Bdf.of(3, 0, 0), VfWiring.iommu(rig.iommu, rig.nicAccount), 8, 0x80, 2);
        strided.configWrite(strided.sriovCapabilityOffset() + SRIOV_NUM_VFS, 2, 3);
        strided.configWrite(strided.sriovCapabilityOffset() + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);

        assertThat(strided.virtualFunctions()).extracting(v -> v.routingId().requesterId())
                .containsExactly(0x380, 0x382, 0x384);
        assertThat(strided.virtualFunction(Bdf.of(3, 16, 1))).as("between two VFs").isNull();
        assertThat(strided.virtualFunction(Bdf.of(3, 16, 2)).index()).isEqualTo(1);
    }

    @Test
    void clearingVfEnableRemovesTheVfsAndSettingItAgainCreatesFreshOnes() {
        write(SRIOV_NUM_VFS, 2, 2);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        VirtualFunction first = pf.virtualFunctions().get(0);
        first.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_BUS_MASTER);

        write(SRIOV_CONTROL, 2, 0);

        assertThat(pf.virtualFunctions()).isEmpty();
        assertThat(pf.virtualFunction(Bdf.of(0, 6, 0))).isNull();
        assertThat(events).containsExactly("+00:06.0", "+00:06.1", "-00:06.0", "-00:06.1");

        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        VirtualFunction again = pf.virtualFunctions().get(0);
        assertThat(again).isNotSameAs(first);
        assertThat(again.busMaster()).as("VF state is lost when VF Enable clears").isFalse();
        assertThat(rig.nicAccount.frames()).as("one doorbell page per live VF").isEqualTo(2);
    }

    @Test
    void enablingWithZeroNumVfsCreatesNoVfs() {
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        assertThat(pf.vfEnabled()).isTrue();
        assertThat(pf.virtualFunctions()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void numVfsAboveTotalVfsIsIgnoredAndCounted() {
        write(SRIOV_NUM_VFS, 2, 3);
        write(SRIOV_NUM_VFS, 2, 65);

        assertThat(read(SRIOV_NUM_VFS, 2)).isEqualTo(3);
        assertThat(pf.ignoredNumVfsWrites()).isEqualTo(1);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        assertThat(pf.virtualFunctions()).hasSize(3);
    }

    @Test
    void numVfsCannotChangeWhileVfEnableIsSet() {
        write(SRIOV_NUM_VFS, 2, 2);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);

        write(SRIOV_NUM_VFS, 2, 8);

        assertThat(read(SRIOV_NUM_VFS, 2)).isEqualTo(2);
        assertThat(pf.virtualFunctions()).hasSize(2);
        assertThat(pf.ignoredNumVfsWrites()).isEqualTo(1);

        write(SRIOV_CONTROL, 2, 0);
        write(SRIOV_NUM_VFS, 2, 8);
        assertThat(read(SRIOV_NUM_VFS, 2)).as("writable again once VF Enable is clear").isEqualTo(8);
    }

    @Test
    void readOnlyFieldsIgnoreWrites() {
        for (int reg : new int[] {SRIOV_TOTAL_VFS, SRIOV_INITIAL_VFS, SRIOV_FIRST_VF_OFFSET, SRIOV_VF_STRIDE, SRIOV_VF_DEVICE_ID}) {
            int before = read(reg, 2);
            write(reg, 2, 0x1234);
            assertThat(read(reg, 2)).as("register %x", reg).isEqualTo(before);
        }
        write(SRIOV_CONTROL, 2, 0xFFFF);
        assertThat(read(SRIOV_CONTROL, 2)).as("only VF Enable and VF MSE are implemented")
                .isEqualTo(SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
    }

    @Test
    void vfBarSizingReadsBackThePerVfSize() {
        write(SRIOV_VF_BAR0 + 4 * VF_REGS_BAR, 4, 0xFFFF_FFFF);
        write(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4, 0xFFFF_FFFF);

        assertThat(read(SRIOV_VF_BAR0, 4)).isEqualTo(~(VF_REGS_SIZE - 1) | 0xC); // 64-bit, prefetchable
        assertThat(read(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4)).isEqualTo(~(VF_MSIX_SIZE - 1) | 0xC);
        assertThat(read(SRIOV_VF_BAR0 + 4 * 2, 4)).as("VF BAR2 not implemented").isZero();
        write(SRIOV_VF_BAR0 + 4 * 2, 4, 0xFFFF_FFFF);
        assertThat(read(SRIOV_VF_BAR0 + 4 * 2, 4)).isZero();
    }

    @Test
    void eachVfsBarSliceIsTheBasePlusItsIndexTimesThePerVfSize() {
        write(SRIOV_NUM_VFS, 2, 4);
        write(SRIOV_VF_BAR0, 4, 0xC000_0000);
        write(SRIOV_VF_BAR0 + 4, 4, 0x1); // upper half: 0x1_C000_0000
        write(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4, 0xD000_0000);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);

        assertThat(pf.vfBarAddress(2, VF_REGS_BAR)).isEqualTo(0x1_C000_0000L + 2 * VF_REGS_SIZE);
        PhysicalFunction.VfBarHit hit = pf.decode(0x1_C000_0000L + 3 * VF_REGS_SIZE + 0x18);
        assertThat(hit.vf().index()).isEqualTo(3);
        assertThat(hit.bar()).isEqualTo(VF_REGS_BAR);
        assertThat(hit.offset()).isEqualTo(0x18);
        assertThat(pf.decode(0xD000_0000L + VF_MSIX_SIZE).vf().index()).isEqualTo(1);
        assertThat(pf.decode(0x1_C000_0000L + 4 * VF_REGS_SIZE)).as("past the last VF").isNull();
    }

    @Test
    void vfBarsDecodeNothingWithoutVfMse() {
        write(SRIOV_NUM_VFS, 2, 1);
        write(SRIOV_VF_BAR0, 4, 0xC000_0000);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        assertThat(pf.decode(0xC000_0000L)).isNull();

        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
        assertThat(pf.decode(0xC000_0000L)).isNotNull();
    }

    @Test
    void systemPageSizeRoundsEachVfsBarUpToAPage() {
        write(SRIOV_SYSTEM_PAGE_SIZE, 4, 1 << 4); // 64 KiB pages (bit 4: 2^(4+12))
        assertThat(pf.systemPageBytes()).isEqualTo(64 << 10);
        assertThat(pf.vfBarSize(VF_MSIX_BAR)).isEqualTo(64 << 10);

        write(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4, 0xFFFF_FFFF);
        assertThat(read(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4)).isEqualTo(~((64 << 10) - 1) | 0xC);
        write(SRIOV_VF_BAR0 + 4 * VF_MSIX_BAR, 4, 0xD000_4000);
        assertThat(pf.vfBarBase(VF_MSIX_BAR)).as("aligned to the system page").isEqualTo(0xD000_0000L);
    }

    @Test
    void badSystemPageSizeWritesAreIgnored() {
        write(SRIOV_SYSTEM_PAGE_SIZE, 4, 0x3); // two sizes
        write(SRIOV_SYSTEM_PAGE_SIZE, 4, 0x4); // 16 KiB: not in Supported Page Sizes
        write(SRIOV_SYSTEM_PAGE_SIZE, 4, 0);
        assertThat(read(SRIOV_SYSTEM_PAGE_SIZE, 4)).isEqualTo(1);
        assertThat(pf.ignoredPageSizeWrites()).isEqualTo(3);

        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        write(SRIOV_SYSTEM_PAGE_SIZE, 4, 0x2);
        assertThat(read(SRIOV_SYSTEM_PAGE_SIZE, 4)).as("fixed while VFs exist").isEqualTo(1);
    }

    @Test
    void vfConfigSpaceFollowsTheVfRules() {
        write(SRIOV_NUM_VFS, 2, 1);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        VirtualFunction vf = pf.virtualFunctions().get(0);

        assertThat(vf.configRead(PciConfig.VENDOR_ID, 4)).isEqualTo(0xFFFF_FFFF);
        for (int bar = 0; bar < 6; bar++) {
            vf.configWrite(PciConfig.BAR0 + 4 * bar, 4, 0xFFFF_FFFF);
            assertThat(vf.configRead(PciConfig.BAR0 + 4 * bar, 4)).as("VF BAR%d", bar).isZero();
        }
        vf.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_IO | PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
        assertThat(vf.command()).as("I/O and memory enable are hard-wired to 0").isEqualTo(PciConfig.COMMAND_BUS_MASTER);
        assertThat(vf.busMaster()).isTrue();
        assertThat(findCapability(vf, PciConfig.CAP_ID_PCIE)).isPositive();
        int msix = findCapability(vf, PciConfig.CAP_ID_MSIX);
        assertThat(vf.configRead(msix + PciConfig.MSIX_MESSAGE_CONTROL, 2) & 0x7FF).isEqualTo(VF_MSIX_VECTORS - 1);
        assertThat(vf.configRead(msix + PciConfig.MSIX_TABLE_OFFSET_BIR, 4)).isEqualTo(VF_MSIX_BAR);
        assertThat(vf.configRead(msix + PciConfig.MSIX_PBA_OFFSET_BIR, 4)).isEqualTo(VF_MSIX_PBA_OFFSET | VF_MSIX_BAR);
    }

    @Test
    void vfMsixTableInVfBar3SignalsTheProgrammedMessage() {
        write(SRIOV_NUM_VFS, 2, 1);
        write(SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE);
        VirtualFunction vf = pf.virtualFunctions().get(0);
        List<long[]> sent = new ArrayList<>();
        vf.msix().setSink((address, data) -> sent.add(new long[] {address, data}));
        vf.msixBar().mmioWrite(16, 4, 0xFEE0_0000L); // entry 1: address low
        vf.msixBar().mmioWrite(16 + 8, 4, 0x41); // data
        vf.msixBar().mmioWrite(16 + 12, 4, 0); // unmasked
        int msix = findCapability(vf, PciConfig.CAP_ID_MSIX);
        vf.configWrite(msix + PciConfig.MSIX_MESSAGE_CONTROL, 2, PciConfig.MSIX_CONTROL_ENABLE);

        vf.msix().notify(1);

        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m[0]).isEqualTo(0xFEE0_0000L);
            assertThat(m[1]).isEqualTo(0x41);
        });
    }

    @Test
    void geometryWhoseLastVfWouldPassRoutingIdFfffIsRejected() {
        assertThatThrownBy(() -> new PhysicalFunction("p", Bdf.of(255, 31, 0), VfWiring.iommu(rig.iommu, rig.nicAccount), 64, 16, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routing ID");
    }
}
