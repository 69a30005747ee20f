package dev.iovirt.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import org.junit.jupiter.api.Test;

/** The VEB between VFs and the uplink: forwarding by MAC and VLAN, anti-spoofing, VLANs, trust, rate limits, statistics. */
class EmbeddedSwitchTest {
    private static final MacAddress MAC0 = MacAddress.of("02:00:00:00:00:10");
    private static final MacAddress MAC1 = MacAddress.of("02:00:00:00:00:11");
    private static final MacAddress MAC2 = MacAddress.of("02:00:00:00:00:12");
    private static final MacAddress REMOTE = MacAddress.of("02:00:00:00:99:01");

    private final SriovRig rig = new SriovRig();
    private final DummyPort wire = new DummyPort("uplink");
    private final EmbeddedSwitch veb;
    private final VirtualFunction vf0;
    private final VirtualFunction vf1;
    private final VirtualFunction vf2;
    private final HostSideDriver d0;
    private final HostSideDriver d1;
    private final HostSideDriver d2;

    EmbeddedSwitchTest() {
        veb = new EmbeddedSwitch(rig.pf, wire, rig.clock);
        rig.enableVfs(3);
        vf0 = rig.pf.virtualFunctions().get(0);
        vf1 = rig.pf.virtualFunctions().get(1);
        vf2 = rig.pf.virtualFunctions().get(2);
        veb.setMac(vf0, MAC0);
        veb.setMac(vf1, MAC1);
        veb.setMac(vf2, MAC2);
        d0 = new HostSideDriver(rig, vf0);
        d1 = new HostSideDriver(rig, vf1);
        d2 = new HostSideDriver(rig, vf2);
    }

    private static byte[] frame(MacAddress src, MacAddress dst) {
        return PacketBuilder.ethernet(src, dst).etherType(0x88B5).payload(new byte[46]).build();
    }

    private static byte[] tagged(MacAddress src, MacAddress dst, int vid) {
        return PacketBuilder.ethernet(src, dst).vlan(vid).etherType(0x88B5).payload(new byte[46]).build();
    }

    private void runUntilQuiet() {
        for (int i = 0; i < 1000 && veb.step(); i++) {
            // step until nothing moves
        }
    }

    @Test
    void unicastBetweenVfsGoesOnlyToTheVfWithThatMac() {
        byte[] f = frame(MAC0, MAC1);
        d0.send(f);
        runUntilQuiet();

        assertThat(d1.received()).containsExactly(f);
        assertThat(d2.received()).isEmpty();
        assertThat(wire.transmitted()).isEmpty();
        assertThat(veb.stats(vf0).fromVf).isEqualTo(1);
        assertThat(veb.stats(vf1).toVf).isEqualTo(1);
    }

    @Test
    void unknownUnicastGoesToTheUplinkAndFramesFromTheUplinkReachTheirVf() {
        d0.send(frame(MAC0, REMOTE));
        wire.inject(frame(REMOTE, MAC2));
        runUntilQuiet();

        assertThat(wire.transmitted()).hasSize(1);
        assertThat(d2.received()).hasSize(1);
        assertThat(d1.received()).isEmpty();
        assertThat(veb.uplinkIn()).isEqualTo(1);
        assertThat(veb.uplinkOut()).isEqualTo(1);
    }

    @Test
    void broadcastReachesEveryOtherVfAndTheUplink() {
        d0.send(frame(MAC0, MacAddress.BROADCAST));
        runUntilQuiet();

        assertThat(d0.received()).isEmpty();
        assertThat(d1.received()).hasSize(1);
        assertThat(d2.received()).hasSize(1);
        assertThat(wire.transmitted()).hasSize(1);
    }

    @Test
    void aSpoofedSourceMacIsDroppedAndCounted() {
        d0.send(frame(MAC2, MAC1)); // VF 0 pretends to be VF 2
        runUntilQuiet();

        assertThat(d1.received()).isEmpty();
        assertThat(veb.stats(vf0).spoofed).isEqualTo(1);

        veb.setSpoofCheck(vf0, false);
        d0.send(frame(MAC2, MAC1));
        runUntilQuiet();
        assertThat(d1.received()).as("spoof-check off").hasSize(1);
    }

