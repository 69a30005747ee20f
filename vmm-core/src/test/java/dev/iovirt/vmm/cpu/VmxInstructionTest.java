package dev.iovirt.vmm.cpu;

import static dev.iovirt.vmm.vmx.VmcsField.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.ept.Eptp;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.VmxBench;
import dev.iovirt.vmm.vmx.Controls;
import dev.iovirt.vmm.vmx.ExitReason;
import dev.iovirt.vmm.vmx.InterruptionInfo;
import dev.iovirt.vmm.vmx.VmInstructionError;
import dev.iovirt.vmm.vmx.VmxFault;
import dev.iovirt.vmm.vmx.VmxResult;
import org.junit.jupiter.api.Test;

class VmxInstructionTest {
    private final VmxBench b = new VmxBench();

    private int error() {
        return (int) b.vcpu.vmread(VM_INSTRUCTION_ERROR);
    }

    @Test
    void vmxonWithoutCr4VmxeRaisesUndefinedOpcode() {
        b.vcpu.setHostCr4(0);
        assertThatThrownBy(() -> b.vcpu.vmxon(b.vmxonRegion)).isInstanceOf(VmxFault.class)
                .satisfies(e -> assertThat(((VmxFault) e).vector).isEqualTo(X86.VECTOR_UD));
    }

    @Test
    void vmxInstructionsOutsideVmxOperationRaiseUndefinedOpcode() {
        assertThatThrownBy(() -> b.vcpu.vmptrld(b.vmcsRegion)).isInstanceOf(VmxFault.class);
        assertThatThrownBy(() -> b.vcpu.vmlaunch()).isInstanceOf(VmxFault.class);
        assertThatThrownBy(() -> b.vcpu.vmxoff()).isInstanceOf(VmxFault.class);
    }

    @Test
    void vmxonWithWrongRevisionFailsInvalid() {
        b.memory.write32(b.vmxonRegion, 0x7777);
        assertThat(b.vcpu.vmxon(b.vmxonRegion)).isEqualTo(VmxResult.FAIL_INVALID);
    }

