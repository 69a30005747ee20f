package dev.iovirt.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.drivers.UartDriver;
import dev.iovirt.vmm.dev.ConsoleBuffer;
import dev.iovirt.vmm.dev.Uart16550;
import dev.iovirt.vmm.dev.UartRegisters;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.RealTimeRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same guest in real time, on its own virtual thread: it boots, prints, halts, and its timer wakes it. */
class RealTimeBootTest {
    @Test
    void theKernelBootsAndItsTimerFiresInRealTime() throws Exception {
        Host host = new Host(512L << 20, Clock.system());
        Vm vm = host.createVm(VmConfig.of("rt", 128L << 20));
        ConsoleBuffer buffer = new ConsoleBuffer();
        CountDownLatch done = new CountDownLatch(1);
        vm.pciBus().attach(3, 0, new Uart16550(b -> {
            buffer.put(b);
            if (b == '!') {
                done.countDown();
            }
        }));
        vm.load(Kernel.builder()
                .driver(UartRegisters.PCI_VENDOR_REDHAT, UartRegisters.PCI_DEVICE_SERIAL, UartDriver::new)
                .task(k -> {
                    k.print("hello");
                    k.addTimer(1_000_000, () -> k.print("!"));
                    return false;
                })
                .build());
        RealTimeRunner runner = new RealTimeRunner(host);
        try {
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            runner.close();
        }
        assertThat(buffer.text()).isEqualTo("hello!");
        assertThat(vm.stopped()).isFalse();
    }
}
