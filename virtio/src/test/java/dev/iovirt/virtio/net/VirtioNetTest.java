package dev.iovirt.virtio.net;

import static dev.iovirt.virtio.net.VirtioNetLayout.*;
import static dev.iovirt.virtio.testing.DriverQueue.Segment.readable;
import static dev.iovirt.virtio.testing.DriverQueue.Segment.writable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.virtio.VirtioDevice;
import dev.iovirt.virtio.VirtioStatus;
import dev.iovirt.virtio.queue.SplitRing;
import dev.iovirt.virtio.queue.SplitVirtQueue;
import dev.iovirt.virtio.queue.VirtQueue;
import dev.iovirt.virtio.testing.ArrayDmaMemory;
import dev.iovirt.virtio.testing.DriverQueue;
import dev.iovirt.vmm.mem.Gpa;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioNetTest {
    static final MacAddress GUEST = MacAddress.of("52:54:00:12:34:56");
    static final MacAddress PEER = MacAddress.of("52:54:00:00:00:01");
    static final int QSIZE = 64;

    /** Records what the device asks of its transport. */
    static final class FakeTransport implements VirtioDevice.Transport {
        final List<Integer> signals = new ArrayList<>();
        final List<String> resets = new ArrayList<>();
        int configChanges;

        @Override
        public void signalQueue(int index) {
            signals.add(index);
        }

        @Override
        public void signalConfigChange() {
            configChanges++;
        }

        @Override
        public void needsReset(String why) {
            resets.add(why);
        }
    }

    final ArrayDmaMemory ram = new ArrayDmaMemory(4 << 20);
    final FakeTransport transport = new FakeTransport();
    final DriverQueue rx0 = new DriverQueue(ram, 0x10000, QSIZE);
    final DriverQueue tx0 = new DriverQueue(ram, 0x20000, QSIZE);
    final DriverQueue rx1 = new DriverQueue(ram, 0x30000, QSIZE);
    final DriverQueue tx1 = new DriverQueue(ram, 0x40000, QSIZE);
    final DriverQueue ctrl = new DriverQueue(ram, 0x50000, QSIZE);
    long bufferArea = 0x100000;

    VirtioNet net(boolean mergeable, boolean eventIdx) {
        VirtioNet n = new VirtioNet("vm1.eth0", GUEST, 2, QSIZE);
        long f = VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(F_CSUM) | VirtioStatus.bit(F_CTRL_VQ)
                | VirtioStatus.bit(F_CTRL_RX) | VirtioStatus.bit(F_MQ) | VirtioStatus.bit(F_STATUS)
                | (mergeable ? VirtioStatus.bit(F_MRG_RXBUF) : 0) | (eventIdx ? VirtioStatus.bit(VirtioStatus.F_EVENT_IDX) : 0);
        List<VirtQueue> qs = new ArrayList<>();
        for (DriverQueue d : List.of(rx0, tx0, rx1, tx1, ctrl)) {
            qs.add(new SplitVirtQueue(ram, QSIZE, d.descGpa(), d.availGpa(), d.usedGpa(), eventIdx, false));
        }
        n.activate(f, qs, ram, transport);
        return n;
    }

    private long buffer(int size) {
        long a = bufferArea;
        bufferArea += (size + 63) & ~63;
        return a;
    }

    /** The driver transmits a frame: a 12-byte header then the frame, in two descriptors. */
    private void guestSends(DriverQueue tx, byte[] frame, byte[] header) {
        long h = buffer(HDR_LEN);
        long d = buffer(frame.length);
        ram.write(Gpa.of(h), header, 0, HDR_LEN);
        ram.write(Gpa.of(d), frame, 0, frame.length);
        tx.add(readable(h, HDR_LEN), readable(d, frame.length));
    }

    private void postRxBuffers(DriverQueue rx, int count, int size) {
        for (int i = 0; i < count; i++) {
            rx.add(writable(buffer(size), size));
        }
    }

    private static FrameBatch batchOf(byte[]... frames) {
        FrameBatch b = new FrameBatch();
        for (byte[] f : frames) {
            b.add(f, 0, f.length);
        }
        return b;
    }

    private static byte[] udp(MacAddress dst, int size) {
        return PacketBuilder.ethernet(PEER, dst).ipv4(Ipv4Address.of("10.0.0.1"), Ipv4Address.of("10.0.0.2"))
                .udp(5000, 9000).payload(size).build();
    }

    @Test
    void framesTheGuestSendsComeOutOfTheFramePortWithOneCopyEach() {
        VirtioNet n = net(false, false);
        FrameBatch out = new FrameBatch();
        assertThat(n.receive(out)).as("activation looks once: nothing there").isZero();
        byte[] f1 = udp(PEER, 18);
        byte[] f2 = udp(PEER, 300);
        guestSends(tx0, f1, new byte[HDR_LEN]);
        guestSends(tx0, f2, new byte[HDR_LEN]);
        assertThat(n.receive(out)).as("no kick yet").isZero();
        n.queueNotify(txQueue(0));
        assertThat(n.receive(out)).isEqualTo(2);
        assertThat(out.get(0).toBytes()).isEqualTo(f1);
        assertThat(out.get(1).toBytes()).isEqualTo(f2);
        assertThat(tx0.takeUsed()).hasSize(2);
        assertThat(n.stats().copies).isEqualTo(2);
        assertThat(transport.signals).as("the empty activation check used nothing: no interrupt").containsExactly(txQueue(0));
    }

    @Test
    void framesForTheGuestLandInItsBuffersBehindAHeader() {
        VirtioNet n = net(false, false);
        postRxBuffers(rx0, 4, 2048);
        byte[] f = udp(GUEST, 100);
        assertThat(n.transmit(batchOf(f))).isEqualTo(1);
        List<DriverQueue.Used> used = rx0.takeUsed();
        assertThat(used).singleElement().satisfies(u -> assertThat(u.len()).isEqualTo(HDR_LEN + f.length));
        byte[] got = new byte[f.length];
        ram.read(Gpa.of(0x100000 + HDR_LEN), got, 0, got.length);
        assertThat(got).isEqualTo(f);
        assertThat(transport.signals).containsExactly(rxQueue(0));
    }

    @Test
    void mergeableBuffersCarryALargeFrameAndCountThemInNumBuffers() {
        VirtioNet n = net(true, false);
        postRxBuffers(rx0, 8, 512);
        byte[] f = udp(GUEST, 1400); // 1442-byte frame + 12-byte header = 1454 bytes: 3 buffers of 512
        assertThat(n.transmit(batchOf(f))).isEqualTo(1);
        List<DriverQueue.Used> used = rx0.takeUsed();
        assertThat(used).extracting(DriverQueue.Used::len).containsExactly(512, 512, 1454 - 1024);
        byte[] header = new byte[HDR_LEN];
        ram.read(Gpa.of(0x100000), header, 0, HDR_LEN);
        assertThat(Bytes.getU16le(header, HDR_NUM_BUFFERS)).isEqualTo(3);
        byte[] got = new byte[f.length];
        ram.read(Gpa.of(0x100000 + HDR_LEN), got, 0, 500);
        ram.read(Gpa.of(0x100000 + 512), got, 500, 512);
        ram.read(Gpa.of(0x100000 + 1024), got, 1012, f.length - 1012);
        assertThat(got).isEqualTo(f);
    }

    @Test
    void tooFewBuffersDropTheFrameAndLeaveTheBuffersForTheNext() {
        VirtioNet n = net(true, false);
        postRxBuffers(rx0, 2, 512);
        assertThat(n.transmit(batchOf(udp(GUEST, 1400)))).isZero();
        assertThat(n.stats().rxNoBuffer).isEqualTo(1);
        assertThat(rx0.takeUsed()).as("nothing consumed").isEmpty();
        assertThat(n.transmit(batchOf(udp(GUEST, 100)))).isEqualTo(1);
        assertThat(rx0.takeUsed()).hasSize(1);
        assertThat(n.transmit(batchOf(udp(GUEST, 100), udp(GUEST, 100)))).isEqualTo(1);
        assertThat(n.stats().rxNoBuffer).isEqualTo(2);
    }

    @Test
    void macFilterDropsOthersUnicastUntilPromiscuousIsSetByTheControlQueue() {
        VirtioNet n = net(false, false);
        postRxBuffers(rx0, 8, 2048);
        byte[] other = udp(MacAddress.of("52:54:00:99:99:99"), 10);
        assertThat(n.transmit(batchOf(other, udp(MacAddress.BROADCAST, 10)))).isEqualTo(1);
        assertThat(n.stats().rxFiltered).isEqualTo(1);
        // VIRTIO_NET_CTRL_RX_PROMISC on: class, command, data byte; then a writable ack.
        long cmd = buffer(3);
        long ack = buffer(1);
        ram.write(Gpa.of(cmd), new byte[] {CTRL_RX, CTRL_RX_PROMISC, 1}, 0, 3);
        ctrl.add(readable(cmd, 3), writable(ack, 1));
        n.queueNotify(4);
        assertThat(ram.read8(Gpa.of(ack))).isEqualTo(CTRL_OK);
        assertThat(n.transmit(batchOf(other))).isEqualTo(1);
    }

    @Test
    void controlQueueSetsQueuePairsAndRefusesTooMany() {
        VirtioNet n = net(false, false);
        long cmd = buffer(4);
        long ack = buffer(1);
        byte[] set = new byte[4];
        set[0] = CTRL_MQ;
        set[1] = CTRL_MQ_VQ_PAIRS_SET;
        Bytes.putU16le(set, 2, 3);
        ram.write(Gpa.of(cmd), set, 0, 4);
        ctrl.add(readable(cmd, 4), writable(ack, 1));
        n.queueNotify(4);
        assertThat(ram.read8(Gpa.of(ack))).isEqualTo(CTRL_ERR);
        Bytes.putU16le(set, 2, 2);
        ram.write(Gpa.of(cmd), set, 0, 4);
        ctrl.add(readable(cmd, 4), writable(ack, 1));
        n.queueNotify(4);
        assertThat(ram.read8(Gpa.of(ack))).isEqualTo(CTRL_OK);
        assertThat(n.activePairs()).isEqualTo(2);
        postRxBuffers(rx0, 4, 2048);
        postRxBuffers(rx1, 4, 2048);
        n.transmit(batchOf(udp(GUEST, 10), udp(GUEST, 10), udp(GUEST, 10), udp(GUEST, 10)));
        assertThat(rx0.takeUsed()).hasSize(2);
        assertThat(rx1.takeUsed()).hasSize(2);
    }

    @Test
    void needsCsumIsFilledInOnTransmit() {
        VirtioNet n = net(false, false);
        byte[] f = udp(PEER, 40);
        // The driver leaves the UDP checksum as the pseudo-header sum and asks the device to finish it.
        int l4 = 34;
        int l4Len = f.length - l4;
        long pseudo = Checksums.pseudoHeaderIpv4(Ipv4Address.of("10.0.0.1").bits(), Ipv4Address.of("10.0.0.2").bits(),
                IpProtocol.UDP, l4Len);
        Bytes.putU16(f, l4 + 6, Checksums.fold(pseudo));
        byte[] header = new byte[HDR_LEN];
        header[HDR_FLAGS] = HDR_F_NEEDS_CSUM;
        Bytes.putU16le(header, HDR_CSUM_START, l4);
        Bytes.putU16le(header, HDR_CSUM_OFFSET, 6);
        guestSends(tx0, f, header);
        n.queueNotify(txQueue(0));
        FrameBatch out = new FrameBatch();
        n.receive(out);
        byte[] sent = out.get(0).toBytes();
        assertThat(Checksums.finish(Checksums.sum(sent, l4, l4Len, pseudo))).as("the UDP checksum verifies").isZero();
        assertThat(Arrays.equals(sent, udp(PEER, 40))).as("and equals what the stack would have computed").isTrue();
    }

    @Test
    void withEventIdxABurstCostsOneInterruptNotOnePerPacket() {
        VirtioNet n = net(false, true);
        postRxBuffers(rx0, QSIZE, 2048);
        // The driver's NAPI loop: used_event set once to "interrupt at the next buffer", not updated while it polls.
        rx0.setUsedEvent(0);
        int delivered = 0;
        for (int round = 0; round < 4; round++) {
            FrameBatch b = new FrameBatch();
            for (int i = 0; i < 16; i++) {
                byte[] f = udp(GUEST, 18);
                b.add(f, 0, f.length);
            }
            delivered += n.transmit(b);
        }
        assertThat(delivered).isEqualTo(64);
        assertThat(transport.signals).as("one interrupt for 64 packets").hasSize(1);
        assertThat(n.stats().interruptsSuppressed).isEqualTo(3);
        // Without EVENT_IDX every batch interrupts.
        VirtioNetTest light = new VirtioNetTest();
        VirtioNet m = light.net(false, false);
        light.postRxBuffers(light.rx0, QSIZE, 2048);
        for (int round = 0; round < 4; round++) {
            m.transmit(batchOf(udp(GUEST, 18)));
        }
        assertThat(light.transport.signals).hasSize(4);
    }

    @Test
    void aMaliciousTransmitChainStopsThisDeviceOnly() {
        VirtioNet bad = net(false, false);
        // A descriptor that loops onto itself in the transmit queue.
        tx0.writeDesc(0, 0x100000, 64, SplitRing.DESC_F_NEXT, 0);
        tx0.makeAvailable(0);
        bad.queueNotify(txQueue(0));
        assertThat(bad.receive(new FrameBatch())).isZero();
        assertThat(transport.resets).singleElement().asString().contains("loops");
        assertThat(bad.transmit(batchOf(udp(GUEST, 10)))).as("a broken device takes nothing").isZero();
        // Another VM's device on its own memory is untouched.
        VirtioNetTest other = new VirtioNetTest();
        VirtioNet good = other.net(false, false);
        other.postRxBuffers(other.rx0, 2, 2048);
        assertThat(good.transmit(batchOf(udp(GUEST, 10)))).isEqualTo(1);
        assertThat(other.transport.resets).isEmpty();
    }

    @Test
    void configurationSpaceShowsMacStatusAndPairs() {
        VirtioNet n = net(false, false);
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | n.configRead(CONFIG_MAC + i, 1);
        }
        assertThat(MacAddress.of(mac)).isEqualTo(GUEST);
        assertThat(n.configRead(CONFIG_STATUS, 2)).isEqualTo(STATUS_LINK_UP);
        assertThat(n.configRead(CONFIG_MAX_VIRTQUEUE_PAIRS, 2)).isEqualTo(2);
        n.setLinkUp(false);
        assertThat(n.configRead(CONFIG_STATUS, 2)).isZero();
        assertThat(transport.configChanges).isEqualTo(1);
    }

    @Test
    void theSameTrafficFlowsOverPackedRings() {
        dev.iovirt.virtio.testing.PackedDriverQueue prx = new dev.iovirt.virtio.testing.PackedDriverQueue(ram, 0x60000, 16);
        dev.iovirt.virtio.testing.PackedDriverQueue ptx = new dev.iovirt.virtio.testing.PackedDriverQueue(ram, 0x70000, 16);
        VirtioNet n = new VirtioNet("vm2.eth0", GUEST, 1, 16);
        long f = VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(VirtioStatus.F_RING_PACKED);
        List<VirtQueue> qs = new ArrayList<>();
        qs.add(new dev.iovirt.virtio.queue.PackedVirtQueue(ram, 16, prx.ringGpa(), prx.driverGpa(), prx.deviceGpa(), false, false));
        qs.add(new dev.iovirt.virtio.queue.PackedVirtQueue(ram, 16, ptx.ringGpa(), ptx.driverGpa(), ptx.deviceGpa(), false, false));
        qs.add(null);
        n.activate(f, qs, ram, transport);
        n.receive(new FrameBatch());
        for (int i = 0; i < 40; i++) { // more than two laps of a 16-entry ring
            long rxBuf = buffer(2048);
            prx.add(writable(rxBuf, 2048));
            byte[] in = udp(GUEST, 20 + i);
            assertThat(n.transmit(batchOf(in))).isEqualTo(1);
            assertThat(prx.takeUsed()).singleElement().satisfies(u -> assertThat(u.len()).isEqualTo(HDR_LEN + in.length));
            byte[] got = new byte[in.length];
            ram.read(Gpa.of(rxBuf + HDR_LEN), got, 0, got.length);
            assertThat(got).isEqualTo(in);

            byte[] out = udp(PEER, 30 + i);
            long h = buffer(HDR_LEN);
            long d = buffer(out.length);
            ram.write(Gpa.of(d), out, 0, out.length);
            ptx.add(readable(h, HDR_LEN), readable(d, out.length));
            n.queueNotify(txQueue(0));
            FrameBatch b = new FrameBatch();
            assertThat(n.receive(b)).isEqualTo(1);
            assertThat(b.get(0).toBytes()).isEqualTo(out);
            assertThat(ptx.takeUsed()).hasSize(1);
        }
        assertThat(transport.resets).isEmpty();
    }

    @Test
    void withGuestCsumAVerifiedChecksumIsMarkedDataValid() {
        VirtioNet n = new VirtioNet("vm3.eth0", GUEST, 1, QSIZE);
        List<VirtQueue> qs = new ArrayList<>();
        qs.add(new SplitVirtQueue(ram, QSIZE, rx0.descGpa(), rx0.availGpa(), rx0.usedGpa(), false, false));
        qs.add(new SplitVirtQueue(ram, QSIZE, tx0.descGpa(), tx0.availGpa(), tx0.usedGpa(), false, false));
        qs.add(null);
        n.activate(VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(F_GUEST_CSUM), qs, ram, transport);
        postRxBuffers(rx0, 2, 2048);
        byte[] good = udp(GUEST, 30);
        byte[] bad = udp(GUEST, 30);
        bad[bad.length - 1] ^= 1; // payload changed, checksum not
        n.transmit(batchOf(good, bad));
        assertThat(ram.read8(Gpa.of(0x100000 + HDR_FLAGS))).isEqualTo(HDR_F_DATA_VALID);
        assertThat(ram.read8(Gpa.of(0x100000 + 2048 + HDR_FLAGS))).as("a bad checksum is left for the driver to find").isZero();
    }

    @Test
    void aReadOnlyReceiveBufferIsADriverErrorThatNeedsReset() {
        VirtioNet n = net(false, false);
        rx0.add(readable(buffer(2048), 2048));
        assertThat(n.transmit(batchOf(udp(GUEST, 10)))).isZero();
        assertThat(transport.resets).singleElement().asString().contains("no device-writable descriptor");
    }

    @Test
    void aWritableTransmitBufferIsADriverErrorThatNeedsReset() {
        VirtioNet n = net(false, false);
        n.receive(new FrameBatch());
        tx0.add(readable(buffer(12), 12), writable(buffer(64), 64));
        n.queueNotify(txQueue(0));
        assertThat(n.receive(new FrameBatch())).isZero();
        assertThat(transport.resets).singleElement().asString().contains("device-writable descriptors");
    }
}