    @Test
    void vmxonInVmxRootWithCurrentVmcsFailsWithError15() {
        b.ready();
        assertThat(b.vcpu.vmxon(b.vmxonRegion)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(15);
    }

    @Test
    void vmxonInVmxRootWithoutCurrentVmcsFailsInvalid() {
        b.vcpu.vmxon(b.vmxonRegion);
        assertThat(b.vcpu.vmxon(b.vmxonRegion)).isEqualTo(VmxResult.FAIL_INVALID);
    }

    @Test
    void vmptrldOfVmxonPointerFailsWithError10() {
        b.ready();
        assertThat(b.vcpu.vmptrld(b.vmxonRegion)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(VmInstructionError.VMPTRLD_VMXON_POINTER.number).isEqualTo(10);
    }

    @Test
    void vmptrldWithWrongRevisionFailsWithError11() {
        b.ready();
        Hpa other = b.region();
        b.memory.write32(other, 0x1234);
        assertThat(b.vcpu.vmptrld(other)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(11);
    }

    @Test
    void vmptrldOfUnalignedAddressFailsWithError9() {
        b.ready();
        assertThat(b.vcpu.vmptrld(b.vmcsRegion.plus(8))).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(9);
    }

    @Test
    void vmptrldOfUnalignedAddressWithoutCurrentVmcsFailsInvalid() {
        b.vcpu.vmxon(b.vmxonRegion);
        assertThat(b.vcpu.vmptrld(b.vmcsRegion.plus(8))).isEqualTo(VmxResult.FAIL_INVALID);
    }

    @Test
    void vmclearOfVmxonPointerFailsWithError3AndBadAddressWithError2() {
        b.ready();
        assertThat(b.vcpu.vmclear(b.vmxonRegion)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(3);
        assertThat(b.vcpu.vmclear(Hpa.of(b.memory.capacity()))).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(2);
    }

    @Test
    void vmclearOfCurrentVmcsLeavesNoCurrentVmcs() {
        b.ready();
        assertThat(b.vcpu.vmclear(b.vmcsRegion)).isEqualTo(VmxResult.SUCCEED);
        assertThat(b.vcpu.vmptrst()).isEqualTo(-1L);
        b.vcpu.vmread(GUEST_RIP);
        assertThat(b.vcpu.lastResult()).isEqualTo(VmxResult.FAIL_INVALID);
    }

    @Test
    void vmreadOfUnsupportedComponentFailsWithError12() {
        b.ready();
        b.vcpu.vmread(0x6C40);
        assertThat(b.vcpu.lastResult()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(12);
        assertThat(b.vcpu.vmwrite(0x0001, 5)).isEqualTo(VmxResult.FAIL_VALID); // high access to a 16-bit field
        assertThat(error()).isEqualTo(12);
    }

    @Test
    void vmwriteToReadOnlyComponentFailsWithError13() {
        b.ready();
        assertThat(b.vcpu.vmwrite(EXIT_REASON, 12)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(13);
        assertThat(b.vcpu.vmwrite(EXIT_QUALIFICATION, 1)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(13);
    }

    @Test
    void vmwriteTruncatesToFieldWidthAndHighAccessReadsUpperHalf() {
        b.ready();
        b.vcpu.vmwrite(VIRTUAL_PROCESSOR_ID, 0x1_2345);
        assertThat(b.vcpu.vmread(VIRTUAL_PROCESSOR_ID)).isEqualTo(0x2345);
        b.vcpu.vmwrite(EPT_POINTER, 0x1234_5678_9ABC_D000L);
        assertThat(b.vcpu.vmread(EPT_POINTER + 1)).isEqualTo(0x1234_5678L);
        b.vcpu.vmwrite(EPT_POINTER + 1, 0x42);
        assertThat(b.vcpu.vmread(EPT_POINTER)).isEqualTo(0x42_9ABC_D000L);
    }

    @Test
    void vmlaunchWithoutCurrentVmcsFailsInvalid() {
        b.vcpu.vmxon(b.vmxonRegion);
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.FAIL_INVALID);
    }

    @Test
    void vmlaunchOnLaunchedVmcsFailsWithError4() {
        b.ready();
        b.run(new TestGuest(cpu -> { }));
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(4);
        assertThat(VmInstructionError.ofNumber(4).description).isEqualTo("VMLAUNCH with non-clear VMCS");
    }

    @Test
    void vmresumeOnClearVmcsFailsWithError5() {
        b.ready();
        assertThat(b.vcpu.vmresume()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(5);
    }

    @Test
    void vmclearMakesALaunchedVmcsLaunchableAgain() {
        b.ready();
        b.run(new TestGuest(cpu -> { }));
        b.vcpu.vmclear(b.vmcsRegion);
        b.vcpu.vmptrld(b.vmcsRegion);
        assertThat(b.vcpu.vmresume()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(5);
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.SUCCEED);
    }

    private void assertEntryFailsWithError7(String reasonFragment) {
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(7);
        assertThat(b.vcpu.lastFailure()).contains(reasonFragment);
    }

    @Test
    void enableEptWithInvalidEptpFailsWithError7() {
        b.ready();
        b.w(EPT_POINTER, b.ept.pml4().value() | 6 | (4 << Eptp.WALK_LENGTH_SHIFT)); // 5-level walk: not supported
        assertEntryFailsWithError7("page-walk length");
        b.w(EPT_POINTER, b.ept.pml4().value() | 2 | (3 << Eptp.WALK_LENGTH_SHIFT)); // memory type 2 is reserved
        assertEntryFailsWithError7("memory type");
    }

    @Test
    void virtualInterruptDeliveryWithoutExternalInterruptExitingFailsWithError7() {
        b.ready();
        b.w(VIRTUAL_APIC_ADDRESS, b.region().value());
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_TPR_SHADOW,
                Controls.SEC_ENABLE_EPT | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY, 0, 0);
        assertEntryFailsWithError7("external-interrupt exiting");
    }

    @Test
    void virtualInterruptDeliveryWithoutTprShadowFailsWithError7() {
        b.ready();
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING, Controls.PROC_ACTIVATE_SECONDARY,
                Controls.SEC_ENABLE_EPT | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY, 0, 0);
        assertEntryFailsWithError7("use TPR shadow");
    }

    @Test
    void processPostedInterruptsWithoutAcknowledgeOnExitFailsWithError7() {
        b.ready();
        b.w(VIRTUAL_APIC_ADDRESS, b.region().value());
        b.w(POSTED_INTERRUPT_DESCRIPTOR, b.region().value());
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING | Controls.PIN_PROCESS_POSTED_INTERRUPTS,
                Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_TPR_SHADOW,
                Controls.SEC_ENABLE_EPT | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY, 0, 0);
        assertEntryFailsWithError7("acknowledge interrupt on exit");
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING | Controls.PIN_PROCESS_POSTED_INTERRUPTS,
                Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_TPR_SHADOW,
                Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST | Controls.SEC_VIRTUAL_INTERRUPT_DELIVERY,
                Controls.EXIT_ACK_INTERRUPT_ON_EXIT, 0);
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.SUCCEED);
    }

    @Test
    void processPostedInterruptsWithoutVirtualInterruptDeliveryFailsWithError7() {
        b.ready();
        b.w(POSTED_INTERRUPT_DESCRIPTOR, b.region().value());
        b.controls(Controls.PIN_EXTERNAL_INTERRUPT_EXITING | Controls.PIN_PROCESS_POSTED_INTERRUPTS,
                Controls.PROC_ACTIVATE_SECONDARY, Controls.SEC_ENABLE_EPT, Controls.EXIT_ACK_INTERRUPT_ON_EXIT, 0);
        assertEntryFailsWithError7("virtual-interrupt delivery");
    }

    @Test
    void unrestrictedGuestWithoutEptFailsWithError7() {
        b.ready();
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY, Controls.SEC_UNRESTRICTED_GUEST, 0, 0);
        assertEntryFailsWithError7("unrestricted guest");
    }

    @Test
    void enableVpidWithVpidZeroFailsWithError7() {
        b.ready();
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY, Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST
                | Controls.SEC_ENABLE_VPID, 0, 0);
        assertEntryFailsWithError7("VPID 0");
    }

