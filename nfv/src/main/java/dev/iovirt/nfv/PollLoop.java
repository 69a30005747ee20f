package dev.iovirt.nfv;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.Task;
import dev.iovirt.guest.drivers.VfNetDriver;
import dev.iovirt.guest.net.FrameReceiver;
import dev.iovirt.guest.net.PollModeDevice;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.packet.MacAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The appliance's main program, a guest task (DESIGN §4: run to completion, never blocking), in the
 * shape of a DPDK {@code l3fwd} main loop:
 *
 * <pre>
 *   for each port: n = receiveBurst(≤ burst) → function.process(port, frame) → emit → transmit (xmit_more)
 *   function.tick(now)
 *   each port that transmitted: setXmitMore(false)   (one doorbell / kick per burst)
 *   nothing received in the whole round?  sleep idleNanos (a kernel timer), else run again at once
 * </pre>
 *
 * <p><b>Why it sleeps.</b> A DPDK core spins forever; here a guest that never halts would keep the step
 * driver's virtual time from advancing (it moves time only when every part is idle), and in real time
 * would burn a host thread. So when a whole round finds every receive ring empty the loop sleeps a
 * short interval, as DPDK's power-aware {@code l3fwd-power} does and as {@link VfNetDriver}'s own poll
 * task does. The cost is latency of up to one interval for the first frame after a quiet spell;
 * under load the loop never sleeps.
 *
 * <p><b>Ports</b> are found the way the guest finds anything: by PCI enumeration. The loop takes
 * every device bound to a poll-mode driver, in slot order, as ports 0, 1, ... A VF's port is usable
 * once its driver has learnt its MAC from the PF (mailbox); until then the loop waits.
 *
 * <p>Per-port counters and the administrative state are this program's state, published through
 * {@link ApplianceVm}'s management interface.
 */
final class PollLoop implements Task {
    /** How often a stopped loop looks at its administrative state again. */
    static final long ADMIN_CHECK_NANOS = 1_000_000;

    private final NetworkFunction function;
    private final ApplianceVm.Management management;
    private final int burst;
    private final long idleNanos;
    private PollModeDevice[] ports;
    private FrameReceiver[] receivers;
    private boolean[] transmitting;
    private long now;
    private final NetworkFunction.Output output = this::emit;

    PollLoop(NetworkFunction function, ApplianceVm.Management management, int burst, long idleNanos) {
        this.function = function;
        this.management = management;
        this.burst = burst;
        this.idleNanos = idleNanos;
    }

    @Override
    public boolean step(Kernel k) {
        if (ports == null && !discover(k)) {
            k.spawnAfter(idleNanos, this);
            return false;
        }
        if (!management.running) {
            k.spawnAfter(ADMIN_CHECK_NANOS, this); // receive rings fill; the devices drop and count
            return false;
        }
        now = k.nanos();
        int received = 0;
        for (int p = 0; p < ports.length; p++) {
            int n = ports[p].receiveBurst(receivers[p], burst);
            management.rx[p] += n;
            received += n;
        }
        function.tick(now, output);
        for (int p = 0; p < ports.length; p++) {
            if (transmitting[p]) {
                transmitting[p] = false;
                ports[p].setXmitMore(false); // the burst's one doorbell
            }
        }
        management.rounds++;
        if (received == 0) {
            management.idleSleeps++;
            k.spawnAfter(idleNanos, this);
            return false;
        }
        return true;
    }

    private void emit(int port, byte[] frame, int off, int len) {
        if (port < 0 || port >= ports.length) {
            management.badPort++;
            return;
        }
        if (!transmitting[port]) {
            transmitting[port] = true;
            ports[port].setXmitMore(true);
        }
        if (ports[port].transmit(frame, off, len)) {
            management.tx[port]++;
        } else {
            management.txDropped[port]++;
        }
    }

    /** Finds the poll-mode NICs in slot order; false while one is not ready yet. */
    private boolean discover(Kernel k) {
        List<PciDevice> devices = new ArrayList<>(k.devices());
        devices.sort(Comparator.comparingInt(d -> d.bdf().requesterId()));
        List<PollModeDevice> found = new ArrayList<>();
        for (PciDevice d : devices) {
            if (k.driverOf(d) instanceof PollModeDevice pmd && pmd.pollMode()) {
                if (pmd instanceof VfNetDriver vf && !vf.ready()) {
                    return false;
                }
                found.add(pmd);
            }
        }
        if (found.size() != management.rx.length) {
            return false; // a NIC not bound (yet): ApplianceVm.attached() stays false
        }
        ports = found.toArray(PollModeDevice[]::new);
        transmitting = new boolean[ports.length];
        receivers = new FrameReceiver[ports.length];
        List<MacAddress> macs = new ArrayList<>();
        for (int p = 0; p < ports.length; p++) {
            int port = p;
            receivers[p] = (frame, off, len) -> function.process(port, frame, off, len, now, output);
            macs.add(ports[p].macAddress());
        }
        function.attach(List.copyOf(macs));
        management.attached = true;
        return true;
    }
}
