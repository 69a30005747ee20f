package dev.iovirt.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.pci.Msix;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.pci.MsixCapability;
import dev.iovirt.vmm.pci.PciFunction;
import dev.iovirt.vmm.time.VirtualClock;
import dev.iovirt.vmm.vmx.ExitReason;
import org.junit.jupiter.api.Test;

/** A driver that routes its device's MSI-X vector to a kernel handler, through config space and MMIO only. */
class MsixDriverTest {
    /** A device model with two MSI-X entries in memory BAR 0 (table at 0, PBA at 0x800). */
    static final class Doorbell extends PciFunction {
        final MsixCapability msix;

        Doorbell() {
            super(0x1AF4, 0x10FF, 0xFF_00_00, 0);
            msix = addMsix(2, 0, 0, 0x800);
            MmioDevice table = msix.tableRegion();
            memoryBar64(0, 4096, false, new MmioDevice() {
                @Override
                public long mmioRead(long offset, int size) {
                    return offset < 0x800 ? table.mmioRead(offset, size) : msix.pbaRegion().mmioRead(offset - 0x800, size);
                }

                @Override
                public void mmioWrite(long offset, int size, long value) {
                    if (offset < 0x800) {
                        table.mmioWrite(offset, size, value);
                    }
                }
            });
        }
    }

    /** The driver: takes a vector, routes entry 1 to it, enables MSI-X. */
    static final class DoorbellDriver implements Driver {
        int interrupts;
        int vector;
        int tableSize;

        @Override
        public boolean probe(Kernel kernel, PciDevice device) {
            Msix msix = new Msix(kernel.cpu(), device);
            tableSize = msix.tableSize();
            vector = kernel.allocateVector((k, v, e) -> interrupts++);
            msix.route(1, kernel.apicId(), vector);
            msix.enable();
            return true;
        }
    }

    @Test
    void aDriverRoutesItsMsixVectorAndTheDevicesMessagesReachItsHandler() {
        VirtualClock clock = new VirtualClock();
        Host host = new Host(512L << 20, clock);
        Vm vm = host.createVm(VmConfig.of("msix", 64L << 20));
        Doorbell dev = new Doorbell();
        dev.msix.setSink(vm::signalMsi);
        vm.pciBus().attach(5, 0, dev);
        DoorbellDriver driver = new DoorbellDriver();
        vm.load(Kernel.builder().driver(0x1AF4, 0x10FF, () -> driver).build());
        StepDriver steps = new StepDriver(clock, host.timers()).add(vm.vcpu(0));
        steps.runUntilIdle();

        assertThat(driver.tableSize).isEqualTo(2);
        assertThat(dev.barIs64(0)).isTrue();
        assertThat(dev.barAddress(0)).isEqualTo(PciEnumerator.MMIO_WINDOW); // placed by the guest's enumerator
        assertThat(driver.vector).isEqualTo(Kernel.FIRST_DEVICE_VECTOR);
        assertThat(dev.msix.enabled()).isTrue();
        assertThat(vm.stats().exits(ExitReason.EPT_VIOLATION)).isGreaterThanOrEqualTo(4); // the table writes were MMIO exits
        dev.msix.notify(1);
        dev.msix.notify(0); // entry 0 was never unmasked: pending, not delivered
        steps.runUntilIdle();
        assertThat(driver.interrupts).isEqualTo(1);
        assertThat(dev.msix.pending(0)).isTrue();
        assertThat(vm.vcpu(0).lapic().inService(driver.vector)).isFalse(); // the kernel sent the EOI
        assertThat(vm.vcpu(0).vcpu().halted()).isTrue();
    }
}
