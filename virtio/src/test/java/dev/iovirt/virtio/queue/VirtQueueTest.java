package dev.iovirt.virtio.queue;

import static dev.iovirt.virtio.testing.DriverQueue.Segment.readable;
import static dev.iovirt.virtio.testing.DriverQueue.Segment.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.virtio.testing.ArrayDmaMemory;
import dev.iovirt.virtio.testing.DriverQueue;
import dev.iovirt.vmm.mem.Gpa;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VirtQueueTest {
    static final int SIZE = 8;
    final ArrayDmaMemory mem = new ArrayDmaMemory(1 << 20);
    final DriverQueue driver = new DriverQueue(mem, 0x1000, SIZE);

    VirtQueue device(boolean eventIdx, boolean indirect) {
        return new SplitVirtQueue(mem, SIZE, driver.descGpa(), driver.availGpa(), driver.usedGpa(), eventIdx, indirect);
    }

    private void put(long addr, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        mem.write(Gpa.of(addr), b, 0, b.length);
    }

    private String get(long addr, int len) {
        byte[] b = new byte[len];
        mem.read(Gpa.of(addr), b, 0, len);
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void popTakesChainsInOrderAndAddUsedReturnsThem() throws VirtQueueException {
        VirtQueue q = device(false, false);
        assertThat(q.pop()).as("nothing available yet").isNull();
        put(0x10000, "hello ");
        put(0x10100, "world");
        int h1 = driver.add(readable(0x10000, 6), readable(0x10100, 5));
        int h2 = driver.add(writable(0x20000, 64));
        DescriptorChain c = q.pop();
        assertThat(c.head()).isEqualTo(h1);
        assertThat(c.readableBytes()).isEqualTo(11);
        byte[] buf = new byte[32];
        int n = c.readFrom(mem, 0, buf, 0, buf.length);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("hello world");
        q.addUsed(c.head(), 0);
        c = q.pop();
        assertThat(c.head()).isEqualTo(h2);
        assertThat(c.writableBytes()).isEqualTo(64);
        byte[] reply = "pong".getBytes(StandardCharsets.US_ASCII);
        assertThat(c.writeTo(mem, 0, reply, 0, reply.length)).isEqualTo(4);
        q.addUsed(c.head(), 4);
        assertThat(q.pop()).isNull();
        assertThat(driver.takeUsed()).containsExactly(new DriverQueue.Used(h1, 0), new DriverQueue.Used(h2, 4));
        assertThat(get(0x20000, 4)).isEqualTo("pong");
    }

    @Test
    void readsAndWritesSpanSegmentsWithAnOffset() throws VirtQueueException {
        VirtQueue q = device(false, false);
        put(0x10000, "abc");
        put(0x10010, "defgh");
        driver.add(readable(0x10000, 3), readable(0x10010, 5), writable(0x20000, 2), writable(0x20010, 10));
        DescriptorChain c = q.pop();
        byte[] buf = new byte[4];
        assertThat(c.readFrom(mem, 2, buf, 0, 4)).isEqualTo(4);
        assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("cdef");
        byte[] out = "0123456789AB".getBytes(StandardCharsets.US_ASCII);
        assertThat(c.writeTo(mem, 1, out, 0, out.length)).as("1 + 12 > 12 bytes of buffers").isEqualTo(11);
        assertThat(get(0x20000, 2)).isEqualTo("\0" + "0");
        assertThat(get(0x20010, 10)).isEqualTo("123456789A");
    }

    @Test
    void indirectTableIsFollowedWhenNegotiated() throws VirtQueueException {
        VirtQueue q = device(false, true);
        long table = 0x30000;
        put(0x10000, "xyz");
        // Two descriptors in the table: readable 3 bytes, then writable 16.
        mem.write64(Gpa.of(table), 0x10000);
        mem.write32(Gpa.of(table + 8), 3);
        mem.write16(Gpa.of(table + 12), SplitRing.DESC_F_NEXT);
        mem.write16(Gpa.of(table + 14), 1);
        mem.write64(Gpa.of(table + 16), 0x20000);
        mem.write32(Gpa.of(table + 24), 16);
        mem.write16(Gpa.of(table + 28), SplitRing.DESC_F_WRITE);
        driver.writeDesc(0, table, 32, SplitRing.DESC_F_INDIRECT, 0);
        driver.makeAvailable(0);
        DescriptorChain c = q.pop();
        assertThat(c.segments()).isEqualTo(2);
        assertThat(c.readableBytes()).isEqualTo(3);
        assertThat(c.writableBytes()).isEqualTo(16);
    }

    @Test
    void regressionIndicesWrapAt65536() throws VirtQueueException {
        VirtQueue q = device(true, false);
        for (int i = 0; i < 70_000; i++) {
            int head = driver.add(writable(0x20000, 8));
            DescriptorChain c = q.pop();
            assertThat(c.head()).isEqualTo(head);
            q.addUsed(c.head(), 8);
            assertThat(driver.takeUsed()).hasSize(1);
        }
        assertThat(q.nextAvail()).isEqualTo(70_000 & 0xFFFF);
        assertThat(driver.usedIdx()).isEqualTo(70_000 & 0xFFFF);
        assertThat(q.pop()).isNull();
    }

    @Test
    void withEventIdxTheDeviceInterruptsOnlyWhenUsedEventIsPassed() throws VirtQueueException {
        VirtQueue q = device(true, false);
        // The driver wants an interrupt only once 3 buffers have been used (used_event = 2).
        driver.setUsedEvent(2);
        for (int i = 0; i < 4; i++) {
            driver.add(writable(0x20000 + 64L * i, 64));
        }
        boolean[] notified = new boolean[4];
        for (int i = 0; i < 4; i++) {
            DescriptorChain c = q.pop();
            q.addUsed(c.head(), 10);
            notified[i] = q.needsNotification();
        }
        assertThat(notified).containsExactly(false, false, true, false);
    }

    @Test
    void withEventIdxTheDeviceSaysWhereItWantsTheNextKick() throws VirtQueueException {
        VirtQueue q = device(true, false);
        int before = driver.availIdxValue();
        driver.add(writable(0x20000, 8));
        assertThat(driver.kickNeeded(before)).as("avail_event 0: the first buffer needs a kick").isTrue();
        q.pop();
        assertThat(driver.availEvent()).isEqualTo(1);
        // While the device polls (notifications disabled), avail_event stays put: adding needs no kick.
        q.disableNotification();
        before = driver.availIdxValue();
        driver.add(writable(0x20000, 8));
        driver.add(writable(0x20000, 8));
        q.pop();
        q.pop();
        assertThat(driver.availEvent()).isEqualTo(1);
        before = driver.availIdxValue();
        driver.add(writable(0x20000, 8));
        assertThat(driver.kickNeeded(before)).as("3 -> 4 does not cross avail_event 1").isFalse();
        // popOrEnableNotification finds it and re-arms at the new position.
        assertThat(q.popOrEnableNotification()).isNotNull();
        assertThat(q.popOrEnableNotification()).isNull();
        assertThat(driver.availEvent()).isEqualTo(4);
    }

    @Test
    void withoutEventIdxNoInterruptFlagAndNoNotifyFlagAreHonoured() throws VirtQueueException {
        VirtQueue q = device(false, false);
        driver.add(writable(0x20000, 8));
        usePopped(q);
        assertThat(q.needsNotification()).isTrue();
        assertThat(q.needsNotification()).as("nothing new used").isFalse();
        driver.setAvailFlags(SplitRing.AVAIL_F_NO_INTERRUPT);
        driver.add(writable(0x20000, 8));
        usePopped(q);
        assertThat(q.needsNotification()).isFalse();
        q.disableNotification();
        assertThat(driver.usedFlags()).isEqualTo(SplitRing.USED_F_NO_NOTIFY);
        q.enableNotification();
        assertThat(driver.usedFlags()).isZero();
    }

    private static void usePopped(VirtQueue q) throws VirtQueueException {
        DescriptorChain c = q.pop();
        q.addUsed(c.head(), 0);
    }

    // ---- a driver that breaks the rules: every case stops the queue with its reason, no other exception

    private VirtQueueError brokenBy(VirtQueue q) {
        assertThatThrownBy(q::pop).isInstanceOf(VirtQueueException.class);
        assertThat(q.isBroken()).isTrue();
        try {
            assertThat(q.pop()).as("a broken queue pops nothing").isNull();
        } catch (VirtQueueException e) {
            throw new AssertionError(e);
        }
        return q.brokenBy();
    }

    @Test
    void descriptorLoopBreaksTheQueue() {
        VirtQueue q = device(false, false);
        driver.writeDesc(0, 0x20000, 8, SplitRing.DESC_F_NEXT, 1);
        driver.writeDesc(1, 0x20000, 8, SplitRing.DESC_F_NEXT, 0);
        driver.makeAvailable(0);
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.DESCRIPTOR_LOOP);
    }

    @Test
    void headOrNextOutOfRangeBreaksTheQueue() {
        VirtQueue q = device(false, false);
        driver.makeAvailable(SIZE);
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
        VirtQueue q2 = new SplitVirtQueue(mem, SIZE, driver.descGpa(), driver.availGpa(), driver.usedGpa(), false, false);
        driver.writeDesc(0, 0x20000, 8, SplitRing.DESC_F_NEXT, 200);
        driver.setAvailIdx(0);
        driver.makeAvailable(0);
        assertThat(brokenBy(q2)).isEqualTo(VirtQueueError.DESCRIPTOR_INDEX_OUT_OF_RANGE);
    }

    @Test
    void availIdxJumpingMoreThanTheQueueSizeBreaksTheQueue() {
        VirtQueue q = device(false, false);
        driver.setAvailIdx(SIZE + 1);
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.AVAIL_IDX_JUMP);
    }

    @Test
    void readableAfterWritableBreaksTheQueue() {
        VirtQueue q = device(false, false);
        driver.add(writable(0x20000, 8), readable(0x20100, 8));
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.READABLE_AFTER_WRITABLE);
    }

    @Test
    void indirectWithoutTheFeatureOrWithNextOrNestedBreaksTheQueue() {
        driver.writeDesc(0, 0x30000, 32, SplitRing.DESC_F_INDIRECT, 0);
        driver.makeAvailable(0);
        assertThat(brokenBy(device(false, false))).isEqualTo(VirtQueueError.BAD_INDIRECT);

        driver.setAvailIdx(0);
        driver.writeDesc(0, 0x30000, 32, SplitRing.DESC_F_INDIRECT | SplitRing.DESC_F_NEXT, 1);
        driver.makeAvailable(0);
        assertThat(brokenBy(device(false, true))).isEqualTo(VirtQueueError.BAD_INDIRECT);

        driver.setAvailIdx(0);
        driver.writeDesc(0, 0x30000, 20, SplitRing.DESC_F_INDIRECT, 0); // not a whole number of descriptors
        driver.makeAvailable(0);
        assertThat(brokenBy(device(false, true))).isEqualTo(VirtQueueError.BAD_INDIRECT);

        driver.setAvailIdx(0);
        mem.write64(Gpa.of(0x30000), 0x31000);
        mem.write32(Gpa.of(0x30008), 16);
        mem.write16(Gpa.of(0x3000C), SplitRing.DESC_F_INDIRECT);
        driver.writeDesc(0, 0x30000, 16, SplitRing.DESC_F_INDIRECT, 0);
        driver.makeAvailable(0);
        assertThat(brokenBy(device(false, true))).isEqualTo(VirtQueueError.BAD_INDIRECT);
    }

    @Test
    void lengthsThatOverflowBreakTheQueue() {
        VirtQueue q = device(false, false);
        driver.add(writable(0x20000, -1), writable(0x20000, 2)); // 0xFFFFFFFF + 2
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.LENGTH_OVERFLOW);
    }

    @Test
    void ringsOutsideGuestMemoryBreakTheQueue() {
        VirtQueue q = new SplitVirtQueue(mem, SIZE, Gpa.of(0x1000), Gpa.of(mem.size() + 4096L), Gpa.of(0x3000), false, false);
        assertThatThrownBy(q::pop).isInstanceOfSatisfying(VirtQueueException.class,
                e -> assertThat(e.error()).isEqualTo(VirtQueueError.RING_OUT_OF_MEMORY));
    }

    @Test
    void buffersOutsideGuestMemoryFailTheCopyNotTheHost() throws VirtQueueException {
        VirtQueue q = device(false, false);
        driver.add(readable(mem.size() - 4L, 64));
        DescriptorChain c = q.pop();
        assertThatThrownBy(() -> c.readFrom(mem, 0, new byte[64], 0, 64)).isInstanceOfSatisfying(VirtQueueException.class,
                e -> assertThat(e.error()).isEqualTo(VirtQueueError.BUFFER_OUT_OF_MEMORY));
    }

    @Test
    void usingWhatWasNeverPoppedBreaksTheQueue() {
        VirtQueue q = device(false, false);
        assertThatThrownBy(() -> q.addUsed(0, 0)).isInstanceOfSatisfying(VirtQueueException.class,
                e -> assertThat(e.error()).isEqualTo(VirtQueueError.USED_WITHOUT_POP));
    }

    @Test
    void chainLongerThanTheQueueIsALoop() {
        VirtQueue q = device(false, false);
        // 8 descriptors chained 0->1->...->7->0 with NEXT everywhere.
        for (int i = 0; i < SIZE; i++) {
            driver.writeDesc(i, 0x20000, 8, SplitRing.DESC_F_NEXT, (i + 1) % SIZE);
        }
        driver.makeAvailable(3);
        assertThat(brokenBy(q)).isEqualTo(VirtQueueError.DESCRIPTOR_LOOP);
    }
}
