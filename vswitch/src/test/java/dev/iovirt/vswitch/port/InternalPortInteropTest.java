package dev.iovirt.vswitch.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.Peers;
import dev.iovirt.vswitch.ofproto.Bridge;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An internal port is a real kernel interface: the test moves the TAP into a namespace of its own,
 * gives it an address there, and Linux's ping from that namespace reaches a host behind our switch.
 */
@Tag("interop")
class InternalPortInteropTest {
    static final String NS = "iovin" + ProcessHandle.current().pid() % 100_000;
    static final String TAP = "iovT" + ProcessHandle.current().pid() % 100_000;

    @AfterEach
    void removeNamespace() {
        if (Peers.which("ip") != null) {
            Peers.run(10, "ip", "netns", "del", NS);
        }
    }

    @Test
    void theHostsStackReachesTheSwitchThroughAnInternalPort() throws Exception {
        Peers.require("ip", "iproute2");
        Peers.require("ping", "iputils-ping");
        Bridge br = new Bridge("br-int", DatapathId.of(10), System::nanoTime);
        Semaphore arrivals = new Semaphore(0);
        try (InternalPort internal = InternalPort.open("local", TAP)) {
            internal.setReceiveListener(arrivals::release);
            Peers.run(10, "ip", "netns", "add", NS).requireSuccess();
            Peers.run(10, "ip", "link", "set", TAP, "netns", NS).requireSuccess();
            Peers.run(10, "ip", "-n", NS, "addr", "add", "10.99.0.1/24", "dev", TAP).requireSuccess();
            Peers.run(10, "ip", "-n", NS, "link", "set", TAP, "up").requireSuccess();
            DummyPort host = new DummyPort("host");
            br.addPort(1, "local", internal);
            br.addPort(2, "host", host);
            assertThat(br.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(0).match(Match.ALL)
                    .apply(Action.Output.to(PortNo.NORMAL)).build())).isEmpty();
            Process ping = new ProcessBuilder("ip", "netns", "exec", NS, "ping", "-c", "2", "-i", "0.2", "-W", "5", "10.99.0.2")
                    .redirectErrorStream(true).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ping.isAlive() && System.nanoTime() < deadline) {
                if (!arrivals.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                br.runUntilQuiet();
                for (byte[] f : host.drain()) {
                    byte[] reply = UplinkPortInteropTest.answer(f);
                    if (reply != null) {
                        host.inject(reply);
                    }
                }
                br.runUntilQuiet();
            }
            assertThat(ping.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(ping.getInputStream().readAllBytes());
            assertThat(ping.exitValue()).as(out).isZero();
            assertThat(out).contains("2 packets transmitted, 2 received");
            assertThat(internal.counters().txPackets).isGreaterThanOrEqualTo(3);
        }
    }
}
