package dev.iovirt.vmm.hv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.vmm.cost.CostModel;
import dev.iovirt.vmm.cost.VcpuStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostModelTest {
    @Test
    void overridesReplaceOnlyTheNamedCosts() {
        CostModel m = CostModel.defaults().withOverrides(Map.of("userSpaceExitCycles", 10_000L));
        assertThat(m.userSpaceExitCycles()).isEqualTo(10_000);
        assertThat(m.hypercallCycles()).isEqualTo(CostModel.defaults().hypercallCycles());
        VcpuStats s = new VcpuStats();
        s.userSpaceExits = 2;
        s.inKernelExits = 3;
        s.hypercalls = 1;
        s.walkReferences = 24;
        assertThat(m.cycles(s)).isEqualTo(2 * 10_000 + 1_300 + 2 * 2_600 + 24 * 12);
    }

    @Test
    void anUnknownCostNameIsRejectedWithTheValidNames() {
        assertThatThrownBy(() -> CostModel.defaults().withOverrides(Map.of("exitCycles", 1L)))
                .hasMessageContaining("exitCycles").hasMessageContaining("userSpaceExitCycles");
    }
}