    @Test
    void aPortVlanIsInsertedTowardsTheUplinkAndStrippedTowardsTheVf() {
        veb.setVlan(vf0, 100);
        d0.send(frame(MAC0, REMOTE));
        wire.inject(tagged(REMOTE, MAC0, 100));
        runUntilQuiet();

        assertThat(wire.transmitted()).containsExactly(tagged(MAC0, REMOTE, 100));
        assertThat(d0.received()).containsExactly(frame(REMOTE, MAC0));
    }

    @Test
    void vlansSeparateVfs() {
        veb.setVlan(vf0, 100);
        veb.setVlan(vf1, 200);
        d0.send(frame(MAC0, MAC1));
        d0.send(frame(MAC0, MacAddress.BROADCAST));
        runUntilQuiet();

        assertThat(d1.received()).as("VF 1 is in another VLAN").isEmpty();
        assertThat(d2.received()).as("VF 2 is untagged").isEmpty();
        assertThat(wire.transmitted()).hasSize(2);
    }

    @Test
    void aVfWithAPortVlanMayNotTagItsOwnFrames() {
        veb.setVlan(vf0, 100);
        d0.send(tagged(MAC0, REMOTE, 200));
        runUntilQuiet();

        assertThat(wire.transmitted()).isEmpty();
        assertThat(veb.stats(vf0).vlanViolations).isEqualTo(1);
    }

    @Test
    void onlyATrustedVfGetsPromiscuousMode() {
        assertThat(veb.setPromiscuous(vf2, true)).isFalse();
        d0.send(frame(MAC0, MAC1));
        runUntilQuiet();
        assertThat(d2.received()).isEmpty();

        veb.setTrusted(vf2, true);
        d0.send(frame(MAC0, MAC1));
        runUntilQuiet();
        assertThat(d2.received()).as("trusted and promiscuous: sees VF 1's unicast").hasSize(1);
        assertThat(d1.received()).hasSize(2);
    }

    @Test
    void theRateLimitDropsWhatExceedsTheBucketAndRefillsWithTime() {
        int size = frame(MAC0, MAC1).length; // 60 bytes
        veb.setRateLimit(vf0, 600, 3L * size); // 10 frames a second, bursts of 3
        for (int i = 0; i < 5; i++) {
            d0.send(frame(MAC0, MAC1));
        }
        runUntilQuiet();
        assertThat(d1.received()).hasSize(3);
        assertThat(veb.stats(vf0).rateLimited).isEqualTo(2);

        rig.clock.advanceBy(100_000_000L); // 100 ms: one frame's worth
        d0.send(frame(MAC0, MAC1));
        d0.send(frame(MAC0, MAC1));
        runUntilQuiet();
        assertThat(d1.received()).hasSize(1);
        assertThat(veb.stats(vf0).rateLimited).isEqualTo(3);
    }

