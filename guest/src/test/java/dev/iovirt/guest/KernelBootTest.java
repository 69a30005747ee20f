package dev.iovirt.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.drivers.UartDriver;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.pci.PciEnumerator;
import dev.iovirt.vmm.dev.ConsoleBuffer;
import dev.iovirt.vmm.dev.Uart16550;
import dev.iovirt.vmm.dev.UartRegisters;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.time.VirtualClock;
import dev.iovirt.vmm.vmx.ExitReason;
import org.junit.jupiter.api.Test;

class KernelBootTest {
    private static final long MS = 1_000_000;
    private final VirtualClock clock = new VirtualClock();
    private final Host host = new Host(1L << 30, clock);
    private final StepDriver driver = new StepDriver(clock, host.timers()).maxRounds(10_000);

    private record Machine(Vm vm, Kernel kernel, ConsoleBuffer console, Uart16550 uart) {
    }

    private Machine machine(String name, Task... tasks) {
        return machine(VmConfig.of(name, 256L << 20), tasks);
    }

    private Machine machine(VmConfig config, Task... tasks) {
        Vm vm = host.createVm(config);
        ConsoleBuffer console = new ConsoleBuffer();
        Uart16550 uart = new Uart16550(console);
        vm.pciBus().attach(3, 0, uart);
        uart.setMsiSink(vm::signalMsi);
        Kernel.Builder b = Kernel.builder().driver(UartRegisters.PCI_VENDOR_REDHAT, UartRegisters.PCI_DEVICE_SERIAL, UartDriver::new);
        for (Task t : tasks) {
            b.task(t);
        }
        Kernel kernel = b.build();
        vm.load(kernel);
        driver.add(vm.vcpu(0));
        return new Machine(vm, kernel, console, uart);
    }

    @Test
    void aGuestBootsFindsItsUartPrintsHelloOneExitPerByteHaltsAndIsWokenByItsTimer() {
        int[] ticks = new int[1];
        Machine m = machine("hello", k -> {
            k.print("hello");
            k.addTimer(MS, () -> {
                ticks[0]++;
                k.print("!");
            });
            return false;
        });
        VcpuRunner cpu0 = m.vm().vcpu(0);

        cpu0.step(); // VMLAUNCH: boot, up to the first slice of the main loop
        assertThat(m.kernel().booted()).isTrue();
        assertThat(m.kernel().devices()).hasSize(1);
        PciDevice uart = m.kernel().devices().get(0);
        assertThat(uart.bdf()).isEqualTo(Bdf.of(0, 3, 0));
        assertThat(uart.barIo()[0]).isTrue();
        assertThat(uart.barSize()[0]).isEqualTo(8);
        assertThat(uart.barAddress()[0]).isEqualTo(PciEnumerator.IO_WINDOW);
        assertThat(m.kernel().driverOf(uart)).isInstanceOf(UartDriver.class);
        assertThat(m.uart().barAddress(0)).isEqualTo(PciEnumerator.IO_WINDOW); // the device agrees
        assertThat(m.console().text()).isEmpty();

        long userBefore = m.vm().stats().userSpaceExits;
        long ioBefore = m.vm().stats().exits(ExitReason.IO_INSTRUCTION);
        cpu0.step(); // the task's slice: print "hello", arm the timer, then idle
        assertThat(m.console().text()).isEqualTo("hello");
        assertThat(m.vm().stats().userSpaceExits - userBefore).isEqualTo(5);
        assertThat(m.vm().stats().exits(ExitReason.IO_INSTRUCTION) - ioBefore).isEqualTo(5);
        assertThat(m.uart().transmitted()).isEqualTo(5);
        long uartAccessesAfterPrint = m.vm().ioBus().accesses(m.uart());
        assertThat(cpu0.vcpu().halted()).isTrue();

        driver.runUntilIdle();
        assertThat(clock.nanos()).isZero();
        assertThat(ticks[0]).isZero();

        driver.runUntil(10 * MS);
        assertThat(ticks[0]).isEqualTo(1);
        assertThat(clock.nanos()).isEqualTo(MS);
        assertThat(m.kernel().timerInterrupts()).isEqualTo(1);
        assertThat(m.console().text()).isEqualTo("hello!");
        assertThat(m.vm().ioBus().accesses(m.uart()) - uartAccessesAfterPrint).isEqualTo(1); // the "!"
        assertThat(cpu0.vcpu().halted()).isTrue();
        assertThat(m.vm().stats().exits(ExitReason.HLT)).isEqualTo(2);
        assertThat(m.vm().stats().injections).isEqualTo(1);
        assertThat(m.vm().stopped()).isFalse();
    }

