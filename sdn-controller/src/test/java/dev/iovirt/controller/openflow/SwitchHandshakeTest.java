package dev.iovirt.controller.openflow;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceManager;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.openflow.ControllerRole;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.ErrorCode;
import dev.iovirt.openflow.OfpEchoReply;
import dev.iovirt.openflow.OfpEchoRequest;
import dev.iovirt.openflow.OfpError;
import dev.iovirt.openflow.OfpFeaturesRequest;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.OfpMultipartRequest;
import dev.iovirt.openflow.OfpPortStatus;
import dev.iovirt.openflow.OfpSetConfig;
import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwitchHandshakeTest {
    private OpenFlowController controller;
    private DeviceManager devices;
    private InetSocketAddress address;
    private final BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws InterruptedException {
        start(ControllerConfig.defaults());
    }

    private void start(ControllerConfig config) throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
        controller = new OpenFlowController(config);
        devices = new DeviceManager();
        devices.setProvider(new OpenFlowDeviceProvider(controller, devices));
        devices.addListener(events::add);
        address = controller.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    private DeviceEvent nextEvent() throws InterruptedException {
        DeviceEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("a device event within 10 s").isNotNull();
        return e;
    }

    @Test
    void switchAppearsInRegistryWithItsPortsAfterHandshake() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(0x1234, port(1, "p1"), port(2, "p2")).connect(address)) {
            DeviceEvent added = nextEvent();
            assertThat(added.type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
            assertThat(added.device().id()).isEqualTo(DatapathId.of(0x1234));
            assertThat(added.device().nTables()).isEqualTo(254);
            assertThat(devices.ports(DatapathId.of(0x1234))).extracting(Port::name).containsExactly("p1", "p2");
            // The handshake in order: FEATURES_REQUEST, SET_CONFIG (no buffering), PORT_DESC.
            assertThat(sw.received()).extracting(m -> m.getClass().getSimpleName()).containsSubsequence(
                    "OfpHello", "OfpFeaturesRequest", "OfpSetConfig", "OfpMultipartRequest");
            OfpSetConfig config = sw.await(OfpSetConfig.class);
            assertThat(config.missSendLen()).isEqualTo(OfpSetConfig.MISS_SEND_NO_BUFFER);
            assertThat(controller.getSwitch(DatapathId.of(0x1234))).isPresent();
        }
    }

    @Test
    void switchWithoutOpenFlow13IsRefusedWithHelloFailedAndDisconnected() throws Exception {
        // An OpenFlow 1.0-only switch: header version 1, no bitmap (OF 1.3.5 §6.3.1).
        try (FakeSwitch sw = new FakeSwitch(7).hello(0x01, 0).connect(address)) {
            OfpError error = sw.await(OfpError.class);
            assertThat(error.error()).isEqualTo(ErrorCode.HELLO_FAILED_INCOMPATIBLE);
            assertThat(new String(error.data(), java.nio.charset.StandardCharsets.US_ASCII)).contains("OpenFlow 1.3");
            sw.awaitClosed();
            assertThat(sw.received()).noneMatch(m -> m instanceof OfpFeaturesRequest);
            assertThat(devices.devices()).isEmpty();
        }
    }

    @Test
    void versionBitmapOfferingOneFiveAndOneThreeNegotiatesOneThree() throws Exception {
        // Header version 6 (OF 1.5) with a bitmap of 1.0, 1.3 and 1.5: the common version is 1.3.
        try (FakeSwitch sw = new FakeSwitch(8, port(1, "p1")).hello(0x06, (1 << 1) | (1 << 4) | (1 << 6)).connect(address)) {
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
        }
    }

    @Test
    void portStatusAddModifyDeleteUpdatesRegistryAndEmitsPortEvents() throws Exception {
        DatapathId id = DatapathId.of(9);
        try (FakeSwitch sw = new FakeSwitch(9, port(1, "p1")).connect(address)) {
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);

            sw.send(new OfpPortStatus(0, OfpPortStatus.REASON_ADD, port(2, "p2")));
            DeviceEvent add = nextEvent();
            assertThat(add.type()).isEqualTo(DeviceEvent.Type.PORT_ADDED);
            assertThat(add.port().name()).isEqualTo("p2");

            Port down = new Port(PortNo.of(2), port(2, "p2").hwAddr(), "p2", 0, Port.STATE_LINK_DOWN,
                    Port.FEATURE_1GB_FD, 0, 0, 0, 1_000_000, 1_000_000);
            sw.send(new OfpPortStatus(0, OfpPortStatus.REASON_MODIFY, down));
            DeviceEvent mod = nextEvent();
            assertThat(mod.type()).isEqualTo(DeviceEvent.Type.PORT_UPDATED);
            assertThat(devices.port(id, PortNo.of(2)).orElseThrow().isUp()).isFalse();

            sw.send(new OfpPortStatus(0, OfpPortStatus.REASON_DELETE, down));
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.PORT_REMOVED);
            assertThat(devices.ports(id)).extracting(Port::name).containsExactly("p1");
        }
    }

    @Test
    void disconnectRemovesSwitchAndEmitsDeviceRemoved() throws Exception {
        FakeSwitch sw = new FakeSwitch(10, port(1, "p1")).connect(address);
        assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
        sw.close();
        DeviceEvent removed = nextEvent();
        assertThat(removed.type()).isEqualTo(DeviceEvent.Type.DEVICE_REMOVED);
        assertThat(removed.device().id()).isEqualTo(DatapathId.of(10));
        assertThat(devices.devices()).isEmpty();
        assertThat(devices.ports(DatapathId.of(10))).isEmpty();
        assertThat(controller.getSwitch(DatapathId.of(10))).isEmpty();
    }

    @Test
    void reconnectWithSameDatapathIdReplacesOldConnection() throws Exception {
        FakeSwitch first = new FakeSwitch(11, port(1, "p1")).connect(address);
        assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
        try (FakeSwitch second = new FakeSwitch(11, port(1, "p1"), port(2, "p2")).connect(address)) {
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_REMOVED);
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
            first.awaitClosed();
            assertThat(devices.ports(DatapathId.of(11))).hasSize(2);
            assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("no late removal by the old connection").isNull();
        }
    }

    @Test
    void echoRequestFromSwitchIsAnsweredWithSamePayload() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(12).connect(address)) {
            nextEvent();
            sw.send(new OfpEchoRequest(77, new byte[] {1, 2, 3}));
            OfpEchoReply reply = sw.await(OfpEchoReply.class);
            assertThat(reply.xid()).isEqualTo(77);
            assertThat(reply.data()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void silentSwitchIsProbedWithEchoAndDisconnected() throws Exception {
        start(new ControllerConfig(Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(10)));
        try (FakeSwitch sw = new FakeSwitch(13).silentToEcho().connect(address)) {
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
            sw.await(OfpEchoRequest.class);
            sw.awaitClosed();
            assertThat(nextEvent().type()).isEqualTo(DeviceEvent.Type.DEVICE_REMOVED);
        }
    }

    @Test
    void barrierAndRoleRequestsCompleteWithTheirReplies() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(14).connect(address)) {
            nextEvent();
            OpenFlowSwitch handle = controller.getSwitch(DatapathId.of(14)).orElseThrow();
            handle.barrier().get(10, TimeUnit.SECONDS);
            assertThat(handle.requestRole(ControllerRole.MASTER, 1).get(10, TimeUnit.SECONDS)).isEqualTo(ControllerRole.MASTER);
            assertThat(handle.role()).isEqualTo(ControllerRole.MASTER);
        }
    }

    @Test
    void flowModRefusedByTheSwitchFailsSendWithBarrierWithTheSwitchsError() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(15).refuseFlowsOfPriority(99).connect(address)) {
            nextEvent();
            OpenFlowSwitch handle = controller.getSwitch(DatapathId.of(15)).orElseThrow();
            handle.sendWithBarrier(xid -> OfpFlowMod.builder(FlowModCommand.ADD).xid(xid).priority(10).build())
                    .get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> handle.sendWithBarrier(xid -> OfpFlowMod.builder(FlowModCommand.ADD).xid(xid)
                    .priority(99).build()).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(OpenFlowErrorException.class)
                    .hasMessageContaining("FLOW_MOD_FAILED_TABLE_FULL");
            assertThat(sw.flows()).hasSize(1);
        }
    }

    @Test
    void requestsPendingAtDisconnectFailWithSwitchDisconnected() throws Exception {
        start(new ControllerConfig(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10)));
        FakeSwitch sw = new FakeSwitch(16).silentToEcho().connect(address);
        nextEvent();
        OpenFlowSwitch handle = controller.getSwitch(DatapathId.of(16)).orElseThrow();
        var echo = handle.request(OfpEchoRequest::of);
        sw.await(OfpEchoRequest.class);
        sw.close();
        assertThatThrownBy(echo::join).hasCauseInstanceOf(SwitchDisconnectedException.class);
        assertThat(handle.isConnected()).isFalse();
    }

    @Test
    void unansweredRequestFailsWithRequestTimeout() throws Exception {
        start(new ControllerConfig(Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(10)));
        try (FakeSwitch sw = new FakeSwitch(17).silentToEcho().connect(address)) {
            nextEvent();
            OpenFlowSwitch handle = controller.getSwitch(DatapathId.of(17)).orElseThrow();
            assertThatThrownBy(() -> handle.request(OfpEchoRequest::of).join())
                    .hasCauseInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("did not answer");
            assertThat(handle.isConnected()).as("a request timeout alone does not drop the switch").isTrue();
        }
    }

    @Test
    void multipartRequestOfUnconnectedSwitchIsRefused() {
        assertThat(controller.getSwitch(DatapathId.of(99))).isEmpty();
        assertThatThrownBy(() -> devices.portStatistics(DatapathId.of(99)).join())
                .hasMessageContaining("0000000000000063");
        assertThat(OfpMultipartRequest.class).isNotNull();
    }
}
