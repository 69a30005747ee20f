package dev.iovirt.controller.openflow;

import static dev.iovirt.controller.testing.FakeSwitch.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.controller.device.DeviceEvent;
import dev.iovirt.controller.device.DeviceManager;
import dev.iovirt.controller.testing.Certificates;
import dev.iovirt.controller.testing.FakeSwitch;
import dev.iovirt.openflow.DatapathId;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenFlow over TLS (OF 1.3.5 §6.3.3), with a certificate made by the real openssl (hence interop). */
@Tag("interop")
class SwitchOverTlsTest {
    @TempDir
    Path dir;
    private OpenFlowController controller;
    private InetSocketAddress address;
    private final BlockingQueue<DeviceEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        ControllerConfig config = ControllerConfig.defaults().withTls(Certificates.selfSigned(dir, "controller"));
        controller = new OpenFlowController(config);
        DeviceManager devices = new DeviceManager();
        devices.setProvider(new OpenFlowDeviceProvider(controller, devices));
        devices.addListener(events::add);
        address = controller.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    @Test
    void switchConnectingOverTlsCompletesTheHandshake() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(0x75, port(1, "p1")).tls().connect(address)) {
            DeviceEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).isNotNull();
            assertThat(e.type()).isEqualTo(DeviceEvent.Type.DEVICE_ADDED);
            assertThat(e.device().id()).isEqualTo(DatapathId.of(0x75));
        }
    }

    @Test
    void plainTcpSwitchIsRefusedByTheTlsListener() throws Exception {
        try (FakeSwitch sw = new FakeSwitch(0x76).connect(address)) {
            sw.awaitClosed();
            assertThat(events).isEmpty();
        }
    }

    @Test
    void unusableKeyIsRefusedAtStartNamingTheFiles() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad-key.pem"), "not a key");
        ControllerConfig config = ControllerConfig.defaults()
                .withTls(new ControllerConfig.Tls(dir.resolve("controller-cert.pem"), bad));
        try (OpenFlowController other = new OpenFlowController(config)) {
            assertThatThrownBy(() -> other.start(new InetSocketAddress("127.0.0.1", 0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-key.pem");
        }
    }
}
