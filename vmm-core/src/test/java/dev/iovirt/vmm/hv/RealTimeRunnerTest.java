package dev.iovirt.vmm.hv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.io.PioDevice;
import dev.iovirt.vmm.testing.TestGuest;
import dev.iovirt.vmm.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RealTimeRunnerTest {
    @Test
    void inRealTimeAHaltedVcpuParksAndItsTimerWakesIt() throws Exception {
        Host host = new Host(64L << 20, Clock.system());
        Vm vm = host.createVm(VmConfig.of("rt", 16L << 20));
        CountDownLatch woken = new CountDownLatch(1);
        long[] elapsed = new long[1];
        vm.ioBus().register(0x700, 1, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return 0;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                woken.countDown();
            }
        });
        TestGuest g = new TestGuest(cpu -> {
            cpu.wrmsr(X86.MSR_X2APIC_LVT_TIMER, X86.LVT_TIMER_TSC_DEADLINE | 0xEC);
            cpu.wrmsr(X86.MSR_IA32_TSC_DEADLINE, cpu.rdtsc() + 2_000_000); // 2 ms
            cpu.sti();
        });
        long start = host.clock().nanos();
        g.onInterrupt = cpu -> {
            elapsed[0] = cpu.rdtsc() - start;
            cpu.wrmsr(X86.MSR_X2APIC_EOI, 0);
            cpu.out8(0x700, 1);
        };
        vm.load(g);
        RealTimeRunner runner = new RealTimeRunner(host);
        try {
            assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue(); // an event, not a sleep: returns when it happens
        } finally {
            runner.close();
        }
        assertThat(elapsed[0]).isGreaterThanOrEqualTo(2_000_000);
        assertThat(g.events).extracting(TestGuest.Event::vector).containsExactly(0xEC);
        assertThat(vm.stats().exits(dev.iovirt.vmm.vmx.ExitReason.HLT)).isGreaterThanOrEqualTo(1);
        assertThat(vm.stopped()).isFalse();
    }

    @Test
    void twoVcpusOnTheirOwnThreadsFaultInTheSameRamConcurrently() throws Exception {
        Host host = new Host(256L << 20, Clock.system());
        Vm vm = host.createVm(VmConfig.of("rt2", 16L << 20).withVcpus(2));
        CountDownLatch done = new CountDownLatch(2);
        vm.ioBus().register(0x701, 1, new PioDevice() {
            @Override
            public int ioRead(int offset, int size) {
                return 0;
            }

            @Override
            public void ioWrite(int offset, int size, int value) {
                done.countDown();
            }
        });
        vm.load(new TestGuest(cpu -> {
            for (long page = 0; page < 512; page++) {
                cpu.write32(page * 4096 + 4L * cpu.vcpuIndex(), (int) page + 1000 * cpu.vcpuIndex());
            }
            cpu.out8(0x701, 1);
        }));
        RealTimeRunner runner = new RealTimeRunner(host);
        try {
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            runner.close();
        }
        assertThat(vm.stopped()).isFalse();
        for (long page = 0; page < 512; page++) {
            assertThat(vm.dma().read32(dev.iovirt.vmm.mem.Gpa.of(page * 4096))).isEqualTo((int) page);
            assertThat(vm.dma().read32(dev.iovirt.vmm.mem.Gpa.of(page * 4096 + 4))).isEqualTo((int) page + 1000);
        }
        assertThat(vm.memory().slots().get(0).backedPages()).isEqualTo(512);
        assertThat(vm.ramFaults()).isBetween(512L, 1024L); // a page both touch at once faults on both
    }
}