    @Test
    void clearingAMustBeOneControlBitFailsWithError7() {
        b.ready();
        b.w(PIN_BASED_CONTROLS, 0); // bits 1, 2, 4 are default-1
        assertEntryFailsWithError7("pin-based");
    }

    @Test
    void ioBitmapsAtUnalignedAddressFailWithError7() {
        b.ready();
        b.w(IO_BITMAP_A, b.region().value() + 16);
        b.w(IO_BITMAP_B, b.region().value());
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY | Controls.PROC_USE_IO_BITMAPS,
                Controls.SEC_ENABLE_EPT | Controls.SEC_UNRESTRICTED_GUEST, 0, 0);
        assertEntryFailsWithError7("I/O bitmap");
    }

    @Test
    void injectingAReservedEventTypeFailsWithError7() {
        b.ready();
        b.w(VM_ENTRY_INTERRUPTION_INFO, InterruptionInfo.VALID | (1 << 8) | 40);
        assertEntryFailsWithError7("reserved");
        b.w(VM_ENTRY_INTERRUPTION_INFO, InterruptionInfo.of(InterruptionInfo.TYPE_EXTERNAL_INTERRUPT, 40, true));
        assertEntryFailsWithError7("error code");
    }

    @Test
    void hostCr4WithoutVmxeFailsWithError8() {
        b.ready();
        b.w(HOST_CR4, 0);
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(8);
    }

    @Test
    void pagingOffWithoutUnrestrictedGuestIsAnEntryFailureWithReason33() {
        b.ready();
        b.controls(0, Controls.PROC_ACTIVATE_SECONDARY, Controls.SEC_ENABLE_EPT, 0, 0);
        TestGuest guest = new TestGuest(cpu -> { });
        b.vcpu.setGuestCode(guest);
        assertThat(b.vcpu.vmlaunch()).isEqualTo(VmxResult.SUCCEED);
        assertThat(b.vcpu.lastEntryFailed()).isTrue();
        int reason = (int) b.vcpu.vmread(EXIT_REASON);
        assertThat(reason & ExitReason.ENTRY_FAILURE_BIT).isNotZero();
        assertThat(reason & 0xFFFF).isEqualTo(33);
        assertThat(b.vcpu.vmresume()).isEqualTo(VmxResult.FAIL_VALID); // never launched
    }

    @Test
    void inveptAndInvvpidRejectInvalidOperandsWithError28() {
        b.ready();
        assertThat(b.vcpu.invept(3, b.ept.eptp(false))).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(28);
        assertThat(b.vcpu.invvpid(Vcpu.INVVPID_SINGLE_CONTEXT, 0, 0)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(28);
        assertThat(b.vcpu.invvpid(Vcpu.INVVPID_INDIVIDUAL_ADDRESS, 5, 0x0000_8000_0000_0000L)).isEqualTo(VmxResult.FAIL_VALID);
        assertThat(error()).isEqualTo(28);
        assertThat(b.vcpu.invvpid(Vcpu.INVVPID_ALL_CONTEXT, 0, 0)).isEqualTo(VmxResult.SUCCEED);
    }

    @Test
    void vmxoffLeavesVmxOperation() {
        b.ready();
        assertThat(b.vcpu.vmxoff()).isEqualTo(VmxResult.SUCCEED);
        assertThatThrownBy(() -> b.vcpu.vmread(GUEST_RIP)).isInstanceOf(VmxFault.class);
    }
}