    @Test
    void disablingVfsRemovesTheirPorts() {
        rig.pf.configWrite(rig.pf.sriovCapabilityOffset() + dev.iovirt.sriov.api.SriovRegisters.SRIOV_CONTROL, 2, 0);
        wire.inject(frame(REMOTE, MAC0));
        runUntilQuiet();
        assertThat(veb.uplinkIn()).isEqualTo(1);
        assertThat(wire.transmitted()).as("nowhere to go, and never back to the wire").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> veb.stats(vf0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inSwitchdevModeEveryVfFrameComesOutOfItsRepresentorAndTheVebForwardsNothing() {
        veb.setMode(EmbeddedSwitch.Mode.SWITCHDEV);
        d0.send(frame(MAC0, MAC1));
        d0.send(frame(MAC2, MAC1)); // spoofed: policy is the software switch's business now
        runUntilQuiet();

        dev.iovirt.packet.FrameBatch batch = new dev.iovirt.packet.FrameBatch();
        assertThat(veb.representor(vf0).receive(batch)).isEqualTo(2);
        assertThat(veb.representor(vf0).name()).isEqualTo("pf0vf0");
        assertThat(d1.received()).isEmpty();
        assertThat(wire.transmitted()).isEmpty();
        assertThat(veb.stats(vf0).spoofed).isZero();
    }

    @Test
    void aSoftwareSwitchOwningTheRepresentorsConnectsVfsAndTheWire() {
        veb.setMode(EmbeddedSwitch.Mode.SWITCHDEV);
        d0.send(frame(MAC0, MAC1));
        wire.inject(frame(REMOTE, MAC2));
        runUntilQuiet();

        // The "software switch": VF 0's representor → VF 1's; the uplink representor → VF 2's.
        dev.iovirt.packet.FrameBatch batch = new dev.iovirt.packet.FrameBatch();
        veb.representor(vf0).receive(batch);
        veb.representor(vf1).transmit(batch);
        batch.clear();
        veb.uplinkRepresentor().receive(batch);
        veb.representor(vf2).transmit(batch);
        batch.clear();
        batch.add(frame(MAC1, REMOTE), 0, 60);
        veb.uplinkRepresentor().transmit(batch);

        assertThat(d1.received()).containsExactly(frame(MAC0, MAC1));
        assertThat(d2.received()).containsExactly(frame(REMOTE, MAC2));
        assertThat(wire.transmitted()).containsExactly(frame(MAC1, REMOTE));
        assertThat(veb.representor(vf1).counters().txPackets).isEqualTo(1);
    }

    @Test
    void representorsCarryNothingInLegacyMode() {
        dev.iovirt.packet.FrameBatch batch = new dev.iovirt.packet.FrameBatch();
        batch.add(frame(REMOTE, MAC1), 0, 60);
        assertThat(veb.representor(vf1).transmit(batch)).isZero();
        assertThat(d1.received()).isEmpty();
    }

    private static final MacAddress PF_MAC = MacAddress.of("02:00:00:00:00:01");

    @Test
    void thePfPortTalksToTheVfsAndTheUplinkThroughTheVeb() {
        DummyPort pf = new DummyPort("enp0s4f0");
        veb.setPfPort(pf, PF_MAC);
        byte[] vfToPf = frame(MAC0, PF_MAC);
        byte[] pfToVf = frame(PF_MAC, MAC1);
        byte[] wireToPf = frame(REMOTE, PF_MAC);
        byte[] pfToWire = frame(PF_MAC, REMOTE);
        d0.send(vfToPf);
        pf.inject(pfToVf);
        wire.inject(wireToPf);
        pf.inject(pfToWire);
        runUntilQuiet();

        assertThat(pf.transmitted()).containsExactly(vfToPf, wireToPf);
        assertThat(d1.received()).containsExactly(pfToVf);
        assertThat(d2.received()).isEmpty();
        assertThat(wire.transmitted()).as("the VF's frame to the PF stays in the VEB").containsExactly(pfToWire);
        assertThat(veb.pfIn()).isEqualTo(2);
        assertThat(veb.pfOut()).isEqualTo(2);
    }

    @Test
    void broadcastsReachThePfAndThePfsBroadcastsReachEveryVfAndTheUplink() {
        DummyPort pf = new DummyPort("enp0s4f0");
        veb.setPfPort(pf, PF_MAC);
        byte[] fromVf = frame(MAC0, MacAddress.BROADCAST);
        byte[] fromPf = frame(PF_MAC, MacAddress.BROADCAST);
        d0.send(fromVf);
        runUntilQuiet();
        pf.inject(fromPf);
        runUntilQuiet();

        assertThat(pf.transmitted()).as("not its own broadcast back").containsExactly(fromVf);
        assertThat(d0.received()).containsExactly(fromPf);
        assertThat(d1.received()).containsExactly(fromVf, fromPf);
        assertThat(d2.received()).containsExactly(fromVf, fromPf);
        assertThat(wire.transmitted()).containsExactly(fromVf, fromPf);
    }

    @Test
    void taggedFramesAndOtherMacsDoNotReachThePf() {
        DummyPort pf = new DummyPort("enp0s4f0");
        veb.setPfPort(pf, PF_MAC);
        veb.setVlan(vf2, 100);
        d0.send(frame(MAC0, MAC1));
        d2.send(frame(MAC2, PF_MAC)); // in VLAN 100: the PF's untagged port is not a member
        runUntilQuiet();

        assertThat(pf.transmitted()).isEmpty();
        assertThat(d1.received()).hasSize(1);
        assertThat(wire.transmitted()).hasSize(1);
    }

    /** What a mirror saw, in order: "tx " + the frame's bytes for what the VF sent, "rx " for what it got. */
    private static final class Seen implements EmbeddedSwitch.Mirror {
        final java.util.List<String> frames = new java.util.ArrayList<>();

        @Override
        public void frame(dev.iovirt.packet.Frame frame, boolean fromVf) {
            frames.add((fromVf ? "tx " : "rx ") + java.util.HexFormat.of().formatHex(frame.toBytes()));
        }

        static String tx(byte[] f) {
            return "tx " + java.util.HexFormat.of().formatHex(f);
        }

        static String rx(byte[] f) {
            return "rx " + java.util.HexFormat.of().formatHex(f);
        }
    }

    @Test
    void aVfsMirrorSeesWhatItSendsAndWhatTheSwitchDeliversToItAndNothingElse() {
        Seen seen = new Seen();
        veb.setMirror(vf1, seen);
        veb.setVlan(vf1, 100);
        byte[] toVf1 = frame(MAC0, MAC2);
        byte[] spoofed = frame(MAC2, MAC0);
        byte[] fromVf1 = frame(MAC1, REMOTE);
        d0.send(frame(MAC0, MAC2)); // between two other VFs: not vf1's
        d1.send(spoofed);
        d1.send(fromVf1);
        wire.inject(tagged(REMOTE, MAC1, 100));
        runUntilQuiet();

        // What vf1 sent as it left its TX ring (the spoofed frame too, which the switch then drops),
        // and what it got as its RX ring gets it: the port VLAN's tag stripped.
        assertThat(seen.frames).containsExactly(Seen.tx(spoofed), Seen.tx(fromVf1), Seen.rx(frame(REMOTE, MAC1)));
        assertThat(veb.stats(vf1).spoofed).isEqualTo(1);
        assertThat(wire.transmitted()).containsExactly(tagged(MAC1, REMOTE, 100));
        assertThat(d1.received()).containsExactly(frame(REMOTE, MAC1));
        assertThat(d2.received()).containsExactly(toVf1);
    }

    @Test
    void aRemovedMirrorSeesNothingMoreAndForwardingIsTheSameWithOrWithoutOne() {
        Seen seen = new Seen();
        veb.setMirror(vf1, seen);
        d0.send(frame(MAC0, MAC1));
        runUntilQuiet();
        veb.setMirror(vf1, null);
        d0.send(frame(MAC0, MAC1));
        d1.send(frame(MAC1, MAC0));
        runUntilQuiet();

        assertThat(seen.frames).containsExactly(Seen.rx(frame(MAC0, MAC1)));
        assertThat(d1.received()).hasSize(2);
        assertThat(d0.received()).hasSize(1);
    }

    @Test
    void inSwitchdevModeAMirrorSeesWhatTheVfSendsToItsRepresentorAndWhatTheRepresentorDelivers() {
        veb.setMode(EmbeddedSwitch.Mode.SWITCHDEV);
        Seen seen = new Seen();
        veb.setMirror(vf1, seen);
        d1.send(frame(MAC1, REMOTE));
        runUntilQuiet();
        dev.iovirt.packet.FrameBatch batch = new dev.iovirt.packet.FrameBatch();
        batch.add(frame(REMOTE, MAC1), 0, 60);
        veb.representor(vf1).transmit(batch);

        assertThat(seen.frames).containsExactly(Seen.tx(frame(MAC1, REMOTE)), Seen.rx(frame(REMOTE, MAC1)));
    }
}
