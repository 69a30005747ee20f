package dev.iovirt.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.Hpa;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * With real threads: once {@link Iommu#unmap} returns, a device writing in a loop on its own thread has
 * no write in flight through the old translation (the invalidation drained it) and no later write gets
 * through. No sleeps: the test waits on the device's progress counter and joins it with a timeout.
 */
class ConcurrentInvalidationTest {
    @Test
    void noDmaLandsInAPageAfterItsUnmapReturns() throws Exception {
        for (int round = 0; round < 20; round++) {
            Rig rig = new Rig();
            Domain d = rig.iommu.createDomain();
            Hpa page = rig.frame();
            rig.iommu.map(d, Iova.of(0x7000), page, 4096, DmaPermission.READ_WRITE);
            rig.iommu.attach(Rig.NIC, d);
            DmaMemory dma = rig.iommu.dmaFor(Rig.NIC);
            AtomicLong writes = new AtomicLong();
            byte[] burst = new byte[4096];
            Thread device = Thread.ofPlatform().start(() -> {
                try {
                    for (long i = 1; ; i++) {
                        java.util.Arrays.fill(burst, (byte) i);
                        dma.write(Gpa.of(0x7000), burst, 0, burst.length); // a whole-page burst, several chunks of work
                        writes.set(i);
                    }
                } catch (DmaFaultException expected) {
                    // the unmap reached the device
                }
            });
            while (writes.get() < 3) {
                Thread.onSpinWait();
            }
            rig.iommu.unmap(d, Iova.of(0x7000), 4096);
            byte[] after = new byte[4096];
            rig.memory.read(page.value(), after, 0, after.length);
            device.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(device.isAlive()).isFalse();
            byte[] end = new byte[4096];
            rig.memory.read(page.value(), end, 0, end.length);
            assertThat(end).isEqualTo(after); // nothing landed after unmap returned
            byte first = after[0];
            for (byte b : after) {
                assertThat(b).isEqualTo(first); // and no burst was cut in half by the invalidation
            }
            assertThat(rig.iommu.faults()).singleElement().extracting(f -> f.reason().code).isEqualTo(0x5);
        }
    }
}
