package dev.iovirt.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void sizesAreBinary() {
        assertThat(Units.size("memory", "256MiB")).isEqualTo(256L << 20);
        assertThat(Units.size("memory", "1GiB")).isEqualTo(1L << 30);
        assertThat(Units.size("memory", "4096B")).isEqualTo(4096);
        assertThat(Units.formatSize(256L << 20)).isEqualTo("256MiB");
        assertThat(Units.formatSize(1536)).isEqualTo("1536B");
    }

    @Test
    void decimalOrMissingSizeUnitsSayWhatToWrite() {
        assertThatThrownBy(() -> Units.size("memory", "1GB")).hasMessage("memory '1GB' has an unknown unit 'GB' — sizes are binary: write 1GiB");
        assertThatThrownBy(() -> Units.size("memory", "512")).hasMessageStartingWith("memory '512' has no unit — write a whole number");
        assertThatThrownBy(() -> Units.size("memory", "lots")).hasMessageStartingWith("memory 'lots' is not a size");
        assertThatThrownBy(() -> Units.size("memory", "99999999999999TiB")).hasMessage("memory '99999999999999TiB' is too large");
    }

    @Test
    void durations() {
        assertThat(Units.duration("d", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Units.duration("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.duration("d", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.duration("d", "200us")).isEqualTo(Duration.ofNanos(200_000));
        assertThat(Units.duration("d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Units.duration("duration", "2")).hasMessageStartingWith("duration '2' has no unit");
        assertThatThrownBy(() -> Units.duration("duration", "0.5ns")).hasMessage("duration '0.5ns' is finer than a nanosecond");
    }

    @Test
    void ratesInPacketsOrBitsWithDecimalMultipliers() {
        assertThat(Units.rate("r", "10000pps")).isEqualTo(Rate.pps(10_000));
        assertThat(Units.rate("r", "10kpps")).isEqualTo(Rate.pps(10_000));
        assertThat(Units.rate("r", "1.5Mpps")).isEqualTo(Rate.pps(1_500_000));
        assertThat(Units.rate("r", "1Gbps")).isEqualTo(Rate.bps(1_000_000_000L));
        assertThat(Rate.pps(10_000)).hasToString("10kpps");
        assertThat(Rate.bps(1_000_000_000L)).hasToString("1Gbps");
        assertThatThrownBy(() -> Units.rate("rate", "1GBps")).hasMessageContaining("bytes per second");
        assertThatThrownBy(() -> Units.rate("rate", "10xps")).hasMessageContaining("unknown unit 'xps'");
        assertThatThrownBy(() -> Units.rate("rate", "10Bps")).hasMessageContaining("bytes per second");
        assertThatThrownBy(() -> Units.rate("rate", "0pps")).hasMessage("rate '0pps' must be at least 1pps");
    }

    @Test
    void lossIsAPercentage() {
        assertThat(Units.percent("loss", "0.5%")).isEqualTo(0.5);
        assertThat(Units.percent("loss", "100%")).isEqualTo(100.0);
        assertThatThrownBy(() -> Units.percent("loss", "101%")).hasMessage("loss '101%' is more than 100%");
    }

    @Test
    void suggestionsAreNearAndUnambiguous() {
        assertThat(Suggest.closest("hots", java.util.List.of("hosts", "vms"))).contains("hosts");
        assertThat(Suggest.closest("nics", java.util.List.of("nic", "name"))).contains("nic");
        assertThat(Suggest.closest("hv3", java.util.List.of("hv1", "hv2"))).isEmpty();
        assertThat(Suggest.closest("network", java.util.List.of("subnet"))).isEmpty();
        assertThat(Suggest.distance("vritio", "virtio")).isEqualTo(1);
    }

    @Test
    void subnetsRefuseHostBitsAndKnowTheirEnds() {
        Subnet s = Subnet.parse("10.0.1.0/24");
        assertThat(s.broadcast()).hasToString("10.0.1.255");
        assertThat(s.contains(dev.iovirt.packet.Ipv4Address.of("10.0.1.7"))).isTrue();
        assertThatThrownBy(() -> Subnet.parse("10.0.1.1/24")).hasMessage("subnet '10.0.1.1/24' has host bits set — did you mean '10.0.1.0/24'?");
        assertThatThrownBy(() -> Subnet.parse("10.0.1.0")).hasMessageContaining("CIDR");
    }
}
