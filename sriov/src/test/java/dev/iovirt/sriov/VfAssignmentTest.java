package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;
import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.iommu.vtd.Irte;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.arch.GuestCode;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.PciConfig;
import dev.iovirt.vmm.vmx.ExitReason;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A VF assigned to a VM: DMA in guest-physical addresses, doorbells without exits, MSI-X posted to the vCPU. */
class VfAssignmentTest {
    private static final long BAR0 = 0xC000_0000L;
    private static final long BAR3 = 0xC001_0000L;
    private static final int VECTOR = 0x61;

    private final SriovRig rig = new SriovRig();
    private final Vm vm = rig.host.createVm(VmConfig.of("vm1", 16L << 20).withApicv(true));
    private final StepDriver driver = new StepDriver(rig.clock, rig.host.timers()).maxRounds(100_000);
    private final VirtualFunction vf;
    private final VfAssignment assignment;
    private final List<Integer> taken = new ArrayList<>();

    VfAssignmentTest() {
        rig.iommu.setPostedInterruptTarget(new VmPostedInterrupts(rig.memory).register(vm));
        rig.enableVfs(2);
        vf = rig.pf.virtualFunctions().get(0);
        assignment = VfAssignment.assign(vf, vm, rig.iommu, 5, BAR0, BAR3);
        vm.vcpus().forEach(driver::add);
        driver.add(vf);
    }

    private GuestCode guest(Consumer<GuestCpu> program) {
        return new GuestCode() {
            @Override
            public void reset(GuestCpu cpu) {
                program.accept(cpu);
                cpu.hlt();
            }

            @Override
            public void interrupt(GuestCpu cpu, int vector, long errorCode) {
                taken.add(vector);
                cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
            }

            @Override
            public void run(GuestCpu cpu) {
                cpu.hlt();
            }
        };
    }

