package dev.iovirt.bench.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.controller.ControllerMain;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CbenchTest {
    @Test
    void emulatedSwitchesGetOneReplyPerPacketInFromTheLearningSwitch() throws Exception {
        ControllerMain.Options l2Only = new ControllerMain.Options(true, false, false, 60, Duration.ofMinutes(10),
                ControllerMain.Options.defaults().openflow());
        try (ControllerMain c = ControllerMain.start(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", 0), "t", l2Only)) {
            Cbench.Options o = Cbench.Options.defaults(c.openflowAddress());
            Cbench.Result throughput = Cbench.run(o.with(Cbench.Mode.THROUGHPUT, 4, Duration.ofMillis(300), Duration.ofMillis(700)));
            assertThat(throughput.responses()).isGreaterThan(1000);
            // After the warm-up every destination is known: the replies are flow mods.
            assertThat(throughput.flowMods()).isEqualTo(throughput.responses());
            assertThat(throughput.switches()).isEqualTo(4);

            Cbench.Result latency = Cbench.run(o.with(Cbench.Mode.LATENCY, 2, Duration.ofMillis(200), Duration.ofMillis(500)));
            assertThat(latency.responses()).isGreaterThan(10);
            assertThat(latency.meanRttMicros()).isPositive();
            System.out.println(throughput);
            System.out.println(latency);
        }
    }
}
