package dev.iovirt.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void macAddressParsesFormatsAndClassifies() {
        MacAddress m = MacAddress.of("01:00:5E:00:00:FB");
        assertThat(m.toString()).isEqualTo("01:00:5e:00:00:fb");
        assertThat(m.isMulticast()).isTrue();
        assertThat(MacAddress.of("02-00-00-00-00-01").isLocallyAdministered()).isTrue();
        assertThat(MacAddress.BROADCAST.isBroadcast()).isTrue();
        assertThatThrownBy(() -> MacAddress.of("02:00:00:00:00")).hasMessageContaining("six octets");
        assertThatThrownBy(() -> MacAddress.of("02:00:00:00:00:zz")).hasMessageContaining("bad octet 'zz'");
    }

    @Test
    void ipv4AddressParsesAndChecksPrefixes() {
        Ipv4Address a = Ipv4Address.of("10.0.1.200");
        assertThat(a.toString()).isEqualTo("10.0.1.200");
        assertThat(a.isIn(Ipv4Address.of("10.0.1.0"), 24)).isTrue();
        assertThat(a.isIn(Ipv4Address.of("10.0.2.0"), 24)).isFalse();
        assertThat(Ipv4Address.of("255.255.255.255")).isEqualTo(Ipv4Address.BROADCAST);
        assertThatThrownBy(() -> Ipv4Address.of("10.0.0.256")).hasMessageContaining("bad octet '256'");
        assertThatThrownBy(() -> Ipv4Address.of("10.0.0")).hasMessageContaining("a.b.c.d");
    }

    @Test
    void ipv6AddressFormatsCanonically() {
        assertThat(Ipv6Address.of("2001:0db8:0000:0000:0000:0000:0000:0001").toString()).isEqualTo("2001:db8::1");
        assertThat(Ipv6Address.of("fe80::1:0:0:1").toString()).isEqualTo("fe80::1:0:0:1");
        assertThat(Ipv6Address.of("::").toString()).isEqualTo("::");
        assertThat(Ipv6Address.of("2001:db8:0:1:1:1:1:1").toString()).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Ipv6Address.of("ff02::1").isMulticast()).isTrue();
        assertThatThrownBy(() -> Ipv6Address.of("example.com")).hasMessageContaining("not an IPv6 address");
    }

    @Test
    void vlanAndVniAreRangeChecked() {
        assertThat(VlanId.of(4095).value()).isEqualTo(4095);
        assertThatThrownBy(() -> VlanId.of(4096)).hasMessageContaining("0..4095");
        assertThatThrownBy(() -> Vni.of(1 << 24)).hasMessageContaining("24 bits");
    }
}
