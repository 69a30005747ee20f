package dev.iovirt.virtio.queue;

import static dev.iovirt.virtio.testing.DriverQueue.Segment.readable;
import static dev.iovirt.virtio.testing.DriverQueue.Segment.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.virtio.testing.ArrayDmaMemory;
import dev.iovirt.virtio.testing.PackedDriverQueue;
import dev.iovirt.vmm.mem.Gpa;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PackedVirtQueueTest {
    final ArrayDmaMemory mem = new ArrayDmaMemory(1 << 20);

    PackedDriverQueue driver(int size) {
        return new PackedDriverQueue(mem, 0x1000, size);
    }

    PackedVirtQueue device(PackedDriverQueue d, boolean eventIdx, boolean indirect) {
        return new PackedVirtQueue(mem, d.size, d.ringGpa(), d.driverGpa(), d.deviceGpa(), eventIdx, indirect);
    }

    @Test
    void buffersArePoppedInRingOrderAndReturnedAsUsedDescriptors() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, false, false);
        byte[] text = "packed".getBytes(StandardCharsets.US_ASCII);
        mem.write(Gpa.of(0x10000), text, 0, text.length);
        int a = d.add(readable(0x10000, 6));
        int b = d.add(readable(0x10000, 3), writable(0x20000, 64));
        DescriptorChain c = q.pop();
        assertThat(c.head()).isEqualTo(a);
        byte[] buf = new byte[6];
        c.readFrom(mem, 0, buf, 0, 6);
        assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("packed");
        q.addUsed(c.head(), 0);
        c = q.pop();
        assertThat(c.head()).isEqualTo(b);
        assertThat(c.readableBytes()).isEqualTo(3);
        assertThat(c.writableBytes()).isEqualTo(64);
        q.addUsed(c.head(), 10);
        assertThat(q.pop()).isNull();
        assertThat(d.takeUsed()).containsExactly(new PackedDriverQueue.Used(a, 0), new PackedDriverQueue.Used(b, 10));
        assertThat(q.nextUsed()).as("a 1-descriptor and a 2-descriptor buffer").isEqualTo(3);
    }

    @Test
    void wrapCountersFlipEachLapAndBuffersKeepFlowing() throws VirtQueueException {
        PackedDriverQueue d = driver(4);
        PackedVirtQueue q = device(d, false, false);
        for (int i = 0; i < 41; i++) {
            int id = d.add(writable(0x20000, 8), writable(0x20100, 8)); // 2 descriptors a buffer: a lap every 2
            DescriptorChain c = q.pop();
            assertThat(c.head()).isEqualTo(id);
            q.addUsed(id, 16);
            assertThat(d.takeUsed()).containsExactly(new PackedDriverQueue.Used(id, 16));
        }
        assertThat(q.availWrapCounter()).isEqualTo(d.wrapCounter());
        assertThat(q.nextAvail()).isEqualTo(d.nextAvail());
    }

    @Test
    void buffersMayBeReturnedOutOfOrder() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, false, false);
        int a = d.add(writable(0x20000, 8), writable(0x20100, 8));
        int b = d.add(writable(0x20200, 8));
        q.pop();
        q.pop();
        q.addUsed(b, 8);
        q.addUsed(a, 16);
        assertThat(d.takeUsed()).containsExactly(new PackedDriverQueue.Used(b, 8), new PackedDriverQueue.Used(a, 16));
    }

    @Test
    void driverEventSuppressionDecidesInterrupts() throws VirtQueueException {
        PackedDriverQueue d = driver(16);
        PackedVirtQueue q = device(d, true, false);
        d.setDriverEvent(PackedRing.EVENT_FLAGS_DISABLE, 0, true);
        d.add(writable(0x20000, 8));
        q.addUsed(q.pop().head(), 8);
        assertThat(q.needsNotification()).isFalse();
        // Interrupt once used passes descriptor 3 of this lap.
        d.setDriverEvent(PackedRing.EVENT_FLAGS_DESC, 3, true);
        boolean[] notified = new boolean[4];
        for (int i = 0; i < 4; i++) {
            d.add(writable(0x20000, 8));
            q.addUsed(q.pop().head(), 8);
            notified[i] = q.needsNotification();
        }
        assertThat(notified).containsExactly(false, false, true, false);
        d.setDriverEvent(PackedRing.EVENT_FLAGS_ENABLE, 0, true);
        d.add(writable(0x20000, 8));
        q.addUsed(q.pop().head(), 8);
        assertThat(q.needsNotification()).isTrue();
    }

    @Test
    void deviceEventSuppressionTellsTheDriverWhenToKick() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, true, false);
        q.disableNotification();
        assertThat(d.deviceEventFlags()).isEqualTo(PackedRing.EVENT_FLAGS_DISABLE);
        d.add(writable(0x20000, 8));
        assertThat(q.popOrEnableNotification()).isNotNull();
        assertThat(q.popOrEnableNotification()).isNull();
        assertThat(d.deviceEventFlags()).isEqualTo(PackedRing.EVENT_FLAGS_DESC);
        assertThat(d.deviceEventOffWrap()).isEqualTo(1 | 1 << PackedRing.EVENT_WRAP_BIT);
    }

    @Test
    void undoPopLeavesBuffersAvailable() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, false, false);
        int a = d.add(writable(0x20000, 8));
        int b = d.add(writable(0x20100, 8));
        q.pop();
        q.pop();
        q.undoPop(2);
        assertThat(q.pop().head()).isEqualTo(a);
        assertThat(q.pop().head()).isEqualTo(b);
    }

    @Test
    void indirectTableIsOneRingDescriptor() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, false, true);
        long table = 0x30000;
        mem.write64(Gpa.of(table), 0x10000);
        mem.write32(Gpa.of(table + 8), 3);
        mem.write64(Gpa.of(table + 16), 0x20000);
        mem.write32(Gpa.of(table + 24), 16);
        mem.write16(Gpa.of(table + 30), PackedRing.DESC_F_WRITE);
        d.writeDesc(0, table, 32, 5, d.availFlags() | PackedRing.DESC_F_INDIRECT);
        DescriptorChain c = q.pop();
        assertThat(c.head()).isEqualTo(5);
        assertThat(c.segments()).isEqualTo(2);
        assertThat(c.writableBytes()).isEqualTo(16);
        assertThat(q.nextAvail()).isEqualTo(1);
    }

    // ---- a driver that breaks the rules

    private VirtQueueError brokenBy(PackedVirtQueue q) {
        assertThatThrownBy(q::pop).isInstanceOf(VirtQueueException.class);
        assertThat(q.isBroken()).isTrue();
        return q.brokenBy();
    }

    @Test
    void bufferIdBeyondTheQueueBreaksIt() {
        PackedDriverQueue d = driver(8);
        d.writeDesc(0, 0x20000, 8, 99, d.availFlags() | PackedRing.DESC_F_WRITE);
        assertThat(brokenBy(device(d, false, false))).isEqualTo(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
    }

    @Test
    void anIdStillInFlightBreaksIt() throws VirtQueueException {
        PackedDriverQueue d = driver(8);
        PackedVirtQueue q = device(d, false, false);
        d.writeDesc(0, 0x20000, 8, 1, d.availFlags());
        d.writeDesc(1, 0x20000, 8, 1, d.availFlags());
        q.pop();
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void aBufferThatRunsIntoUnavailableDescriptorsBreaksIt() {
        PackedDriverQueue d = driver(8);
        d.writeDesc(0, 0x20000, 8, 0, d.availFlags() | PackedRing.DESC_F_NEXT);
        // descriptor 1 left unavailable
        assertThat(brokenBy(device(d, false, false))).isEqualTo(VirtQueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void aBufferAroundTheWholeRingBreaksIt() {
        PackedDriverQueue d = driver(4);
        for (int i = 0; i < 4; i++) {
            d.writeDesc(i, 0x20000, 8, 0, d.availFlags() | PackedRing.DESC_F_NEXT);
        }
        assertThat(brokenBy(device(d, false, false))).isEqualTo(VirtQueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void indirectWithoutTheFeatureBreaksIt() {
        PackedDriverQueue d = driver(8);
        d.writeDesc(0, 0x30000, 32, 0, d.availFlags() | PackedRing.DESC_F_INDIRECT);
        assertThat(brokenBy(device(d, false, false))).isEqualTo(VirtQueueError.BAD_INDIRECT);
    }

    @Test
    void usingAnIdNotInFlightBreaksIt() {
        PackedVirtQueue q = device(driver(8), false, false);
        assertThatThrownBy(() -> q.addUsed(3, 0)).isInstanceOfSatisfying(VirtQueueException.class,
                e -> assertThat(e.error()).isEqualTo(VirtQueueError.USED_WITHOUT_POP));
    }
}
