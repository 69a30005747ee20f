package dev.iovirt.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §1: guest code reaches the machine only through GuestCpu. From vmm-core it may import the
 * architectural interface and register-map constants, never a device, a bus, a VMCS or host memory;
 * from sriov only its {@code api} package (the VF driver's register maps), never a PF, VF or switch.
 */
class HardwareBoundaryTest {
    private static final List<String> ALLOWED = List.of(
            "dev.iovirt.vmm.arch.", // GuestCpu, GuestCode, X86
            "dev.iovirt.vmm.pci.Bdf", "dev.iovirt.vmm.pci.PciConfig", // addresses and config-space layout
            "dev.iovirt.vmm.dev.UartRegisters", // the UART register map
            "dev.iovirt.vmm.dev.e1000.api.", // the e1000 register map, EEPROM and descriptor layouts
            "dev.iovirt.sriov.api."); // the SR-IOV NIC's identity, VF register map, descriptors, mailbox messages

    @Test
    void guestSourcesImportOnlyTheArchitecturalInterfaceAndRegisterMaps() throws IOException {
        Pattern imp = Pattern.compile("^import\\s+(?:static\\s+)?(dev\\.iovirt\\.(?:vmm|sriov)\\.[\\w.]+)", Pattern.MULTILINE);
        Path root = Path.of("src/main/java");
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path p : sources) {
                Matcher m = imp.matcher(Files.readString(p));
                while (m.find()) {
                    String name = m.group(1);
                    assertThat(ALLOWED.stream().anyMatch(name::startsWith))
                            .as("%s imports %s", p, name).isTrue();
                }
            }
        }
    }
}
