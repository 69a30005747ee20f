package dev.iovirt.vmm.apic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MsiTest {
    @Test
    void decodesDestinationVectorAndModesFromTheSdmFormat() {
        // Address 0xFEE0_3008: destination ID 3 (bits 19:12), redirection hint (bit 3). Data 0x80F1: vector 0xF1, fixed, edge... level bit 15.
        Msi msi = Msi.decode(0xFEE0_3008L, 0x80F1);
        assertThat(msi).isEqualTo(new Msi(3, 0xF1, Msi.DELIVERY_FIXED, false, true));
        assertThat(Msi.decode(0xFEE0_5004L, 0x0130)).isEqualTo(new Msi(5, 0x30, Msi.DELIVERY_LOWEST_PRIORITY, true, false));
        assertThat(Msi.address(3)).isEqualTo(0xFEE0_3000L);
    }

    @Test
    void anAddressOutsideTheInterruptWindowIsNotAnMsi() {
        assertThat(Msi.isInterruptAddress(0xFED0_0000L)).isFalse();
        assertThatThrownBy(() -> Msi.decode(0xFED0_0000L, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
