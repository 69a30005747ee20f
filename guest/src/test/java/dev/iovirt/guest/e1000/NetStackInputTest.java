package dev.iovirt.guest.e1000;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.net.NetStats;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guest stack's input checks, with frames written straight into its e1000 from the host side and
 * its answers read back from the host side.
 */
class NetStackInputTest {
    private static final MacAddress PEER_MAC = MacAddress.of("52:54:00:00:00:99");
    private static final Ipv4Address PEER = Ipv4Address.of("10.0.0.9");
    private static final MacAddress B_MAC = MacAddress.of("52:54:00:00:00:0b");
    private static final Ipv4Address B = Ipv4Address.of("10.0.0.2");
    private final E1000Lab lab = new E1000Lab();
    private final List<byte[]> datagrams = new ArrayList<>();
    private final Machine b = lab.machine("b", B_MAC.toString(), B.toString(),
            m -> m.stack.bindUdp(9, (s, src, port, p, o, l) -> datagrams.add(java.util.Arrays.copyOfRange(p, o, o + l))));

    NetStackInputTest() {
        lab.steps.runUntilIdle();
    }

    private NetStats inject(byte[] frame) {
        FrameBatch batch = new FrameBatch();
        batch.add(frame, 0, frame.length);
        assertThat(b.nic.transmit(batch)).isEqualTo(1);
        lab.steps.runUntil(lab.clock.nanos() + E1000Lab.MS); // past the device's interrupt throttling interval
        return b.stack.stats();
    }

    private List<byte[]> sent() {
        FrameBatch batch = new FrameBatch();
        b.nic.receive(batch);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).toBytes());
        }
        return out;
    }

    private static PacketBuilder toB() {
        return PacketBuilder.ethernet(PEER_MAC, B_MAC).ipv4(PEER, B);
    }

    @Test
    void aGoodDatagramReachesItsSocket() {
        inject(toB().udp(5000, 9).payload(new byte[] {1, 2, 3}).build());
        assertThat(datagrams).singleElement().isEqualTo(new byte[] {1, 2, 3});
    }

    @Test
    void anIpv4HeaderWithABadChecksumIsDropped() {
        byte[] f = toB().udp(5000, 9).payload(4).build();
        f[14 + 10] ^= 0x5A;
        assertThat(inject(f).ipHeaderErrors).isEqualTo(1);
        assertThat(datagrams).isEmpty();
    }

    @Test
    void fragmentsAreDroppedNotReassembled() {
        assertThat(inject(toB().fragment(0, true).udp(5000, 9).payload(8).build()).ipFragmentsDropped).isEqualTo(1);
        assertThat(inject(toB().fragment(8, false).udp(5000, 9).payload(8).build()).ipFragmentsDropped).isEqualTo(2);
        assertThat(datagrams).isEmpty();
    }

    @Test
    void aDatagramWithABadChecksumIsDroppedAndOneWithoutAChecksumAccepted() {
        byte[] f = toB().udp(5000, 9).payload(4).build();
        f[14 + 20 + 8] ^= 1; // payload changed, checksum not
        assertThat(inject(f).udpChecksumErrors).isEqualTo(1);
        byte[] g = toB().udp(5000, 9).payload(4).build();
        Bytes.putU16(g, 14 + 20 + 6, 0); // RFC 768: zero means no checksum
        inject(g);
        assertThat(datagrams).hasSize(1);
    }

    @Test
    void aDatagramToAnUnboundPortIsCountedAndDropped() {
        assertThat(inject(toB().udp(5000, 10).payload(4).build()).udpNoPort).isEqualTo(1);
    }

    @Test
    void aPacketForAnotherAddressIsNotForUs() {
        byte[] f = PacketBuilder.ethernet(PEER_MAC, B_MAC).ipv4(PEER, Ipv4Address.of("10.0.0.3")).udp(5000, 9).payload(4).build();
        assertThat(inject(f).ipNotForUs).isEqualTo(1);
    }

    @Test
    void anEchoRequestFromAnUnknownHostIsAnsweredAfterArpWithTtl64AndGoodChecksums() {
        inject(toB().icmpEcho(true, 0x1234, 7).payload(new byte[] {9, 8, 7, 6}).build());
        // b does not know the requester: it asks first, holding the reply.
        List<byte[]> out = sent();
        assertThat(out).hasSize(1);
        byte[] request = out.get(0);
        assertThat(Bytes.getU16(request, 12)).isEqualTo(0x0806);
        assertThat(Bytes.getU16(request, 14 + 6)).isEqualTo(1);
        assertThat(Bytes.getI32(request, 14 + 24)).isEqualTo(PEER.bits());
        inject(PacketBuilder.ethernet(PEER_MAC, B_MAC).arp(2, PEER_MAC, PEER, B_MAC, B).build());

        out = sent();
        assertThat(out).hasSize(1);
        byte[] reply = out.get(0);
        assertThat(MacAddress.read(reply, 0)).isEqualTo(PEER_MAC);
        assertThat(reply[14 + 8] & 0xFF).isEqualTo(64); // TTL
        assertThat(Checksums.internet(reply, 14, 20)).isZero();
        int icmpLength = Bytes.getU16(reply, 14 + 2) - 20;
        assertThat(Checksums.internet(reply, 34, icmpLength)).isZero();
        assertThat(reply[34]).isEqualTo((byte) 0); // echo reply
        assertThat(Bytes.getU16(reply, 34 + 4)).isEqualTo(0x1234);
        assertThat(Bytes.getU16(reply, 34 + 6)).isEqualTo(7);
        assertThat(java.util.Arrays.copyOfRange(reply, 42, 46)).isEqualTo(new byte[] {9, 8, 7, 6});
    }

    @Test
    void anArpRequestForOurAddressIsAnsweredAndTheAskerLearned() {
        inject(PacketBuilder.ethernet(PEER_MAC, MacAddress.BROADCAST).arp(1, PEER_MAC, PEER, MacAddress.ZERO, B).build());
        byte[] reply = sent().get(0);
        assertThat(Bytes.getU16(reply, 14 + 6)).isEqualTo(2);
        assertThat(MacAddress.read(reply, 14 + 8)).isEqualTo(B_MAC);
        assertThat(MacAddress.read(reply, 14 + 18)).isEqualTo(PEER_MAC);
        assertThat(b.stack.arp().lookup(PEER, lab.clock.nanos())).isEqualTo(PEER_MAC);
    }
}