    @Test
    void bootBuildsPageTablesInGuestMemoryWithPageZeroUnmapped() {
        Machine m = machine("tables");
        driver.runUntilIdle();
        var mem = m.vm().dma();
        assertThat(mem.read64(dev.iovirt.vmm.mem.Gpa.of(Kernel.PML4)) & ~0xFFFL).isEqualTo(Kernel.PDPT);
        assertThat(mem.read64(dev.iovirt.vmm.mem.Gpa.of(Kernel.PT0))).isZero();
        assertThat(mem.read64(dev.iovirt.vmm.mem.Gpa.of(Kernel.PT0 + 8)) & ~0xFFFL).isEqualTo(0x1000);
        assertThat(m.kernel().faults()).isEmpty();
        // Boot touched a handful of pages of its 256 MiB, no more.
        assertThat(m.vm().ramFaults()).isLessThan(16);
    }

    @Test
    void aNullDereferenceFaultsTheTaskAndTheKernelCarriesOn() {
        Machine m = machine("null", k -> {
            k.cpu().read64(0x8);
            k.print("unreachable");
            return false;
        }, k -> {
            k.print("ok");
            return false;
        });
        driver.runUntilIdle();
        assertThat(m.kernel().faults()).containsExactly("page fault at 0x8, error code 0x0");
        assertThat(m.console().text()).isEqualTo("ok");
        assertThat(m.vm().stopped()).isFalse();
        assertThat(m.vm().stats().pageFaults).isEqualTo(1);
    }

    @Test
    void aGuestTouchingBeyondItsMemoryIsStoppedWhileAnotherVmBootsPrintsAndTicks() {
        Machine bad = machine("bad", k -> {
            k.cpu().read32(0x8000_0000L); // identity-mapped by the guest's tables, but beyond its 256 MiB of RAM
            return false;
        });
        int[] ticks = new int[1];
        Machine good = machine("good", k -> {
            k.print("hi");
            k.addTimer(2 * MS, () -> ticks[0]++);
            return false;
        });
        driver.runUntil(5 * MS);
        assertThat(bad.vm().stopped()).isTrue();
        assertThat(bad.vm().stopReason()).contains("GPA 0x80000000").contains("beyond its memory");
        assertThat(good.vm().stopped()).isFalse();
        assertThat(good.console().text()).isEqualTo("hi");
        assertThat(ticks[0]).isEqualTo(1);
        assertThat(host.memory().framesInUse()).isEqualTo(bad.vm().account().frames() + good.vm().account().frames());
    }

    @Test
    void underApicvTheKernelsTimerTicksWithoutInjectionsOrEoiExits() {
        int[] ticks = new int[1];
        Machine m = machine(VmConfig.of("apicv", 256L << 20).withApicv(true), k -> {
            k.addTimer(MS, () -> {
                ticks[0]++;
                k.addTimer(MS, () -> ticks[0]++);
            });
            return false;
        });
        driver.runUntil(10 * MS);
        assertThat(ticks[0]).isEqualTo(2);
        assertThat(clock.nanos()).isEqualTo(2 * MS);
        var s = m.vm().stats();
        assertThat(s.injections).isZero();
        assertThat(s.virtualInterruptsDelivered).isEqualTo(2);
        // WRMSRs that exit: SVR, LVT timer, and one TSC-deadline write per arming; the two EOIs do not.
        assertThat(s.exits(ExitReason.WRMSR)).isEqualTo(2 + 2);
        assertThat(m.vm().stopped()).isFalse();
    }

    /** A program as a state machine: prints, sleeps 1 ms, prints, three times. */
    static final class Blinker implements Task {
        private int state;

        @Override
        public boolean step(Kernel k) {
            k.print(state % 2 == 0 ? "on@" + k.nanos() / MS + " " : "off ");
            if (++state < 3) {
                k.spawnAfter(MS, this);
            }
            return false;
        }
    }

    @Test
    void aTaskSleepsBetweenStepsOnTheKernelTimerAndTheVcpuHaltsMeanwhile() {
        Machine m = machine("blink", new Blinker());
        driver.runUntil(100 * MS);
        assertThat(m.console().text()).isEqualTo("on@0 off on@2 ");
        assertThat(clock.nanos()).isEqualTo(2 * MS);
        assertThat(m.vm().stats().exits(ExitReason.HLT)).isEqualTo(3);
        assertThat(m.kernel().timerInterrupts()).isEqualTo(2);
    }

    @Test
    void consoleInputInterruptsTheGuestWhichReadsAndEchoesIt() {
        Machine m = machine("echo", k -> {
            k.console().onInput(b -> k.print(String.valueOf((char) Character.toUpperCase(b))));
            return false;
        });
        driver.runUntilIdle();
        assertThat(m.vm().vcpu(0).vcpu().halted()).isTrue();
        long userBefore = m.vm().stats().userSpaceExits;
        m.uart().receive('x');
        driver.runUntilIdle();
        m.uart().receive('y');
        driver.runUntilIdle();
        assertThat(m.console().text()).isEqualTo("XY");
        assertThat(m.kernel().console().received()).isEqualTo(2);
        assertThat(m.vm().stats().injections).isEqualTo(2);
        // Per byte: LSR (data ready), RBR, LSR (empty), THR for the echo: 4 user-space exits.
        assertThat(m.vm().stats().userSpaceExits - userBefore).isEqualTo(8);
        assertThat(m.uart().msi().sent()).isEqualTo(2);
    }
}
