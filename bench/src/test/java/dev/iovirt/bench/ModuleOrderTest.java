package dev.iovirt.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md §2 as a test: each module uses only the modules before it, vswitch and the controller
 * never use each other, and the guest reaches devices only through their public register maps and
 * layouts, never their implementation packages. It reads the compiled classes of every module on
 * this module's class path (bench depends on all of them).
 */
class ModuleOrderTest {
    /** Module → root package, in the order of DESIGN §2. */
    static final List<String[]> ORDER = List.of(
            new String[] {"packet", "dev.iovirt.packet"},
            new String[] {"openflow", "dev.iovirt.openflow"},
            new String[] {"vmm-core", "dev.iovirt.vmm"},
            new String[] {"iommu", "dev.iovirt.iommu"},
            new String[] {"virtio", "dev.iovirt.virtio"},
            new String[] {"sriov", "dev.iovirt.sriov"},
            new String[] {"guest", "dev.iovirt.guest"},
            new String[] {"vswitch", "dev.iovirt.vswitch"},
            new String[] {"sdn-controller", "dev.iovirt.controller"},
            new String[] {"nfv", "dev.iovirt.nfv"},
            new String[] {"platform", "dev.iovirt.platform"},
            new String[] {"examples", "dev.iovirt.examples"},
            new String[] {"bench", "dev.iovirt.bench"});

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.iovirt");
    }

    @Test
    void everyModuleUsesOnlyTheModulesBeforeIt() {
        for (int i = 0; i < ORDER.size(); i++) {
            String[] later = ORDER.subList(i + 1, ORDER.size()).stream().map(m -> m[1] + "..").toArray(String[]::new);
            if (later.length == 0) {
                continue;
            }
            noClasses().that().resideInAPackage(ORDER.get(i)[1] + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(later)
                    .because("DESIGN §2: " + ORDER.get(i)[0] + " may use only " + Arrays.toString(
                            ORDER.subList(0, i).stream().map(m -> m[0]).toArray()))
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void vswitchAndControllerShareOnlyTheOpenflowCodec() {
        noClasses().that().resideInAPackage("dev.iovirt.controller..")
                .should().dependOnClassesThat().resideInAPackage("dev.iovirt.vswitch..")
                .because("DESIGN §2: vswitch and sdn-controller speak only OpenFlow over a socket")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void guestUsesNoDeviceImplementation() {
        noClasses().that().resideInAPackage("dev.iovirt.guest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.iovirt.vmm..impl..", "dev.iovirt.iommu..impl..",
                        "dev.iovirt.virtio..impl..", "dev.iovirt.sriov..impl..")
                .because("DESIGN §1: a guest shares only memory bytes, register accesses and interrupts with devices")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void guestCodeHoldsNoDeviceObject() {
        // DESIGN §1: a guest reaches a device only through memory, register accesses and interrupts. Its
        // code may use register maps and ring layouts (constants, records) but no device model, queue
        // implementation or host-side port.
        noClasses().that().resideInAPackage("dev.iovirt.guest..")
                .should().dependOnClassesThat().areAssignableTo(dev.iovirt.vmm.pci.PciFunction.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.vmm.io.MmioDevice.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.vmm.io.PioDevice.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.virtio.VirtioDevice.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.virtio.queue.VirtQueue.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.packet.FramePort.class)
                .orShould().dependOnClassesThat().areAssignableTo(dev.iovirt.vmm.mem.DmaMemory.class)
                .because("DESIGN §1: guest and device share only memory bytes, register accesses and interrupts")
                .check(classes);
    }

    @Test
    void theRuleCatchesAViolation() {
        // Guard against a rule that can never fail: packet classes exist, and platform depends on packet,
        // so "packet must not use platform" holds while "platform must not use packet" must be reported.
        JavaClasses platform = classes.that(com.tngtech.archunit.base.DescribedPredicate.describe("platform",
                c -> c.getPackageName().startsWith("dev.iovirt.platform")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                noClasses().that().resideInAPackage("dev.iovirt.platform..")
                        .should().dependOnClassesThat().resideInAPackage("dev.iovirt.packet..")
                        .check(platform))
                .isInstanceOf(AssertionError.class);
    }
}
