package dev.iovirt.controller.rest;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.controller.testing.Http;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A switch that hangs or dies during a REST change: 504 and 503, as JSON errors. */
class RestApiSwitchFailureTest {
    private ControllerMain controller;
    private Http http;
    private final BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        ControllerMain.Options o = ControllerMain.Options.defaults().withLearningSwitch(false).withLldp(false, Duration.ofMinutes(10));
        o = new ControllerMain.Options(o.learningSwitch(), o.lldp(), o.hostTracking(), o.idleTimeout(), o.probeInterval(),
                new ControllerConfig(Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofSeconds(10)));
        controller = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0), "t", o);
        controller.devices().addListener(events::add);
        http = new Http("http://127.0.0.1:" + controller.apiAddress().getPort() + RestApi.BASE);
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    private void awaitAdded() throws InterruptedException {
        DeviceEvent e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
    }

    @Test
    void switchThatNeverConfirmsIsAGatewayTimeout() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(0xc3, port(1, "p1")).silentToBarrier().connect(controller.openflowAddress())) {
            awaitAdded();
            Http.Response r = http.send("POST", "/switches/c3/flows", "{\"priority\": 1, \"actions\": []}", "t");
            assertThat(r.status()).as(r.text()).isEqualTo(504);
            assertThat(r.json().path("error").asText()).contains("did not answer");
        }
    }

    @Test
    void switchThatDiesMidChangeIsServiceUnavailable() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(0xc4, port(1, "p1")).closeOnFlowMod().connect(controller.openflowAddress())) {
            awaitAdded();
            Http.Response r = http.send("POST", "/switches/c4/flows", "{\"priority\": 1, \"actions\": []}", "t");
            assertThat(r.status()).as(r.text()).isEqualTo(503);
            assertThat(r.json().path("error").asText()).contains("closed");
        }
    }
}
