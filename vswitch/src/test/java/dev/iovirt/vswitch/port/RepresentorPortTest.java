package dev.iovirt.vswitch.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.Action;
import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.FlowModCommand;
import dev.iovirt.openflow.Match;
import dev.iovirt.openflow.OfpFlowMod;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.sriov.EmbeddedSwitch;
import dev.iovirt.sriov.HostSideDriver;
import dev.iovirt.sriov.SriovRig;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.vswitch.ofproto.Bridge;
import org.junit.jupiter.api.Test;

/**
 * Representor ports: an SR-IOV NIC in switchdev mode hands every VF's frames to the VF's
 * representor, and the bridge that owns the representors decides where they go (as Open vSwitch
 * owns a NIC's representors under devlink's switchdev mode).
 */
class RepresentorPortTest {
    private static final MacAddress MAC0 = MacAddress.of("02:00:00:00:00:10");
    private static final MacAddress MAC1 = MacAddress.of("02:00:00:00:00:11");
    private static final MacAddress REMOTE = MacAddress.of("02:00:00:00:99:01");

    private final SriovRig rig = new SriovRig();
    private final DummyPort wire = new DummyPort("uplink");
    private final EmbeddedSwitch nic = new EmbeddedSwitch(rig.pf, wire, rig.clock);
    private final VirtualFunction vf0;
    private final VirtualFunction vf1;
    private final HostSideDriver d0;
    private final HostSideDriver d1;
    private final Bridge bridge = new Bridge("br-int", DatapathId.of(1), () -> 0);

    RepresentorPortTest() {
        rig.enableVfs(2);
        vf0 = rig.pf.virtualFunctions().get(0);
        vf1 = rig.pf.virtualFunctions().get(1);
        nic.setMac(vf0, MAC0);
        nic.setMac(vf1, MAC1);
        d0 = new HostSideDriver(rig, vf0);
        d1 = new HostSideDriver(rig, vf1);
        nic.setMode(EmbeddedSwitch.Mode.SWITCHDEV);
        bridge.addPort(1, nic.representor(vf0).name(), nic.representor(vf0));
        bridge.addPort(2, nic.representor(vf1).name(), nic.representor(vf1));
        bridge.addPort(3, "uplink", nic.uplinkRepresentor());
    }

    private static byte[] frame(MacAddress src, MacAddress dst) {
        return PacketBuilder.ethernet(src, dst).etherType(0x88B5).payload(new byte[46]).build();
    }

    private void flow(int priority, Match match, Action... actions) {
        assertThat(bridge.handle(OfpFlowMod.builder(FlowModCommand.ADD).priority(priority).match(match).apply(actions).build())).isEmpty();
    }

    private void runUntilQuiet() {
        for (int i = 0; i < 1000; i++) {
            boolean moved = nic.step();
            moved |= bridge.poll() > 0;
            moved |= nic.step();
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("never quiet");
    }

    @Test
    void theBridgeOwningTheRepresentorsForwardsBetweenVfsByItsFlows() {
        flow(10, Match.builder().inPort(1).ethDst(MAC1).build(), Action.Output.to(2));
        d0.send(frame(MAC0, MAC1));
        runUntilQuiet();
        assertThat(d1.received()).containsExactly(frame(MAC0, MAC1));
        assertThat(bridge.ports()).extracting(p -> p.name()).containsExactly("pf0vf0", "pf0vf1", "uplink");
    }

    @Test
    void whatTheBridgeHasNoFlowForIsDroppedNotSwitchedByTheNic() {
        // Only VF 0 → VF 1 is allowed; VF 0 → the wire has no flow. In legacy mode the VEB would have sent it out.
        flow(10, Match.builder().inPort(1).ethDst(MAC1).build(), Action.Output.to(2));
        d0.send(frame(MAC0, REMOTE));
        runUntilQuiet();
        assertThat(wire.transmitted()).isEmpty();
        assertThat(d1.received()).isEmpty();
    }

    @Test
    void theUplinkRepresentorConnectsTheWireThroughTheBridge() {
        flow(10, Match.builder().inPort(3).ethDst(MAC1).build(), Action.Output.to(2));
        flow(10, Match.builder().inPort(2).build(), Action.Output.to(3));
        wire.inject(frame(REMOTE, MAC1));
        runUntilQuiet();
        assertThat(d1.received()).containsExactly(frame(REMOTE, MAC1));
        d1.send(frame(MAC1, REMOTE));
        runUntilQuiet();
        assertThat(wire.transmitted()).containsExactly(frame(MAC1, REMOTE));
    }
}
