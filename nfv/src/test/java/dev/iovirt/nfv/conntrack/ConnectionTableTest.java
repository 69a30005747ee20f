package dev.iovirt.nfv.conntrack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
    private static final long FAR = Long.MAX_VALUE;

    @Test
    void connectionIsFoundByBothTuplesWithTheirDirection() {
        ConnectionTable t = new ConnectionTable(16);
        int e = t.open(1, 2, 3, 4, 0, 0, FAR);
        assertEquals(e << 1 | ConnectionTable.ORIGINAL, t.lookup(1, 2, 0));
        assertEquals(e << 1 | ConnectionTable.REPLY, t.lookup(3, 4, 0));
        assertEquals(-1, t.lookup(1, 4, 0));
    }

    @Test
    void fullTableRefusesAndCounts() {
        ConnectionTable t = new ConnectionTable(2);
        assertTrue(t.open(1, 1, 2, 2, 0, 0, FAR) >= 0);
        assertTrue(t.open(3, 3, 4, 4, 0, 0, FAR) >= 0);
        assertEquals(-1, t.open(5, 5, 6, 6, 0, 0, FAR));
        assertEquals(1, t.refusedFull());
        assertEquals(2, t.size());
    }

    @Test
    void lookupOfAnExpiredEntryRemovesItAndMisses() {
        ConnectionTable t = new ConnectionTable(4);
        t.open(1, 1, 2, 2, 0, 0, 100);
        assertTrue(t.lookup(1, 1, 99) >= 0);
        assertEquals(-1, t.lookup(2, 2, 100));
        assertEquals(0, t.size());
        assertEquals(1, t.expired());
    }

    @Test
    void sweepRemovesOnlyExpiredEntriesAndKeepsTheOthersFindable() {
        ConnectionTable t = new ConnectionTable(64);
        for (int i = 0; i < 50; i++) {
            t.open(i, 10, i, 20, 0, 0, i % 2 == 0 ? 100 : 1_000);
        }
        assertEquals(25, t.expire(500, 1_000));
        assertEquals(25, t.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i % 2 == 1, t.lookup(i, 10, 500) >= 0, "entry " + i);
            assertEquals(i % 2 == 1, t.lookup(i, 20, 500) >= 0, "entry " + i);
        }
    }

    /** Random opens and removals against a HashMap: backward-shift deletion and swap-removal keep every key findable. */
    @Test
    void agreesWithAReferenceMapUnderRandomChurn() {
        ConnectionTable t = new ConnectionTable(512);
        Map<Long, Long> reference = new HashMap<>(); // original addresses -> reply addresses (ports fixed)
        Random random = new Random(7);
        for (int step = 0; step < 200_000; step++) {
            long a = random.nextInt(2_000);
            if (random.nextBoolean()) {
                if (!reference.containsKey(a) && t.size() < 512) {
                    assertTrue(t.open(a, 1, a + 1_000_000, 2, 0, 0, FAR) >= 0);
                    reference.put(a, a + 1_000_000);
                }
            } else if (reference.containsKey(a)) {
                int h = t.lookup(a, 1, 0);
                assertTrue(h >= 0);
                t.remove(h >>> 1);
                reference.remove(a);
            }
        }
        assertEquals(reference.size(), t.size());
        for (Map.Entry<Long, Long> m : reference.entrySet()) {
            int h = t.lookup(m.getKey(), 1, 0);
            assertEquals(ConnectionTable.ORIGINAL, h & 1);
            assertEquals(m.getValue(), t.replyAddresses(h >>> 1));
            assertEquals(h ^ 1, t.lookup(m.getValue(), 2, 0));
        }
    }

    @Test
    void removalListenerSeesTheEntryBeforeItGoes() {
        ConnectionTable t = new ConnectionTable(4);
        long[] seen = new long[1];
        t.setRemovalListener((table, e) -> seen[0] = table.replyPorts(e));
        t.open(1, 1, 2, 42, 0, 0, 10);
        t.expire(10, 4);
        assertEquals(42, seen[0]);
    }
}
