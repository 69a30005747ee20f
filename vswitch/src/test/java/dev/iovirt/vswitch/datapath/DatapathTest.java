package dev.iovirt.vswitch.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.EtherType;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.packet.testing.TestFrames;
import dev.iovirt.vswitch.datapath.FlowWords.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatapathTest {
    /** A slow path whose decision is a function of the key, with the wildcards it declares. */
    static final class ScriptedSlowPath implements UpcallHandler {
        int upcalls;
        final List<byte[]> userspaceFrames = new ArrayList<>();
        BiConsumer<long[], List<DpAction>> decide;
        long[] mask = new long[FlowWords.WORDS];

        @Override
        public Object translate(FlowKey key, long[] words, int off, long[] wildcards, List<DpAction> actions) {
            upcalls++;
            for (int w = 0; w < FlowWords.WORDS; w++) {
                wildcards[w] |= mask[w];
            }
            long[] k = java.util.Arrays.copyOfRange(words, off, off + FlowWords.WORDS);
            decide.accept(k, actions);
            return null;
        }

        @Override
        public void userspace(Frame frame, FlowKey key, DpAction.Userspace action) {
            userspaceFrames.add(frame.toBytes());
        }
    }

    ScriptedSlowPath slow;
    Datapath dp;
    DummyPort p1;
    DummyPort p2;
    DummyPort p3;

    @BeforeEach
    void setUp() {
        slow = new ScriptedSlowPath();
        // Default program: in_port 1 -> 2, 2 -> 1, anything else dropped; depends on in_port only.
        Field.IN_PORT.set(slow.mask, 0, 0xFFFF_FFFFL);
        slow.decide = (k, actions) -> {
            long in = Field.IN_PORT.get(k, 0);
            if (in == 1) {
                actions.add(new DpAction.Output(2));
            } else if (in == 2) {
                actions.add(new DpAction.Output(1));
            }
        };
        dp = new Datapath("br0", slow);
        p1 = new DummyPort("p1");
        p2 = new DummyPort("p2");
        p3 = new DummyPort("p3");
        assertThat(dp.addPort(p1)).isEqualTo(1);
        assertThat(dp.addPort(p2)).isEqualTo(2);
        assertThat(dp.addPort(p3)).isEqualTo(3);
    }

    @Test
    void firstPacketGoesToTheSlowPathAndTheRestHitTheExactMatchCache() {
        for (int i = 0; i < 3; i++) {
            p1.inject(TestFrames.udp64());
        }
        assertThat(dp.runUntilQuiet()).isEqualTo(3);
        assertThat(slow.upcalls).isEqualTo(1);
        assertThat(dp.stats().misses).isEqualTo(1);
        assertThat(dp.stats().emcHits).isEqualTo(2);
        assertThat(p2.transmitted()).hasSize(3).allSatisfy(f -> assertThat(f).isEqualTo(TestFrames.udp64()));
        assertThat(dp.megaflows()).singleElement().satisfies(m -> {
            assertThat(m.packets()).isEqualTo(3);
            assertThat(m.match().toString()).isEqualTo("in_port=0x1");
        });
    }

    @Test
    void packetsDifferingOnlyInWildcardedFieldsHitTheMegaflow() {
        dp.setEmcInsertInverseProbability(1);
        for (int port = 1; port <= 5; port++) {
            p1.inject(TestFrames.udp(5000, 9000 + port, 18));
        }
        dp.runUntilQuiet();
        assertThat(slow.upcalls).isEqualTo(1);
        assertThat(dp.stats().megaflowHits).isEqualTo(4);
        assertThat(dp.stats().emcHits).isZero();
        // Again: now each has its own EMC entry.
        for (int port = 1; port <= 5; port++) {
            p1.inject(TestFrames.udp(5000, 9000 + port, 18));
        }
        dp.runUntilQuiet();
        assertThat(dp.stats().emcHits).isEqualTo(5);
        assertThat(p2.transmitted()).hasSize(10);
    }

    @Test
    void byDefaultOnlyAFewMegaflowHitsAreCopiedIntoTheExactMatchCache() {
        // 2,000 distinct 5-tuples under one megaflow, each sent twice: with insertion once per 100
        // hits on average, the second pass finds only a few percent of them in the EMC.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 2000; i++) {
                p1.inject(TestFrames.udp(1024 + i, 9000, 18));
            }
            dp.runUntilQuiet();
        }
        assertThat(dp.stats().misses).isEqualTo(1);
        assertThat(dp.stats().emcHits).isBetween(1L, 200L);
        assertThat(dp.stats().megaflowHits + dp.stats().emcHits).isEqualTo(3999);
    }

    @Test
    void withoutTheExactMatchCacheTheClassifierAnswers() {
        dp.setExactMatchCacheEnabled(false);
        for (int i = 0; i < 4; i++) {
            p2.inject(TestFrames.arpReply());
        }
        dp.runUntilQuiet();
        assertThat(dp.stats().misses).isEqualTo(1);
        assertThat(dp.stats().megaflowHits).isEqualTo(3);
        assertThat(dp.stats().emcHits).isZero();
        assertThat(p1.transmitted()).hasSize(4);
    }

    @Test
    void invalidationSendsTheNextPacketToTheSlowPathWithTheNewDecision() {
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(p2.transmitted()).hasSize(1);
        // The slow path's state changes (a flow-mod): port 1 now goes to port 3.
        slow.decide = (k, actions) -> actions.add(new DpAction.Output(3));
        dp.invalidate();
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(slow.upcalls).isEqualTo(2);
        assertThat(p2.transmitted()).hasSize(1);
        assertThat(p3.transmitted()).hasSize(1);
    }

    @Test
    void addingOrRemovingAPortInvalidatesTheCaches() {
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        long before = dp.stats().invalidations;
        dp.removePort(3);
        assertThat(dp.stats().invalidations).isEqualTo(before + 1);
        assertThat(dp.megaflows()).isEmpty();
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(slow.upcalls).isEqualTo(2);
    }

    @Test
    void moreThanABatchIsProcessedInBatchesOf32() {
        for (int i = 0; i < 100; i++) {
            p1.inject(TestFrames.udp(i, 9000, 18));
        }
        assertThat(dp.poll()).isEqualTo(32);
        assertThat(dp.runUntilQuiet()).isEqualTo(68);
        assertThat(p2.transmitted()).hasSize(100);
        assertThat(p2.transmitted().get(99)).isEqualTo(TestFrames.udp(99, 9000, 18));
    }

    @Test
    void noOutputMeansDropAndAMissingPortIsCounted() {
        slow.decide = (k, actions) -> actions.add(new DpAction.Output(42));
        p1.inject(TestFrames.udp64());
        p3.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(dp.stats().txDropped).isEqualTo(2);
        slow.decide = (k, actions) -> { };
        dp.invalidate();
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(p1.transmitted()).isEmpty();
        assertThat(p2.transmitted()).isEmpty();
        assertThat(dp.megaflows()).singleElement().asString().endsWith("actions:drop");
    }

    @Test
    void pushAndPopVlanRewriteTheFrame() {
        slow.decide = (k, actions) -> {
            if (Field.IN_PORT.get(k, 0) == 1) {
                actions.add(new DpAction.PushVlan(EtherType.VLAN, 3 << 13 | 100));
                actions.add(new DpAction.Output(2));
            } else {
                actions.add(new DpAction.PopVlan());
                actions.add(new DpAction.Output(1));
            }
        };
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        byte[] tagged = p2.transmitted().get(0);
        FlowKey k = FlowKeyParser.parse(tagged, 0, tagged.length, 0, new FlowKey());
        assertThat(k.vlanVid()).isEqualTo(100);
        assertThat(k.vlanPcp()).isEqualTo(3);
        assertThat(k.tpDst()).isEqualTo(9000);
        assertThat(tagged).hasSize(64);
        p2.inject(tagged);
        dp.runUntilQuiet();
        assertThat(p1.transmitted()).containsExactly(TestFrames.udp64());
    }

    @Test
    void setFieldsKeepChecksumsValid() {
        Ipv4Address nat = Ipv4Address.of("203.0.113.7");
        MacAddress mac = MacAddress.of("02:aa:bb:cc:dd:ee");
        slow.decide = (k, actions) -> {
            actions.add(new DpAction.SetEthDst(mac.bits()));
            actions.add(new DpAction.SetIpv4(true, nat.bits()));
            actions.add(new DpAction.SetTransportPort(false, 8080));
            actions.add(new DpAction.SetIpv4Ttl(-1));
            actions.add(new DpAction.Output(2));
        };
        p1.inject(TestFrames.udp64());
        p1.inject(TestFrames.tcpSyn());
        dp.runUntilQuiet();
        for (byte[] f : p2.transmitted()) {
            FlowKey k = FlowKeyParser.parse(f, 0, f.length, 0, new FlowKey());
            assertThat(k.ethDst()).isEqualTo(mac.bits());
            assertThat(k.ipv4Src()).isEqualTo(nat.bits());
            assertThat(k.tpDst()).isEqualTo(8080);
            assertThat(k.ipTtl()).isEqualTo(63);
            assertThat(Checksums.internet(f, 14, 20)).as("IPv4 header checksum").isZero();
            int l4Len = k.l3Length() - 20;
            long pseudo = Checksums.pseudoHeaderIpv4(k.ipv4Src(), k.ipv4Dst(), k.ipProto(), l4Len);
            assertThat(Checksums.finish(Checksums.sum(f, 34, l4Len, pseudo)))
                    .as(IpProtocol.name(k.ipProto()) + " checksum").isZero();
        }
        assertThat(p2.transmitted()).hasSize(2);
    }

    @Test
    void outputBeforeAndAfterARewriteSendsBothVersions() {
        slow.decide = (k, actions) -> {
            actions.add(new DpAction.Output(2));
            actions.add(new DpAction.SetEthSrc(0x02_00_00_00_00_99L));
            actions.add(new DpAction.Output(3));
        };
        p1.inject(TestFrames.udp64());
        dp.runUntilQuiet();
        assertThat(p2.transmitted().get(0)).isEqualTo(TestFrames.udp64());
        assertThat(MacAddress.read(p3.transmitted().get(0), 6).toString()).isEqualTo("02:00:00:00:00:99");
    }

    @Test
    void userspaceActionLendsTheFrameToTheSlowPath() {
        slow.decide = (k, actions) -> actions.add(new DpAction.Userspace(0, 0xABC, 0, 0xFFFF));
        p1.inject(TestFrames.arpRequest());
        dp.runUntilQuiet();
        assertThat(slow.userspaceFrames).containsExactly(TestFrames.arpRequest());
    }

    @Test
    void tunnelIdIsPartOfTheKeyAndSetTunnelChangesIt() {
        Field.TUNNEL_ID.set(slow.mask, 0, -1L);
        slow.decide = (k, actions) -> {
            actions.add(new DpAction.SetTunnel(Field.TUNNEL_ID.get(k, 0) + 1000));
            actions.add(new DpAction.Output(2));
        };
        Frame f = Frame.of(TestFrames.udp64());
        f.setTunnelId(5001);
        dev.iovirt.packet.FrameBatch batch = new dev.iovirt.packet.FrameBatch();
        batch.add(f);
        dp.process(1, batch);
        assertThat(dp.megaflows()).singleElement().asString().contains("tunnel_id=0x1389");
        assertThat(dp.megaflows().get(0).actions()).contains(new DpAction.SetTunnel(6001));
    }
}
