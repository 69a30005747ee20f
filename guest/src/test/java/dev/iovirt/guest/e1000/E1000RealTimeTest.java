package dev.iovirt.guest.e1000;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.programs.UdpEchoServer;
import dev.iovirt.guest.programs.UdpTrafficGenerator;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.RealTimeRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The same two VMs in real time (the default mode): each vCPU on its own virtual thread, the cable
 * pumped by a thread that the NICs wake when they have frames, the echoes observed on the host side.
 */
class E1000RealTimeTest {
    /**
     * Echoes awaited. The sender keeps sending at 1,000/s: b may still be booting when a starts (its
     * receiver off, so a's first ARP request is dropped as hardware drops it, and a retries a second
     * later), so the test waits for echoes rather than assuming the first datagrams arrive.
     */
    private static final int COUNT = 5;

    @Test
    void udpEchoRoundTripsWithVcpusAndTheCableOnTheirOwnThreads() throws Exception {
        Host host = new Host(1L << 30, Clock.system());
        E1000 a = nic(host, "a", "52:54:00:00:00:0a", "10.0.0.1", s -> {
            UdpTrafficGenerator gen = new UdpTrafficGenerator(s, 40000, Ipv4Address.of("10.0.0.2"), UdpEchoServer.ECHO_PORT, 1000, 64, 20_000);
            return gen;
        });
        E1000 b = nic(host, "b", "52:54:00:00:00:0b", "10.0.0.2", s -> {
            new UdpEchoServer(s, UdpEchoServer.ECHO_PORT);
            return null;
        });
        CountDownLatch echoes = new CountDownLatch(COUNT);
        FramePort watchedA = new FramePort() { // counts echoes on their way into a
            @Override
            public String name() {
                return a.name();
            }

            @Override
            public int receive(FrameBatch batch) {
                return a.receive(batch);
            }

            @Override
            public int transmit(FrameBatch batch) {
                for (int i = 0; i < batch.size(); i++) {
                    var f = batch.get(i);
                    if (f.length() >= 42 && Bytes.getU16(f.buffer(), f.offset() + 12) == 0x0800
                            && Bytes.getU16(f.buffer(), f.offset() + 34) == UdpEchoServer.ECHO_PORT) {
                        echoes.countDown();
                    }
                }
                return a.transmit(batch);
            }

            @Override
            public PortCounters counters() {
                return a.counters();
            }
        };
        FrameLink link = new FrameLink(watchedA, b);
        Thread[] pump = new Thread[1];
        boolean[] running = {true};
        pump[0] = Thread.ofVirtual().name("cable").unstarted(() -> {
            while (running[0]) {
                if (link.pump() == 0) {
                    LockSupport.park();
                }
            }
        });
        a.setReceiveListener(() -> LockSupport.unpark(pump[0]));
        b.setReceiveListener(() -> LockSupport.unpark(pump[0]));
        pump[0].start();
        try (RealTimeRunner runner = new RealTimeRunner(host)) {
            assertThat(echoes.await(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            running[0] = false;
            LockSupport.unpark(pump[0]);
            pump[0].join();
        }
        assertThat(a.totalErrors() + b.totalErrors()).isZero(); // dropped with the receiver off is not a guest error
        assertThat(host.vms()).noneMatch(Vm::stopped);
    }

    private static E1000 nic(Host host, String name, String mac, String ip, java.util.function.Function<NetStack, UdpTrafficGenerator> program) {
        Vm vm = host.createVm(VmConfig.of(name, 64L << 20));
        E1000 nic = new E1000(name + ".eth0", MacAddress.of(mac), vm.dma(), host.timers());
        nic.setMsiSink(vm::signalMsi);
        vm.pciBus().attach(4, 0, nic);
        E1000Driver driver = new E1000Driver();
        vm.load(Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> driver)
                .task(k -> {
                    UdpTrafficGenerator gen = program.apply(new NetStack(k, driver, Ipv4Address.of(ip), 24));
                    if (gen != null) {
                        k.addTimer(1_000_000, () -> k.spawn(gen));
                    }
                    return false;
                }).build());
        return nic;
    }
}
