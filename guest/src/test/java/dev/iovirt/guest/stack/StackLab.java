package dev.iovirt.guest.stack;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.net.NetStack;
import dev.iovirt.guest.net.TcpConfig;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.FrameLink;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.dev.e1000.E1000;
import dev.iovirt.vmm.dev.e1000.api.E1000Registers;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.StepDriver;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A test bench for the guest network stack (TCP, DHCP): VMs with an e1000 each, a cable between two
 * of them that records every frame (with the platform time and its direction) and drops the frames a
 * test picks, and a step driver on virtual time. Each guest gets only its kernel, the e1000 driver and a network stack.
 */
final class StackLab {
    static final long MS = 1_000_000;
    static final int ETH = 14;
    static final int IP = 14 + 20;
    final VirtualClock clock = new VirtualClock();
    final Host host = new Host(2L << 30, clock);
    final StepDriver steps = new StepDriver(clock, host.timers()).maxRounds(2_000_000);
    /** Every frame that crossed the cable, in order, dropped ones included. */
    final List<Record> captured = new ArrayList<>();
    /** The TCP settings of stacks built from now on: short timers, so that tests run quickly. */
    TcpConfig tcp = TcpConfig.DEFAULT.withRto(200 * MS, 200 * MS).withTimeWait(100 * MS).withMaxRetries(4);

    /** A frame on the cable: when, which way ({@code fromA}), its bytes, and whether the cable dropped it. */
    record Record(long nanos, boolean fromA, byte[] bytes, boolean dropped) {
        boolean isTcp() {
            return bytes.length >= IP + 20 && Bytes.getU16(bytes, 12) == 0x0800 && bytes[ETH + 9] == 6;
        }

        int tcpFlags() {
            return bytes[IP + 13] & 0x3F;
        }

        long seq() {
            return Bytes.getI32(bytes, IP + 4) & 0xFFFF_FFFFL;
        }

        long ack() {
            return Bytes.getI32(bytes, IP + 8) & 0xFFFF_FFFFL;
        }

        int window() {
            return Bytes.getU16(bytes, IP + 14);
        }

        int payloadLength() {
            int total = Bytes.getU16(bytes, ETH + 2);
            return total - 20 - ((bytes[IP + 12] & 0xF0) >>> 2);
        }
    }

    static final class Machine {
        Vm vm;
        E1000 nic;
        E1000Driver driver;
        NetStack stack;
        Kernel kernel;
    }

    /** A VM with an e1000 whose stack has {@code ip}/24 (or none, for null) and runs {@code programs} after boot. */
    Machine machine(String name, String mac, String ip, Consumer<Machine> programs) {
        Machine m = new Machine();
        m.vm = host.createVm(VmConfig.of(name, 64L << 20));
        m.nic = new E1000(name + ".eth0", MacAddress.of(mac), m.vm.dma(), host.timers());
        m.nic.setMsiSink(m.vm::signalMsi);
        m.vm.pciBus().attach(4, 0, m.nic);
        m.driver = new E1000Driver();
        TcpConfig config = tcp;
        Task init = k -> {
            m.stack = new NetStack(k, m.driver, ip == null ? Ipv4Address.ANY : Ipv4Address.of(ip), ip == null ? 0 : 24,
                    NetStack.DEFAULT_ARP_REACHABLE_NANOS, NetStack.DEFAULT_ARP_RETRY_NANOS, config);
            programs.accept(m);
            return false;
        };
        m.kernel = Kernel.builder().driver(E1000Registers.PCI_VENDOR_INTEL, E1000Registers.PCI_DEVICE_82540EM, () -> m.driver)
                .task(init).build();
        m.vm.load(m.kernel);
        steps.add(m.vm.vcpu(0));
        return m;
    }

    /** Joins two NICs with a recording cable that drops the frames {@code drop} picks (it sees each once). */
    FrameLink cable(Machine a, Machine b, Predicate<Record> drop) {
        FrameLink link = new FrameLink(new Tap(a.nic, true, drop), new Tap(b.nic, false, drop));
        steps.add(() -> link.pump() > 0);
        return link;
    }

    FrameLink cable(Machine a, Machine b) {
        return cable(a, b, r -> false);
    }

    /** Runs a task in {@code m}'s guest at the current time plus {@code delayNanos}. */
    static void later(Machine m, long delayNanos, Runnable action) {
        m.kernel.addTimer(delayNanos, () -> m.kernel.spawn(k -> {
            action.run();
            return false;
        }));
    }

    List<Record> tcpFrames() {
        return captured.stream().filter(Record::isTcp).toList();
    }

    /** One NIC's end of the cable: records what the NIC sends and drops what the test asks to. */
    private final class Tap implements FramePort {
        private final FramePort port;
        private final boolean fromA;
        private final Predicate<Record> drop;
        private final FrameBatch incoming = new FrameBatch();

        Tap(FramePort port, boolean fromA, Predicate<Record> drop) {
            this.port = port;
            this.fromA = fromA;
            this.drop = drop;
        }

        @Override
        public String name() {
            return port.name();
        }

        @Override
        public int receive(FrameBatch batch) {
            incoming.clear();
            port.receive(incoming);
            int n = 0;
            for (int i = 0; i < incoming.size(); i++) {
                Frame f = incoming.get(i);
                Record r = new Record(clock.nanos(), fromA, f.toBytes(), false);
                boolean dropped = drop.test(r);
                captured.add(dropped ? new Record(r.nanos(), fromA, r.bytes(), true) : r);
                if (!dropped && batch.add(f)) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public int transmit(FrameBatch batch) {
            return port.transmit(batch);
        }

        @Override
        public PortCounters counters() {
            return port.counters();
        }
    }
}
