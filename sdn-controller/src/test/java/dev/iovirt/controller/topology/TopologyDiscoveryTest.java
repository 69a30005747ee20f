package dev.iovirt.controller.topology;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.host.HostEvent;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OxmField;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LLDP discovery and host tracking with two fake switches joined by a "cable" the test plays: a
 * probe the controller sends out of s1 port 3 is handed to s2 as a packet-in on port 3.
 */
class TopologyDiscoveryTest {
    private static final DatapathId S1 = DatapathId.of(1);
    private static final DatapathId S2 = DatapathId.of(2);
    private ControllerMain controller;
    private FakeSwitch s1;
    private FakeSwitch s2;
    private final BlockingQueue<LinkEvent> links = new LinkedBlockingQueue<>();
    private final BlockingQueue<HostEvent> hosts = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        // A long probe interval: only the probes on connect and on port-up happen during a test.
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), "t",
                ControllerMain.Options.defaults().withLearningSwitch(false).withLldp(true, Duration.ofMinutes(10)));
        controller.topology().addListener(links::add);
        controller.hosts().addListener(hosts::add);
        BlockingQueue<DeviceEvent> added = new LinkedBlockingQueue<>();
        controller.devices().addListener(e -> {
            if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
                added.add(e);
            }
        });
        s1 = new FakeSwitch(1, port(1, "h1"), port(3, "up")).connect(controller.openflowAddress());
        s2 = new FakeSwitch(2, port(1, "h2"), port(3, "up")).connect(controller.openflowAddress());
        // Packet-ins count only once a switch's handshake is done: wait for both.
        for (int i = 0; i < 2; i++) {
            assertThat(added.poll(10, TimeUnit.SECONDS)).as("both switches handshaken within 10 s").isNotNull();
        }
    }

    @AfterEach
    void stop() {
        s1.close();
        s2.close();
        controller.close();
    }

    /** Delivers the next LLDP probe {@code from} sends out of {@code port} to {@code to} on {@code toPort}. */
    private static void cable(FakeSwitch from, int port, FakeSwitch to, int toPort) throws InterruptedException {
        OfpPacketOut probe = from.await(OfpPacketOut.class,
                p -> Lldp.isLldp(p.data()) && p.actions().equals(List.of(Action.Output.to(port))));
        to.send(new OfpPacketIn(0, BufferId.NO_BUFFER, probe.data().length, OfpPacketIn.REASON_ACTION, TableId.of(0), 0,
                Match.builder().inPort(toPort).build(), probe.data()));
    }

    private LinkEvent nextLink() throws InterruptedException {
        LinkEvent e = links.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("a link event within 10 s").isNotNull();
        return e;
    }

    @Test
    void lldpProbeIsParsedBackToItsOrigin() {
        byte[] probe = Lldp.probe(S1, PortNo.of(3), MacAddress.of("02:00:00:00:00:03"));
        assertThat(Lldp.isLldp(probe)).isTrue();
        assertThat(Lldp.parse(probe)).isEqualTo(new ConnectPoint(S1, PortNo.of(3)));
        assertThat(probe).hasSizeGreaterThanOrEqualTo(60);
        assertThat(Lldp.parse(PacketBuilder.ethernet(MacAddress.of("02:00:00:00:00:01"), MacAddress.BROADCAST)
                .ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2")).udp(1, 2).build())).isNull();
    }

    @Test
    void lldpGoesToTheControllerAboveEveryAppFlow() throws Exception {
        OfpFlowMod fm = s1.await(OfpFlowMod.class);
        assertThat(fm.priority()).isEqualTo(TopologyManager.LLDP_PRIORITY);
        assertThat(fm.match().get(OxmField.ETH_TYPE).value()).isEqualTo(Lldp.ETHERTYPE);
        assertThat(fm.applyActions()).containsExactly(Action.Output.to(PortNo.CONTROLLER));
    }

    @Test
    void probesOverACableBecomeLinksBothWaysAndAPath() throws Exception {
        cable(s1, 3, s2, 3);
        cable(s2, 3, s1, 3);
        assertThat(List.of(nextLink().link(), nextLink().link())).containsExactlyInAnyOrder(
                new Link(new ConnectPoint(S1, PortNo.of(3)), new ConnectPoint(S2, PortNo.of(3))),
                new Link(new ConnectPoint(S2, PortNo.of(3)), new ConnectPoint(S1, PortNo.of(3))));
        assertThat(controller.topology().links()).allSatisfy(l -> assertThat(l.type()).isEqualTo(Link.Type.DIRECT));
        assertThat(controller.topology().path(S1, S2)).hasValueSatisfying(p -> assertThat(p).hasSize(1));
        assertThat(controller.topology().isInfrastructure(S1, 3)).isTrue();
        assertThat(controller.topology().isInfrastructure(S1, 1)).isFalse();
    }

    @Test
    void portGoingDownRemovesItsLinksAtOnceAndComingUpProbesAtOnce() throws Exception {
        cable(s1, 3, s2, 3);
        assertThat(nextLink().type()).isEqualTo(LinkEvent.Type.LINK_ADDED);
        Port down = new Port(PortNo.of(3), port(3, "up").hwAddr(), "up", 0, Port.STATE_LINK_DOWN, 0, 0, 0, 0, 0, 0);
        s1.send(new OfpPortStatus(0, OfpPortStatus.REASON_MODIFY, down));
        LinkEvent removed = nextLink();
        assertThat(removed.type()).isEqualTo(LinkEvent.Type.LINK_REMOVED);
        assertThat(controller.topology().links()).isEmpty();
        // Up again: a probe leaves at once, not on the (ten-minute) timer.
        s1.send(new OfpPortStatus(0, OfpPortStatus.REASON_MODIFY, port(3, "up")));
        cable(s1, 3, s2, 3);
        assertThat(nextLink().type()).isEqualTo(LinkEvent.Type.LINK_ADDED);
    }

    @Test
    void switchLeavingRemovesItsLinks() throws Exception {
        cable(s1, 3, s2, 3);
        nextLink();
        s2.close();
        assertThat(nextLink().type()).isEqualTo(LinkEvent.Type.LINK_REMOVED);
    }

    @Test
    void hostMovingToAnotherEdgePortIsAMoveAndLinkPortsAreNotEdges() throws Exception {
        cable(s2, 3, s1, 3); // s1 port 3 is a link end
        nextLink();
        MacAddress mac = MacAddress.of("02:aa:00:00:00:07");
        byte[] arp = PacketBuilder.ethernet(mac, MacAddress.BROADCAST)
                .arp(1, mac, Ipv4Address.of("10.0.0.7"), MacAddress.ZERO, Ipv4Address.of("10.0.0.1")).build();
        s1.send(packetIn(1, arp));
        HostEvent added = hosts.poll(10, TimeUnit.SECONDS);
        assertThat(added.type()).isEqualTo(HostEvent.Type.HOST_ADDED);
        assertThat(added.host().port()).isEqualTo(PortNo.of(1));
        s1.send(packetIn(3, arp)); // flooded copy over the link: says nothing about where the host is
        s2.send(packetIn(1, arp)); // the host itself on s2
        HostEvent moved = hosts.poll(10, TimeUnit.SECONDS);
        assertThat(moved.type()).isEqualTo(HostEvent.Type.HOST_MOVED);
        assertThat(moved.host().dpid()).isEqualTo(S2);
        assertThat(moved.previous().dpid()).isEqualTo(S1);
        assertThat(hosts.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    private static OfpPacketIn packetIn(int inPort, byte[] frame) {
        return new OfpPacketIn(0, BufferId.NO_BUFFER, frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(inPort).build(), frame);
    }
}