    private static void cfgWrite(GuestCpu cpu, Bdf bdf, int reg, int value) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        cpu.out32(X86.PCI_CONFIG_DATA, value);
    }

    private static int cfgRead(GuestCpu cpu, Bdf bdf, int reg) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        return cpu.in32(X86.PCI_CONFIG_DATA);
    }

    @Test
    void theGuestSeesTheVfAsAn8086To154CFunctionWithItsBars() {
        int[] id = new int[1];
        vm.load(guest(cpu -> id[0] = cfgRead(cpu, assignment.guestBdf(), PciConfig.VENDOR_ID)));
        driver.runUntilIdle();

        assertThat(id[0]).isEqualTo(DEVICE_X710_VF << 16 | VENDOR_INTEL);
        assertThat(assignment.function().barAddress(VF_REGS_BAR)).isEqualTo(BAR0);
        assertThat(assignment.function().barAddress(VF_MSIX_BAR)).isEqualTo(BAR3);
        assertThat(vf.configRead(PciConfig.VENDOR_ID, 2)).as("the VF itself still reads FFFFh").isEqualTo(0xFFFF);
    }

    @Test
    void theVfDmasIntoTheVmsMemoryAtGuestPhysicalAddresses() {
        rig.iommu.dmaFor(vf.routingId()).write32(Gpa.of(0x5000), 0xCAFEF00D);

        assertThat(vm.dma().read32(Gpa.of(0x5000))).isEqualTo(0xCAFEF00D);
        assertThat(rig.iommu.domainFor(vf.routingId())).isSameAs(assignment.domain());
        assertThat(rig.iommu.faults()).isEmpty();
    }

    @Test
    void aDoorbellStoreCausesNoExitWhileRingSetupTraps() {
        long[] exits = new long[3];
        vm.load(guest(cpu -> {
            cpu.read8(0x1000); // touch RAM first so that its first-touch exit is behind us
            exits[0] = vm.stats().exits;
            cpu.write32(BAR0 + TX_TAIL, 7);
            exits[1] = vm.stats().exits;
            cpu.write32(BAR0 + TDLEN, 256);
            exits[2] = vm.stats().exits;
        }));
        driver.runUntilIdle();

        assertThat(exits[1] - exits[0]).as("doorbell").isZero();
        assertThat(rig.memory.read32(vf.doorbellPage().value() + TX_TAIL)).isEqualTo(7);
        assertThat(exits[2] - exits[1]).as("ring setup is trapped MMIO").isEqualTo(1);
        assertThat(vf.registersBar().mmioRead(TDLEN, 4)).isEqualTo(256);
        assertThat(vm.stats().exits(ExitReason.EPT_VIOLATION)).isEqualTo(2); // the RAM touch and TDLEN
    }

    @Test
    void movingBar0MovesTheDoorbellMapping() {
        long moved = 0xC002_0000L;
        long[] exits = new long[2];
        vm.load(guest(cpu -> {
            cfgWrite(cpu, assignment.guestBdf(), PciConfig.BAR0, (int) moved);
            cpu.read8(0x1000);
            exits[0] = vm.stats().exits;
            cpu.write32(moved + RX_TAIL, 3);
            exits[1] = vm.stats().exits;
        }));
        driver.runUntilIdle();

        assertThat(assignment.doorbellGpa()).isEqualTo(moved);
        assertThat(exits[1] - exits[0]).isZero();
        assertThat(rig.memory.read32(vf.doorbellPage().value() + RX_TAIL)).isEqualTo(3);
        assertThat(vm.ept().leafEntry(Gpa.of(BAR0))).as("old mapping removed").isZero();
    }

    @Test
    void guestMsixProgrammingBecomesAPostedIrteAndTheRxInterruptArrivesWithoutAnExit() {
        long ring = 0x10_0000;
        long buffer = 0x11_0000;
        Bdf bdf = assignment.guestBdf();
        int msixCap = assignment.function().msix().capabilityOffset();
        long[] exits = new long[1];
        vm.load(guest(cpu -> {
            cfgWrite(cpu, bdf, PciConfig.COMMAND, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
            // MSI-X entry VECTOR_RX: APIC ID 0, vector 0x61, unmasked; then MSI-X enable.
            long entry = BAR3 + VECTOR_RX * 16L;
            cpu.write32(entry, (int) Msi.address(0));
            cpu.write32(entry + 4, 0);
            cpu.write32(entry + 8, Msi.data(VECTOR));
            cpu.write32(entry + 12, 0);
            cfgWrite(cpu, bdf, msixCap, PciConfig.MSIX_CONTROL_ENABLE << 16);
            // One RX buffer; ring of 8 descriptors; queue on; RX cause unmasked.
            cpu.write64(ring + ADDRESS, buffer);
            cpu.write64(ring + RX_STATUS, 0);
            cpu.write32(BAR0 + RDBAL, (int) ring);
            cpu.write32(BAR0 + RDLEN, 8 * SIZE);
            cpu.write32(BAR0 + RXDCTL, QUEUE_ENABLE);
            cpu.write32(BAR0 + EIMS, CAUSE_RX0);
            cpu.write32(BAR0 + RX_TAIL, 1);
            cpu.sti();
            exits[0] = vm.stats().exits;
        }));
        driver.runUntilIdle();

        assertThat(assignment.postedEntriesProgrammed()).isEqualTo(1);
        long[] irte = rig.iommu.interruptRemapper().entry(assignment.irteIndex(VECTOR_RX));
        assertThat(irte[0] & Irte.POSTED).as("IRTE mode bit 15: posted").isNotZero();

        FrameBatch batch = new FrameBatch();
        batch.add(new byte[60], 0, 60);
        assertThat(vf.transmit(batch)).isEqualTo(1);
        driver.runUntilIdle();

        assertThat(taken).containsExactly(VECTOR);
        assertThat(rig.iommu.stats().interruptsPosted).isEqualTo(1);
        assertThat(vm.stats().exits(ExitReason.EXTERNAL_INTERRUPT)).isZero();
        assertThat(vm.dma().read32(Gpa.of(ring + RX_STATUS))).isEqualTo(RX_STAT_DD | RX_STAT_EOP);
    }

    @Test
    void disablingVfsUnderAnAssignedVfUnmapsItsDoorbellBeforeThePageIsFreed() {
        long framesBefore = rig.nicAccount.frames();
        rig.pf.configWrite(rig.pf.sriovCapabilityOffset() + SRIOV_CONTROL, 2, 0);

        assertThat(assignment.vfGone()).isTrue();
        assertThat(assignment.doorbellGpa()).isZero();
        assertThat(vm.ept().leafEntry(Gpa.of(BAR0))).isZero();
        assertThat(rig.nicAccount.frames()).isEqualTo(framesBefore - 2);
        assertThat(vf.registersBar().mmioRead(TDLEN, 4)).as("reads all ones").isEqualTo(0xFFFF_FFFFL);
    }
}
