package dev.iovirt.vmm.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DirectDmaMemoryTest {
    private final HostMemory host = new HostMemory(64L << 20);
    private final MemoryAccount account = new MemoryAccount("vm");
    private final GuestPhysicalMemory gpm = new GuestPhysicalMemory(host, account);
    private final DirectDmaMemory dma = new DirectDmaMemory(gpm);

    DirectDmaMemoryTest() {
        gpm.addSlot(Gpa.of(0), 1L << 20, false, PageSize.SIZE_4K);
        gpm.addSlot(Gpa.of(2L << 20), 1L << 20, true, PageSize.SIZE_4K);
    }

    @Test
    void dmaAcrossAPageBoundaryLandsInBothBackingFrames() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        dma.write(Gpa.of(0x1FD0), data, 0, data.length);
        assertThat(dma.read32(Gpa.of(0x1FFE))).isEqualTo(0x3130_2F2E);
        byte[] back = new byte[100];
        dma.read(Gpa.of(0x1FD0), back, 0, 100);
        assertThat(back).isEqualTo(data);
        assertThat(gpm.slotFor(0x1000).backedPages()).isEqualTo(2);
        assertThat(account.frames()).isEqualTo(2);
    }

    @Test
    void dmaOutsideRamOrIntoRomIsAFaultNotAHostError() {
        assertThatThrownBy(() -> dma.write64(Gpa.of(1L << 20), 1)).isInstanceOf(DmaFaultException.class)
                .hasMessageContaining("outside guest RAM");
        assertThatThrownBy(() -> dma.write8(Gpa.of(2L << 20), 1)).isInstanceOf(DmaFaultException.class)
                .hasMessageContaining("read-only");
        assertThat(dma.read8(Gpa.of(2L << 20))).isZero();
    }

    @Test
    void overlappingSlotsAreRejected() {
        assertThatThrownBy(() -> gpm.addSlot(Gpa.of(0x8_0000), 1L << 20, false, PageSize.SIZE_4K))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
