package dev.iovirt.controller.app;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.BufferId;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.OfpPacketIn;
import dev.iovirt.openflow.OfpPacketOut;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.openflow.TableId;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArpResponderTest {
    private static final MacAddress A = MacAddress.of("02:aa:00:00:00:01");
    private static final MacAddress B = MacAddress.of("02:aa:00:00:00:02");
    private static final Ipv4Address IP_A = Ipv4Address.of("10.0.0.1");
    private static final Ipv4Address IP_B = Ipv4Address.of("10.0.0.2");

    private ControllerMain controller;
    private FakeSwitch sw;

    private void start(String apps) throws Exception {
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), "t",
                ControllerMain.apps(apps, ControllerMain.Options.defaults().withLldp(false, Duration.ofMinutes(10))));
        sw = new FakeSwitch(0xd1, port(1, "p1"), port(2, "p2"), port(3, "p3")).connect(controller.openflowAddress());
        sw.await(OfpFlowMod.class); // the learning switch's table miss: the switch is up
    }

    @AfterEach
    void stop() {
        if (sw != null) {
            sw.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    private static byte[] request(MacAddress sha, Ipv4Address spa, Ipv4Address tpa) {
        return PacketBuilder.ethernet(sha, MacAddress.BROADCAST).arp(1, sha, spa, MacAddress.ZERO, tpa).build();
    }

    private void packetIn(int inPort, byte[] frame) {
        sw.send(new OfpPacketIn(0, BufferId.NO_BUFFER, frame.length, OfpPacketIn.REASON_NO_MATCH, TableId.of(0), 0,
                Match.builder().inPort(inPort).build(), frame));
    }

    @Test
    void requestForAKnownHostIsAnsweredOnTheInPortInsteadOfFlooded() throws Exception {
        start("learning-switch,hosts,arp-responder");
        packetIn(2, request(A, IP_A, IP_B)); // B unknown yet: flooded; A learned
        OfpPacketOut flood = sw.await(OfpPacketOut.class);
        assertThat(flood.actions()).containsExactly(Action.Output.to(PortNo.FLOOD));

        packetIn(1, request(B, IP_B, IP_A));
        OfpPacketOut reply = sw.await(OfpPacketOut.class);
        assertThat(reply.inPort()).isEqualTo(PortNo.CONTROLLER);
        assertThat(reply.actions()).containsExactly(Action.Output.to(1));
        assertThat(reply.data()).isEqualTo(PacketBuilder.ethernet(A, B).arp(2, A, IP_A, B, IP_B).build());
        sw.barrierRoundTrip();
        assertThat(sw.received()).filteredOn(m -> m instanceof OfpPacketOut).hasSize(2);
    }

    @Test
    void staticEntryIsAnsweredWithoutTheHostBeingSeen() throws Exception {
        start("learning-switch,arp-responder");
        MacAddress gateway = MacAddress.of("02:00:00:00:00:fe");
        controller.arpResponder().orElseThrow().addStatic(Ipv4Address.of("10.0.0.254"), gateway);
        packetIn(3, request(B, IP_B, Ipv4Address.of("10.0.0.254")));
        OfpPacketOut reply = sw.await(OfpPacketOut.class);
        assertThat(reply.actions()).containsExactly(Action.Output.to(3));
        assertThat(reply.data()).isEqualTo(PacketBuilder.ethernet(gateway, B).arp(2, gateway, Ipv4Address.of("10.0.0.254"), B, IP_B).build());
    }

    @Test
    void staticEntriesAreManagedThroughRest() throws Exception {
        start("learning-switch,arp-responder");
        dev.iovirt.controller.testing.Http http = new dev.iovirt.controller.testing.Http(
                "http://127.0.0.1:" + controller.apiAddress().getPort() + dev.iovirt.controller.rest.RestApi.BASE);
        String entry = "{\"ip\": \"10.0.0.254\", \"mac\": \"02:00:00:00:00:fe\"}";
        assertThat(http.send("POST", "/arp/static", entry, null).status()).isEqualTo(401);
        dev.iovirt.controller.testing.Http.Response bad = http.send("POST", "/arp/static", "{\"ip\": \"10.0.0.254\", \"mac\": \"02:00\"}", "t");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("mac");
        dev.iovirt.controller.testing.Http.Response badIp = http.send("POST", "/arp/static", "{\"ip\": \"10.0.0.300\", \"mac\": \"02:00:00:00:00:fe\"}", "t");
        assertThat(badIp.status()).isEqualTo(400);
        assertThat(badIp.json().path("field").asText()).isEqualTo("ip");
        dev.iovirt.controller.testing.Http.Response r = http.send("POST", "/arp/static", entry, "t");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(http.get("/arp/static").text()).isEqualTo("[{\"ip\":\"10.0.0.254\",\"mac\":\"02:00:00:00:00:fe\"}]");
        packetIn(3, request(B, IP_B, Ipv4Address.of("10.0.0.254")));
        assertThat(sw.await(OfpPacketOut.class).actions()).containsExactly(Action.Output.to(3));

        assertThat(http.send("DELETE", "/arp/static/10.0.0.254", null, "t").status()).isEqualTo(200);
        assertThat(http.send("DELETE", "/arp/static/10.0.0.254", null, "t").json().path("field").asText()).isEqualTo("ip");
        assertThat(http.get("/arp/static").json()).isEmpty();
        packetIn(3, request(B, IP_B, Ipv4Address.of("10.0.0.254")));
        assertThat(sw.await(OfpPacketOut.class).actions()).containsExactly(Action.Output.to(PortNo.FLOOD));
    }

    @Test
    void unknownTargetsGratuitousArpAndRepliesGoOnToTheLearningSwitch() throws Exception {
        start("learning-switch,hosts,arp-responder");
        packetIn(2, request(A, IP_A, IP_A)); // gratuitous: A is learned, but not answered
        assertThat(sw.await(OfpPacketOut.class).actions()).containsExactly(Action.Output.to(PortNo.FLOOD));
        packetIn(1, request(B, IP_B, Ipv4Address.of("10.0.0.77")));
        assertThat(sw.await(OfpPacketOut.class).actions()).containsExactly(Action.Output.to(PortNo.FLOOD));
        byte[] reply = PacketBuilder.ethernet(B, A).arp(2, B, IP_B, A, IP_A).build();
        packetIn(1, reply); // a reply to A, who is known: forwarded by the learning switch
        assertThat(sw.await(OfpPacketOut.class).data()).isEqualTo(reply);
    }

    @Test
    void withoutTheAppRequestsForKnownHostsAreFlooded() throws Exception {
        start("learning-switch,hosts");
        assertThat(controller.arpResponder()).isEmpty();
        packetIn(2, request(A, IP_A, IP_B));
        sw.await(OfpPacketOut.class);
        packetIn(1, request(B, IP_B, IP_A));
        assertThat(sw.await(OfpPacketOut.class).actions()).containsExactly(Action.Output.to(PortNo.FLOOD));
        dev.iovirt.controller.testing.Http http = new dev.iovirt.controller.testing.Http(
                "http://127.0.0.1:" + controller.apiAddress().getPort() + dev.iovirt.controller.rest.RestApi.BASE);
        assertThat(http.send("POST", "/arp/static", "{\"ip\": \"10.0.0.254\", \"mac\": \"02:00:00:00:00:fe\"}", "t").status())
                .isEqualTo(409);
    }

    @Test
    void appsAcceptsTheNewNamesAndNamesAnUnknownOne() {
        ControllerMain.Options o = ControllerMain.apps("learning-switch,acl,arp-responder", ControllerMain.Options.defaults());
        assertThat(List.of(o.learningSwitch(), o.acl(), o.arpResponder(), o.lldp(), o.hostTracking()))
                .containsExactly(true, true, true, false, false);
        assertThat(o.withOpenflow(o.openflow().withWorkerThreads(2)).arpResponder()).isTrue();
        assertThatThrownBy(() -> ControllerMain.apps("learning-switch,arp", ControllerMain.Options.defaults()))
                .hasMessage("unknown app 'arp' (learning-switch, lldp, hosts, acl, arp-responder, overlay)");
    }
}
