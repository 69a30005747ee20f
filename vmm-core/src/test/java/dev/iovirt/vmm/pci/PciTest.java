package dev.iovirt.vmm.pci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.dev.ConsoleBuffer;
import dev.iovirt.vmm.dev.Uart16550;
import dev.iovirt.vmm.dev.UartRegisters;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.testing.TestHost;
import org.junit.jupiter.api.Test;

class PciTest {
    /** A device with an MSI-X table of 4 entries at offset 0 of memory BAR 0 and its PBA at 0x800. */
    static final class MsixDevice extends PciFunction {
        final MsixCapability msix;

        MsixDevice() {
            super(0x8086, 0x1234, 0x02_00_00, 1);
            msix = addMsix(4, 0, 0, 0x800);
            MmioDevice table = msix.tableRegion();
            MmioDevice pba = msix.pbaRegion();
            memoryBar(0, 4096, new MmioDevice() {
                @Override
                public long mmioRead(long offset, int size) {
                    return offset < 0x800 ? table.mmioRead(offset, size) : pba.mmioRead(offset - 0x800, size);
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

    private final TestHost t = new TestHost();
    private final Vm vm = t.vm(VmConfig.of("pci", 16L << 20));
    private final ConsoleBuffer console = new ConsoleBuffer();
    private final Uart16550 uart = new Uart16550(console);
    private final MsixDevice nic = new MsixDevice();
    private final Bdf uartBdf = vm.pciBus().attach(3, 0, uart);
    private final Bdf nicBdf = vm.pciBus().attach(4, 0, nic);

    private static int cfgRead(GuestCpu cpu, Bdf bdf, int reg) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        return cpu.in32(X86.PCI_CONFIG_DATA);
    }

    private static void cfgWrite(GuestCpu cpu, Bdf bdf, int reg, int value) {
        cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(bdf, reg));
        cpu.out32(X86.PCI_CONFIG_DATA, value);
    }

    @Test
    void configSpaceIsReachableByPortIoAndByEcamAndAbsentFunctionsReadAllOnes() {
        int[] r = new int[4];
        vm.load(new TestGuest(cpu -> {
            r[0] = cfgRead(cpu, uartBdf, 0);
            r[1] = cpu.read32(PciBus.DEFAULT_ECAM_BASE + PciConfig.ecamOffset(uartBdf, 0));
            r[2] = cfgRead(cpu, Bdf.of(0, 9, 0), 0);
            r[3] = cfgRead(cpu, uartBdf, 0x08) >>> 8; // class code
        }));
        t.driver.runUntilIdle();
        assertThat(r[0]).isEqualTo(Uart16550.DEVICE_PCI_SERIAL << 16 | Uart16550.VENDOR_REDHAT);
        assertThat(r[1]).isEqualTo(r[0]);
        assertThat(r[2]).isEqualTo(-1);
        assertThat(r[3]).isEqualTo(Uart16550.CLASS_SERIAL_16550);
    }

    @Test
    void barSizingReturnsTheSizeMaskAndAProgrammedBarDecodes() {
        int[] r = new int[3];
        vm.load(new TestGuest(cpu -> {
            cfgWrite(cpu, uartBdf, PciConfig.BAR0, -1);
            r[0] = cfgRead(cpu, uartBdf, PciConfig.BAR0);
            cfgWrite(cpu, nicBdf, PciConfig.BAR0, -1);
            r[1] = cfgRead(cpu, nicBdf, PciConfig.BAR0);
            cfgWrite(cpu, uartBdf, PciConfig.BAR0, 0xC000);
            cfgWrite(cpu, uartBdf, PciConfig.COMMAND, PciConfig.COMMAND_IO);
            cpu.out8(0xC000 + UartRegisters.THR, 'A');
            r[2] = cpu.in8(0xC000 + UartRegisters.LSR);
        }));
        t.driver.runUntilIdle();
        assertThat(r[0]).isEqualTo(0xFFFF_FFF9); // 8-byte I/O BAR: ~7 with bit 0 (I/O) set
        assertThat(r[1]).isEqualTo(0xFFFF_F000); // 4 KiB 32-bit memory BAR
        assertThat(console.text()).isEqualTo("A");
        assertThat(r[2] & UartRegisters.LSR_THRE).isNotZero();
    }

    @Test
    void theCapabilityListLeadsToMsix() {
        int[] r = new int[3];
        vm.load(new TestGuest(cpu -> {
            r[0] = cfgRead(cpu, nicBdf, PciConfig.COMMAND) >>> 16; // status
            r[1] = cfgRead(cpu, nicBdf, PciConfig.CAPABILITIES_POINTER) & 0xFF;
            r[2] = cfgRead(cpu, nicBdf, r[1]);
        }));
        t.driver.runUntilIdle();
        assertThat(r[0] & PciConfig.STATUS_CAPABILITIES_LIST).isNotZero();
        assertThat(r[1]).isEqualTo(0x40);
        assertThat(r[2] & 0xFF).isEqualTo(PciConfig.CAP_ID_MSIX);
        assertThat((r[2] >>> 8) & 0xFF).isZero(); // last capability
        assertThat((r[2] >>> 16) & 0x7FF).isEqualTo(3); // table size - 1
    }

    @Test
    void msixMessagesFollowTheTableTheGuestProgrammedAndMaskingDefersThem() {
        nic.msix.setSink(vm::signalMsi);
        long bar = 0xC100_0000L;
        long[] pba = new long[1];
        TestGuest g = new TestGuest(cpu -> {
            cfgWrite(cpu, nicBdf, PciConfig.BAR0, (int) bar);
            cfgWrite(cpu, nicBdf, PciConfig.COMMAND, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
            cpu.write32(bar, (int) Msi.address(0)); // entry 0: address low
            cpu.write32(bar + 4, 0);
            cpu.write32(bar + 8, Msi.data(0x44));
            // entry 0 stays masked (reset value) for now
            cpu.out32(X86.PCI_CONFIG_ADDRESS, PciConfig.configAddress(nicBdf, 0x40));
            cpu.out16(X86.PCI_CONFIG_DATA + 2, PciConfig.MSIX_CONTROL_ENABLE);
            cpu.sti();
        });
        g.onInterrupt = cpu -> cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
        g.onRun = cpu -> {
            pba[0] = cpu.read64(bar + 0x800);
            cpu.write32(bar + 12, 0); // unmask entry 0: the pending message goes out
            cpu.hlt();
        };
        vm.load(g);
        t.driver.runUntilIdle();
        nic.msix.notify(0);
        assertThat(nic.msix.pending(0)).isTrue();
        assertThat(g.events).isEmpty();
        vm.signalMsi(Msi.address(0), 0x30); // wake the guest so it unmasks
        t.driver.runUntilIdle();
        assertThat(pba[0]).isEqualTo(1);
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0x30, 0x44);
        nic.msix.notify(0);
        t.driver.runUntilIdle();
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0x30, 0x44, 0x44);
        assertThat(nic.msix.sent()).isEqualTo(2);
    }

    @Test
    void readOnlyConfigBitsIgnoreGuestWrites() {
        int[] r = new int[1];
        vm.load(new TestGuest(cpu -> {
            cfgWrite(cpu, uartBdf, 0, 0xDEAD_BEEF);
            r[0] = cfgRead(cpu, uartBdf, 0);
        }));
        t.driver.runUntilIdle();
        assertThat(r[0]).isEqualTo(Uart16550.DEVICE_PCI_SERIAL << 16 | Uart16550.VENDOR_REDHAT);
    }

    /** A device with a 16 KiB 64-bit prefetchable BAR in registers 2 and 3, as virtio-pci uses. */
    static final class WideDevice extends PciFunction {
        long lastWrite;

        WideDevice() {
            super(0x1AF4, 0x1041, 0x02_00_00, 1);
            memoryBar64(2, 16 * 1024, true, new MmioDevice() {
                @Override
                public long mmioRead(long offset, int size) {
                    return 0xAB00 + offset;
                }

                @Override
                public void mmioWrite(long offset, int size, long value) {
                    lastWrite = offset << 32 | value;
                }
            });
        }
    }

    @Test
    void aSixtyFourBitBarSizesAcrossBothRegistersAndDecodesWhereProgrammed() {
        WideDevice wide = new WideDevice();
        Bdf bdf = vm.pciBus().attach(6, 0, wide);
        int[] r = new int[4];
        vm.load(new TestGuest(cpu -> {
            r[0] = cfgRead(cpu, bdf, PciConfig.BAR0 + 8);
            cfgWrite(cpu, bdf, PciConfig.BAR0 + 8, -1);
            cfgWrite(cpu, bdf, PciConfig.BAR0 + 12, -1);
            r[1] = cfgRead(cpu, bdf, PciConfig.BAR0 + 8);
            r[2] = cfgRead(cpu, bdf, PciConfig.BAR0 + 12);
            cfgWrite(cpu, bdf, PciConfig.BAR0 + 8, 0xC200_0000);
            cfgWrite(cpu, bdf, PciConfig.BAR0 + 12, 0);
            cfgWrite(cpu, bdf, PciConfig.COMMAND, PciConfig.COMMAND_MEMORY);
            r[3] = cpu.read32(0xC200_0010L);
            cpu.write32(0xC200_0020L, 7);
        }));
        t.driver.runUntilIdle();
        assertThat(r[0] & 0xF).isEqualTo(PciConfig.BAR_MEM_64 | PciConfig.BAR_PREFETCHABLE);
        assertThat(r[1]).isEqualTo(0xFFFF_C000 | PciConfig.BAR_MEM_64 | PciConfig.BAR_PREFETCHABLE);
        assertThat(r[2]).isEqualTo(-1);
        assertThat(wide.barAddress(2)).isEqualTo(0xC200_0000L);
        assertThat(r[3]).isEqualTo(0xAB10);
        assertThat(wide.lastWrite).isEqualTo(0x20L << 32 | 7);
        assertThat(vm.stopped()).isFalse();
    }

    /** A function with two extended capabilities (ARI, then SR-IOV's header only). */
    static final class ExtendedDevice extends PciFunction {
        ExtendedDevice() {
            super(0x8086, 0x10CA, 0x02_00_00, 1);
            addExtendedCapability(PciConfig.EXT_CAP_ID_ARI, 1, 8);
            addExtendedCapability(PciConfig.EXT_CAP_ID_SRIOV, 1, 0x40);
        }
    }

    @Test
    void extendedCapabilitiesAreChainedFrom0x100AndReadThroughEcam() {
        Bdf bdf = vm.pciBus().attach(7, 0, new ExtendedDevice());
        int[] r = new int[3];
        vm.load(new TestGuest(cpu -> {
            long ecam = PciBus.DEFAULT_ECAM_BASE + PciConfig.ecamOffset(bdf, 0);
            r[0] = cpu.read32(ecam + PciConfig.EXTENDED_CAPABILITIES);
            r[1] = cpu.read32(ecam + (r[0] >>> 20));
            r[2] = cfgRead(cpu, bdf, 0); // the same function through mechanism #1 (its 8-bit register field stops at 0xFF)
        }));
        t.driver.runUntilIdle();
        assertThat(r[0] & 0xFFFF).isEqualTo(PciConfig.EXT_CAP_ID_ARI);
        assertThat((r[0] >>> 16) & 0xF).isEqualTo(1);
        assertThat(r[0] >>> 20).isEqualTo(0x108);
        assertThat(r[1] & 0xFFFF).isEqualTo(PciConfig.EXT_CAP_ID_SRIOV);
        assertThat(r[1] >>> 20).isZero();
        assertThat(r[2] & 0xFFFF).isEqualTo(0x8086);
    }
}
