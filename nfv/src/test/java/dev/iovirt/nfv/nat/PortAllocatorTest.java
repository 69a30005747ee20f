package dev.iovirt.nfv.nat;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {
    @Test
    void handsOutEveryPortOfAnOddSizedRangeOnceThenRefuses() {
        PortAllocator a = new PortAllocator(1000, 1000 + 99); // 100 ports: not a multiple of 64
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int p = a.allocate();
            assertTrue(p >= 1000 && p <= 1099, "port " + p);
            assertTrue(seen.add(p), "port handed out twice: " + p);
        }
        assertEquals(-1, a.allocate());
        a.release(1050);
        assertEquals(1050, a.allocate());
    }

    @Test
    void neverHandsOutAPortInUseUnderRandomChurn() {
        PortAllocator a = new PortAllocator(1024, 65535);
        Set<Integer> inUse = new HashSet<>();
        List<Integer> list = new ArrayList<>();
        Random r = new Random(3);
        for (int step = 0; step < 300_000; step++) {
            if (r.nextInt(3) > 0 || list.isEmpty()) {
                int p = a.allocate();
                if (p < 0) {
                    assertEquals(64512, inUse.size());
                    continue;
                }
                assertTrue(inUse.add(p), "in use: " + p);
                list.add(p);
            } else {
                int p = list.remove(r.nextInt(list.size()));
                inUse.remove(p);
                a.release(p);
            }
            assertEquals(inUse.size(), a.inUse());
        }
    }

    @Test
    void reservedPortsAreNeverHandedOut() {
        PortAllocator a = new PortAllocator(8000, 8003);
        a.reserve(8001);
        Set<Integer> got = new HashSet<>();
        for (int p; (p = a.allocate()) >= 0; ) {
            got.add(p);
        }
        assertEquals(Set.of(8000, 8002, 8003), got);
    }
}
