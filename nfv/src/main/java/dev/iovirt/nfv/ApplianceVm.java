package dev.iovirt.nfv;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.VfNetDriver;
import dev.iovirt.guest.drivers.VirtioNetDriver;
import dev.iovirt.guest.net.PollModeDevice;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.virtio.net.VirtioNet;
import dev.iovirt.virtio.pci.VirtioPciLayout;
import dev.iovirt.virtio.pci.VirtioPciTransport;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.VcpuRunner;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An appliance VM: a VM on a {@link Host} with N NICs in PCI slots {@value #FIRST_NIC_SLOT},
 * {@value #FIRST_NIC_SLOT}+1, ... (virtio-net on the VM's PCI bus, or SR-IOV VFs assigned by the
 * caller), and a guest kernel whose only program is the poll loop ({@link PollLoop}) that feeds the
 * {@link NetworkFunction}: poll-mode drivers, bursts of up to {@link Config#burst} frames, no receive
 * interrupts.
 *
 * <p><b>Lifecycle</b>: {@link #create} builds the VM, plugs its NICs and loads the kernel; the VM
 * boots when its vCPU is first run (add {@link #vcpu()} to a step driver, or run it on a thread). The
 * loop starts stopped: {@link #start} lets it poll, {@link #stop} makes it stop taking frames (the
 * receive rings fill and the devices drop what arrives, counted by the devices), {@link #start} again
 * resumes.
 *
 * <p><b>The hardware boundary</b> (DESIGN §1): frames reach the function only through the NICs, guest
 * memory and the drivers. The one place the host reaches guest program state is the management
 * interface ({@link #start}, {@link #stop}, {@link #portCounters}, {@link #functionCounters}), which
 * stands for an appliance's CLI or management API: an operator reads rule hits and port counters and
 * flips the administrative state; nothing on the data path crosses. Counters read while the vCPU runs
 * on another thread are a snapshot that may be a few packets old, as a management API's are.
 */
public final class ApplianceVm {
    /** The first NIC's PCI slot (the platform's, {@code TopologyRun.FIRST_NIC_SLOT}). */
    public static final int FIRST_NIC_SLOT = 4;
    public static final int MAX_NICS = 8;
    /** Where NIC k's driver keeps its rings and buffers: a 2 MiB window per NIC. */
    static final long VIRTIO_MEMORY_BASE = 0x0200_0000L;
    static final long VF_MEMORY_BASE = 0x0400_0000L;
    static final long NIC_MEMORY_STRIDE = 0x0020_0000L;

    /** One NIC of an appliance. */
    public sealed interface Nic {
        String name();
    }

    /** A virtio-net NIC (virtio-pci modern, one queue pair of 256) with this MAC. */
    public record VirtioNic(String name, MacAddress mac) implements Nic {
    }

    /**
     * An SR-IOV VF that {@code assign} puts into the VM at the given slot (e.g.
     * {@code VfAssignment.assign(vf, vm, iommu, slot, ...)}); its MAC comes from the PF.
     */
    public record VfNic(String name, VfAssigner assign) implements Nic {
    }

    /** Assigns a VF to {@code vm} at device number {@code slot} of bus 0. */
    @FunctionalInterface
    public interface VfAssigner {
        void assign(Vm vm, int slot);
    }

    /**
     * @param name the VM's name
     * @param memoryBytes guest memory (at least 128 MiB: drivers use up to 80 MiB)
     * @param nics the NICs, port 0 first
     * @param burst frames per receive burst
     * @param idleNanos how long the loop sleeps after a round that found nothing
     */
    public record Config(String name, long memoryBytes, List<Nic> nics, int burst, long idleNanos) {
        public static final int DEFAULT_BURST = PollModeDevice.DEFAULT_BURST;
        public static final long DEFAULT_IDLE_NANOS = VfNetDriver.DEFAULT_POLL_IDLE_NANOS;

        public Config {
            Objects.requireNonNull(name);
            nics = List.copyOf(nics);
            if (nics.isEmpty() || nics.size() > MAX_NICS) {
                throw new IllegalArgumentException("an appliance has 1.." + MAX_NICS + " NICs, not " + nics.size());
            }
            if (memoryBytes < 128L << 20) {
                throw new IllegalArgumentException("an appliance needs at least 128 MiB, not " + memoryBytes);
            }
            if (burst < 1 || idleNanos < 1) {
                throw new IllegalArgumentException("burst and idleNanos must be positive");
            }
        }

        /** 128 MiB, bursts of 32, 20 µs idle sleeps. */
        public static Config of(String name, List<Nic> nics) {
            return new Config(name, 128L << 20, nics, DEFAULT_BURST, DEFAULT_IDLE_NANOS);
        }
    }

    /** A port's counters as the poll loop counted them. */
    public record PortCounters(long rxFrames, long txFrames, long txDropped) {
    }

    /**
     * The management channel between the host and the appliance's program: the administrative state
     * it reads and the counters it publishes (standing for the appliance's management API).
     */
    static final class Management {
        volatile boolean running;
        volatile boolean attached;
        final long[] rx;
        final long[] tx;
        final long[] txDropped;
        long rounds;
        long idleSleeps;
        long badPort;

        Management(int ports) {
            rx = new long[ports];
            tx = new long[ports];
            txDropped = new long[ports];
        }
    }

    private final Config config;
    private final Vm vm;
    private final NetworkFunction function;
    private final Management management;
    private final List<FramePort> ports = new ArrayList<>();

    private ApplianceVm(Config config, Vm vm, NetworkFunction function) {
        this.config = config;
        this.vm = vm;
        this.function = function;
        this.management = new Management(config.nics().size());
    }

    /**
     * Creates the VM on {@code host} with its NICs and loads the appliance's kernel.
     *
     * @throws IllegalArgumentException if the function wants another number of ports than there are NICs
     */
    public static ApplianceVm create(Host host, Config config, NetworkFunction function) {
        if (function.ports() != config.nics().size()) {
            throw new IllegalArgumentException(config.name() + ": the function has " + function.ports()
                    + " ports but " + config.nics().size() + " NICs were given");
        }
        boolean vfs = config.nics().stream().anyMatch(n -> n instanceof VfNic);
        // Posted interrupts (the VF path) need APICv, as the platform's VF VMs have it.
        Vm vm = host.createVm(VmConfig.of(config.name(), config.memoryBytes()).withApicv(vfs));
        ApplianceVm a = new ApplianceVm(config, vm, function);
        for (int i = 0; i < config.nics().size(); i++) {
            int slot = FIRST_NIC_SLOT + i;
            switch (config.nics().get(i)) {
                case VirtioNic n -> {
                    VirtioNet device = new VirtioNet(config.name() + "." + n.name(), n.mac(), 1, VirtioNetDriver.RING_SIZE);
                    VirtioPciTransport transport = new VirtioPciTransport(device, vm.dma());
                    transport.msixCapability().setSink(vm::signalMsi);
                    vm.pciBus().attach(slot, 0, transport);
                    a.ports.add(device);
                }
                case VfNic n -> {
                    n.assign().assign(vm, slot);
                    a.ports.add(null); // a VF's frames reach it through its NIC's embedded switch
                }
            }
        }
        // Guest side: drivers are made as PCI enumeration binds them, in slot order, each with its own
        // window of guest memory; the poll loop is the kernel's one program.
        int[] virtio = {0};
        int[] vf = {0};
        Kernel kernel = Kernel.builder()
                .driver(VirtioPciLayout.VENDOR_ID, VirtioPciLayout.DEVICE_ID_BASE + 1,
                        () -> new VirtioNetDriver(VIRTIO_MEMORY_BASE + NIC_MEMORY_STRIDE * virtio[0]++, false, true, true, true))
                .driver(VfNetDriver.VENDOR_ID, VfNetDriver.DEVICE_ID,
                        () -> new VfNetDriver(VF_MEMORY_BASE + NIC_MEMORY_STRIDE * vf[0]++, true, false))
                .task(new PollLoop(function, a.management, config.burst(), config.idleNanos()))
                .build();
        vm.load(kernel);
        return a;
    }

    public Config config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public Vm vm() {
        return vm;
    }

    /** The appliance's vCPU, for a step driver or a thread. */
    public VcpuRunner vcpu() {
        return vm.vcpu(0);
    }

    /**
     * The host side of port {@code i}'s NIC, to connect to a switch or a link.
     *
     * @throws IllegalStateException for a VF port (its frames go through the SR-IOV NIC's uplink)
     */
    public FramePort port(int i) {
        FramePort p = ports.get(i);
        if (p == null) {
            throw new IllegalStateException(config.name() + " port " + i + " is an SR-IOV VF: it is reached through its NIC");
        }
        return p;
    }

    public int portCount() {
        return ports.size();
    }

    // ---------------------------------------------------------------- management interface

    /** Lets the poll loop take frames (from its next round). */
    public void start() {
        management.running = true;
    }

    /** Stops the poll loop taking frames; what arrives meanwhile is dropped by the NICs. */
    public void stop() {
        management.running = false;
    }

    public boolean running() {
        return management.running;
    }

    /** Whether the appliance's program has found all its ports and handed them to the function. */
    public boolean attached() {
        return management.attached;
    }

    /** Port {@code i}'s counters as the poll loop counted them. */
    public PortCounters portCounters(int i) {
        return new PortCounters(management.rx[i], management.tx[i], management.txDropped[i]);
    }

    /** Rounds of the poll loop, and how many of them found nothing and slept. */
    public long pollRounds() {
        return management.rounds;
    }

    public long idleSleeps() {
        return management.idleSleeps;
    }

    /** Frames the function emitted to a port the appliance does not have (dropped). */
    public long badPortEmits() {
        return management.badPort;
    }

    /** The function's counters (rule hits, translations, drops) as its management interface reports them. */
    public Map<String, Long> functionCounters() {
        return function.counters();
    }

    /** The function, for its typed management view (e.g. {@code Firewall.ruleCounters()}). */
    public NetworkFunction function() {
        return function;
    }
}
