package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.testing.Peers;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** ovs-ofctl as the oracle for our encoder: every message we write must decode there cleanly. */
@Tag("interop")
class OvsOfctlInteropTest {

    @BeforeAll
    static void requireOvsOfctl() {
        Peers.require("ovs-ofctl", "openvswitch-common");
    }

    static String ofpPrint(OfpMessage m) {
        String hex = HexFormat.of().formatHex(OfpCodec.encode(m));
        Peers.Result r = Peers.run(20, "ovs-ofctl", "ofp-print", hex);
        return r.stdout() + r.stderr();
    }

    @Test
    void dumpAll() {
        for (OfpMessage m : Samples.all()) {
            System.out.println("=== " + m);
            System.out.println(ofpPrint(m));
        }
    }
}
