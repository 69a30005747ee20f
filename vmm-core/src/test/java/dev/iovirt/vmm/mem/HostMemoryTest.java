package dev.iovirt.vmm.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostMemoryTest {
    private final HostMemory memory = new HostMemory(8L << 20);
    private final MemoryAccount account = new MemoryAccount("t");

    @Test
    void untouchedFramesReadAsZeroAndHaveNoStorage() {
        Hpa f = memory.allocateFrame(account);
        assertThat(memory.read64(f)).isZero();
        assertThat(memory.framesMaterialized()).isZero();
        memory.write64(f.plus(8), 0x1122_3344_5566_7788L);
        assertThat(memory.read8(f.value() + 8)).isEqualTo(0x88); // little-endian
        assertThat(memory.read32(f.value() + 12)).isEqualTo(0x1122_3344);
        assertThat(memory.framesMaterialized()).isEqualTo(1);
    }

    @Test
    void largePagesAreAlignedAndSkippedFramesAreReused() {
        memory.allocateFrame(account);
        Hpa big = memory.allocatePage(PageSize.SIZE_2M, account);
        assertThat(big.value() & PageSize.SIZE_2M.offsetMask).isZero();
        assertThat(account.frames()).isEqualTo(1 + 512);
        Hpa reused = memory.allocateFrame(account);
        assertThat(reused.value()).isLessThan(big.value()); // a frame skipped for alignment
    }

    @Test
    void freedFramesComeBackZeroed() {
        Hpa f = memory.allocateFrame(account);
        memory.write64(f, -1L);
        memory.free(f, PageSize.SIZE_4K, account);
        assertThat(account.frames()).isZero();
        Hpa again = memory.allocateFrame(account);
        assertThat(again).isEqualTo(f);
        assertThat(memory.read64(again)).isZero();
    }

    @Test
    void exhaustionIsAnOutOfHostMemoryError() {
        HostMemory tiny = new HostMemory(2L << 20);
        for (int i = 0; i < 511; i++) {
            tiny.allocateFrame(account);
        }
        assertThatThrownBy(() -> tiny.allocateFrame(account)).isInstanceOf(OutOfHostMemoryException.class);
    }

    @Test
    void accessesCrossingAFrameOrLeavingMemoryAreRejected() {
        assertThatThrownBy(() -> memory.read64(4092)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memory.read8(8L << 20)).isInstanceOf(IllegalArgumentException.class);
    }
}
