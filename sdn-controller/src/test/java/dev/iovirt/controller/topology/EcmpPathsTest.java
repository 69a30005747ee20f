package dev.iovirt.controller.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.controller.flow.FlowAction;
import dev.iovirt.controller.group.GroupBucket;
import dev.iovirt.controller.group.GroupRule;
import dev.iovirt.controller.group.GroupRules;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.openflow.PortNo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Equal-cost multipath over a topology built directly in the link store (no switches): a diamond A–B–D, A–C–D, plus a
 * longer detour A–E–F–D that is not a shortest path.
 */
class EcmpPathsTest {
    private static final DatapathId A = DatapathId.of(1);
    private static final DatapathId B = DatapathId.of(2);
    private static final DatapathId C = DatapathId.of(3);
    private static final DatapathId D = DatapathId.of(4);
    private static final DatapathId E = DatapathId.of(5);
    private static final DatapathId F = DatapathId.of(6);
    private static final DatapathId LONELY = DatapathId.of(9);
    private TopologyManager topology;

    private static Link link(DatapathId s, int sp, DatapathId d, int dp) {
        return new Link(new ConnectPoint(s, PortNo.of(sp)), new ConnectPoint(d, PortNo.of(dp)));
    }

    /** A cable: a link each way. */
    private void cable(DatapathId s, int sp, DatapathId d, int dp) {
        topology.learn(link(s, sp, d, dp));
        topology.learn(link(d, dp, s, sp));
    }

    @BeforeEach
    void diamond() {
        topology = new TopologyManager(null, null, Duration.ofMinutes(10));
        cable(A, 1, B, 1);
        cable(A, 2, C, 1);
        cable(B, 2, D, 1);
        cable(C, 2, D, 2);
        cable(A, 3, E, 1);
        cable(E, 2, F, 1);
        cable(F, 2, D, 3);
    }

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void diamondHasTwoEqualCostPathsInFirstHopOrderAndTheDetourIsNotOne() {
        assertThat(topology.paths(A, D)).containsExactly(
                List.of(link(A, 1, B, 1), link(B, 2, D, 1)),
                List.of(link(A, 2, C, 1), link(C, 2, D, 2)));
        assertThat(topology.paths(D, A)).containsExactly(
                List.of(link(D, 1, B, 2), link(B, 1, A, 1)),
                List.of(link(D, 2, C, 2), link(C, 1, A, 2)));
    }

    @Test
    void theSinglePathIsOneOfTheEqualCostPaths() {
        assertThat(topology.path(A, D)).hasValueSatisfying(p -> assertThat(topology.paths(A, D)).contains(p));
    }

    @Test
    void parallelCablesAreDistinctPaths() {
        cable(B, 3, D, 4);
        assertThat(topology.paths(B, D)).containsExactly(List.of(link(B, 2, D, 1)), List.of(link(B, 3, D, 4)));
    }

    @Test
    void ecmpSetBecomesASelectGroupWithABucketPerFirstHopWeightedByItsPaths() throws Exception {
        GroupRule g = EcmpGroups.select(7, topology.paths(A, D));
        assertThat(g).isEqualTo(new GroupRule(7, "select", List.of(
                new GroupBucket(1, null, List.of(FlowAction.output("1"))),
                new GroupBucket(1, null, List.of(FlowAction.output("2"))))));
        cable(B, 3, D, 4); // a second way from B: two of the three paths start with A's port 1
        assertThat(EcmpGroups.select(7, topology.paths(A, D)).buckets()).extracting(GroupBucket::weight).containsExactly(2, 1);
        assertThat(GroupRules.toAdd(EcmpGroups.select(7, topology.paths(A, D)), 1).groupType())
                .isEqualTo(dev.iovirt.openflow.GroupType.SELECT);
        assertThatThrownBy(() -> EcmpGroups.select(7, topology.paths(A, A))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EcmpGroups.select(7, topology.paths(A, LONELY))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void losingOneBranchLeavesOnePathAndItselfIsOneEmptyPath() {
        topology.remove(link(B, 2, D, 1));
        assertThat(topology.paths(A, D)).containsExactly(List.of(link(A, 2, C, 1), link(C, 2, D, 2)));
        assertThat(topology.paths(A, A)).containsExactly(List.of());
        assertThat(topology.paths(A, LONELY)).isEmpty();
    }
}
