package dev.iovirt.vswitch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ControllerTargetTest {
    @Test
    void activeTargetsInOpenVSwitchSyntax() {
        assertThat(ControllerTarget.parseActive("tcp:127.0.0.1:6653")).isEqualTo(new ControllerTarget("127.0.0.1", 6653));
        assertThat(ControllerTarget.parseActive("tcp:10.0.0.1")).isEqualTo(new ControllerTarget("10.0.0.1", 6653));
        assertThat(ControllerTarget.parseActive("localhost:6633")).isEqualTo(new ControllerTarget("localhost", 6633));
        assertThat(ControllerTarget.parseActive("tcp:[::1]:6653")).isEqualTo(new ControllerTarget("::1", 6653));
        assertThat(ControllerTarget.parseActive("tcp:[::1]:6653").toString()).isEqualTo("tcp:[::1]:6653");
    }

    @Test
    void passiveTargetsDefaultToLoopback() {
        assertThat(ControllerTarget.parsePassive("127.0.0.1:6634")).isEqualTo(new ControllerTarget("127.0.0.1", 6634));
        assertThat(ControllerTarget.parsePassive("6634")).isEqualTo(new ControllerTarget("127.0.0.1", 6634));
        assertThat(ControllerTarget.parsePassive("ptcp:6634")).isEqualTo(new ControllerTarget("127.0.0.1", 6634));
        assertThat(ControllerTarget.parsePassive("ptcp:6634:0.0.0.0")).isEqualTo(new ControllerTarget("0.0.0.0", 6634));
        assertThat(ControllerTarget.parsePassive("127.0.0.1:0").port()).isZero();
    }

    @Test
    void mistakesSayWhatIsWrong() {
        assertThatThrownBy(() -> ControllerTarget.parseActive("ptcp:6653")).hasMessage("'ptcp:6653': a controller is tcp:HOST[:PORT]");
        assertThatThrownBy(() -> ControllerTarget.parseActive("tcp:host:0")).hasMessage("'tcp:host:0': '0' is not a TCP port");
        assertThatThrownBy(() -> ControllerTarget.parsePassive(":6634")).hasMessage("':6634': no host given");
        assertThatThrownBy(() -> ControllerTarget.parsePassive("h:70000")).hasMessage("'h:70000': '70000' is not a TCP port");
    }
}
