package dev.iovirt.platform.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UnderlayFrameTest {
    @Test
    void aDatagramBecomesEthernetIpv4UdpWithAValidHeaderChecksumAndPort4789() {
        byte[] payload = new byte[8 + 60];
        payload[0] = 0x08; // VXLAN I flag
        UnderlayFrame frames = new UnderlayFrame();
        byte[] f = frames.frame(new InetSocketAddress("127.0.0.11", 40000), new InetSocketAddress("127.0.0.12", 41000), payload, 0,
                payload.length);

        assertThat(f).hasSize(UnderlayFrame.OVERHEAD + payload.length);
        assertThat(new byte[] {f[0], f[1], f[2], f[3], f[4], f[5]}).containsExactly(0x02, 0x00, 127, 0, 0, 12);
        assertThat(new byte[] {f[6], f[7], f[8], f[9], f[10], f[11]}).containsExactly(0x02, 0x00, 127, 0, 0, 11);
        assertThat(UnderlayFrame.checksum(f, 14, 20)).as("a valid IPv4 header sums to 0").isZero();
        assertThat(((f[16] & 0xFF) << 8) | (f[17] & 0xFF)).as("total length").isEqualTo(20 + 8 + payload.length);
        assertThat(((f[34] & 0xFF) << 8) | (f[35] & 0xFF)).as("source port: the sender's").isEqualTo(40000);
        assertThat(((f[36] & 0xFF) << 8) | (f[37] & 0xFF)).as("destination port").isEqualTo(4789);
        assertThat(((f[38] & 0xFF) << 8) | (f[39] & 0xFF)).as("UDP length").isEqualTo(8 + payload.length);
        assertThat(f[42]).isEqualTo((byte) 0x08);

        byte[] second = frames.frame(new InetSocketAddress("127.0.0.11", 40000), new InetSocketAddress("127.0.0.12", 41000), payload, 0,
                payload.length);
        assertThat(((second[18] & 0xFF) << 8) | (second[19] & 0xFF)).as("identification counts").isEqualTo(1);
    }
}
