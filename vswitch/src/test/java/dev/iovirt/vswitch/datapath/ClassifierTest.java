package dev.iovirt.vswitch.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.vswitch.datapath.FlowWords.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassifierTest {
    private static long[] key(long inPort, long ethType, int nwDst, int tpDst) {
        long[] k = new long[FlowWords.WORDS];
        Field.IN_PORT.set(k, 0, inPort);
        Field.ETH_TYPE.set(k, 0, ethType);
        Field.NW_DST.set(k, 0, nwDst & 0xFFFF_FFFFL);
        Field.TP_DST.set(k, 0, tpDst);
        return k;
    }

    @Test
    void highestPriorityMatchingRuleWins() {
        Classifier<String> c = new Classifier<>();
        c.insert(FlowMatch.any(), 0, "miss");
        c.insert(FlowMatch.builder().exact(Field.ETH_TYPE, 0x0800).build(), 10, "ip");
        c.insert(FlowMatch.builder().exact(Field.ETH_TYPE, 0x0800).prefix(Field.NW_DST, 0x0A000100, 24).build(), 20, "10.0.1/24");
        c.insert(FlowMatch.builder().exact(Field.ETH_TYPE, 0x0800).exact(Field.TP_DST, 53).build(), 30, "dns");
        assertThat(c.lookup(key(1, 0x0800, 0x0A000105, 53), 0, null).payload()).isEqualTo("dns");
        assertThat(c.lookup(key(1, 0x0800, 0x0A000105, 80), 0, null).payload()).isEqualTo("10.0.1/24");
        assertThat(c.lookup(key(1, 0x0800, 0x0A000205, 80), 0, null).payload()).isEqualTo("ip");
        assertThat(c.lookup(key(1, 0x0806, 0, 0), 0, null).payload()).isEqualTo("miss");
        assertThat(c.subtableCount()).isEqualTo(4);
    }

    @Test
    void removingARuleRestoresTheNextBestAnswer() {
        Classifier<String> c = new Classifier<>();
        var low = c.insert(FlowMatch.builder().exact(Field.IN_PORT, 1).build(), 1, "low");
        var high = c.insert(FlowMatch.builder().exact(Field.IN_PORT, 1).build(), 5, "high");
        assertThat(c.lookup(key(1, 0, 0, 0), 0, null)).isSameAs(high);
        assertThat(c.remove(high)).isTrue();
        assertThat(c.remove(high)).as("second removal").isFalse();
        assertThat(c.lookup(key(1, 0, 0, 0), 0, null)).isSameAs(low);
        assertThat(c.remove(low)).isTrue();
        assertThat(c.lookup(key(1, 0, 0, 0), 0, null)).isNull();
        assertThat(c.size()).isZero();
        assertThat(c.subtableCount()).isZero();
    }

    @Test
    void findReturnsTheRuleWithExactlyThatMatchAndPriority() {
        Classifier<String> c = new Classifier<>();
        FlowMatch m = FlowMatch.builder().exact(Field.TP_DST, 80).build();
        var r = c.insert(m, 7, "web");
        assertThat(c.find(FlowMatch.builder().exact(Field.TP_DST, 80).build(), 7)).isSameAs(r);
        assertThat(c.find(m, 8)).isNull();
        assertThat(c.find(FlowMatch.builder().exact(Field.TP_DST, 81).build(), 7)).isNull();
    }

    @Test
    void higherPrioritySubtableHitStopsTheSearchAndLeavesOtherFieldsWildcarded() {
        Classifier<String> c = new Classifier<>();
        c.insert(FlowMatch.builder().exact(Field.IN_PORT, 1).build(), 100, "port1");
        c.insert(FlowMatch.builder().exact(Field.TP_DST, 80).build(), 10, "web");
        long[] wc = new long[FlowWords.WORDS];
        assertThat(c.lookup(key(1, 0x0800, 0, 80), 0, wc).payload()).isEqualTo("port1");
        assertThat(Field.IN_PORT.get(wc, 0)).isEqualTo(0xFFFF_FFFFL);
        assertThat(Field.TP_DST.get(wc, 0)).as("the lower subtable was never probed").isZero();

        wc = new long[FlowWords.WORDS];
        assertThat(c.lookup(key(2, 0x0800, 0, 80), 0, wc).payload()).isEqualTo("web");
        assertThat(Field.IN_PORT.get(wc, 0)).as("a miss on port 1 depends on in_port").isEqualTo(0xFFFF_FFFFL);
        assertThat(Field.TP_DST.get(wc, 0)).isEqualTo(0xFFFF);
    }

    /** Rules over four fields with random masks and small value domains, so that many overlap. */
    private static List<Object[]> randomRules(Random r, int n) {
        List<Object[]> rules = new ArrayList<>();
        Set<Integer> priorities = new HashSet<>();
        for (int i = 0; i < n; i++) {
            FlowMatch.Builder b = FlowMatch.builder();
            if (r.nextInt(3) == 0) {
                b.exact(Field.IN_PORT, 1 + r.nextInt(4));
            }
            if (r.nextInt(2) == 0) {
                b.exact(Field.ETH_TYPE, r.nextBoolean() ? 0x0800 : 0x86DD);
            }
            if (r.nextInt(2) == 0) {
                b.prefix(Field.NW_DST, 0x0A000000 | r.nextInt(4) << 8 | r.nextInt(4), 16 + r.nextInt(17));
            }
            if (r.nextInt(3) == 0) {
                b.masked(Field.TP_DST, r.nextInt(8), r.nextBoolean() ? 0xFFFF : 0x0006);
            }
            int p;
            do {
                p = r.nextInt(100_000);
            } while (!priorities.add(p));
            rules.add(new Object[] {b.build(), p});
        }
        return rules;
    }

    private static long[] randomKey(Random r) {
        return key(1 + r.nextInt(4), r.nextBoolean() ? 0x0800 : 0x86DD, 0x0A000000 | r.nextInt(4) << 8 | r.nextInt(4), r.nextInt(8));
    }

    private static Integer linearScan(List<Object[]> rules, long[] k) {
        Integer best = null;
        for (Object[] rule : rules) {
            int p = (Integer) rule[1];
            if (((FlowMatch) rule[0]).matches(k, 0) && (best == null || p > best)) {
                best = p;
            }
        }
        return best;
    }

    @Test
    void randomizedLookupsAgreeWithALinearScanBeforeAndAfterRemovals() {
        Random r = new Random(20261121);
        List<Object[]> rules = randomRules(r, 400);
        Classifier<Integer> c = new Classifier<>();
        List<Classifier.Rule<Integer>> installed = new ArrayList<>();
        for (Object[] rule : rules) {
            installed.add(c.insert((FlowMatch) rule[0], (Integer) rule[1], (Integer) rule[1]));
        }
        for (int i = 0; i < 3000; i++) {
            long[] k = randomKey(r);
            var got = c.lookup(k, 0, null);
            assertThat(got == null ? null : got.payload()).isEqualTo(linearScan(rules, k));
        }
        for (int i = installed.size() - 1; i >= 0; i -= 2) {
            assertThat(c.remove(installed.get(i))).isTrue();
            rules.remove(i);
        }
        assertThat(c.size()).isEqualTo(rules.size());
        for (int i = 0; i < 3000; i++) {
            long[] k = randomKey(r);
            var got = c.lookup(k, 0, null);
            assertThat(got == null ? null : got.payload()).isEqualTo(linearScan(rules, k));
        }
    }

    @Test
    void reportedWildcardsAreSufficientForTheAnswer() {
        Random r = new Random(7348);
        List<Object[]> rules = randomRules(r, 200);
        Classifier<Integer> c = new Classifier<>();
        for (Object[] rule : rules) {
            c.insert((FlowMatch) rule[0], (Integer) rule[1], (Integer) rule[1]);
        }
        for (int i = 0; i < 2000; i++) {
            long[] k = randomKey(r);
            long[] wc = new long[FlowWords.WORDS];
            var answer = c.lookup(k, 0, wc);
            // Any key equal to k on the wildcarded bits must get the same answer.
            long[] other = randomKey(r);
            for (int w = 0; w < FlowWords.WORDS; w++) {
                other[w] = (k[w] & wc[w]) | (other[w] & ~wc[w]);
            }
            assertThat(c.lookup(other, 0, null)).isSameAs(answer);
        }
    }

    @Test
    void manyEntriesInOneSubtableSurviveGrowthAndDeletion() {
        Classifier<Integer> c = new Classifier<>();
        List<Classifier.Rule<Integer>> rules = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rules.add(c.insert(FlowMatch.builder().exact(Field.NW_DST, 0x0A000000L + i).build(), 1, i));
        }
        assertThat(c.subtableCount()).isEqualTo(1);
        for (int i = 0; i < 10_000; i += 3) {
            c.remove(rules.get(i));
        }
        for (int i = 0; i < 10_000; i++) {
            var got = c.lookup(key(0, 0, 0x0A000000 + i, 0), 0, null);
            if (i % 3 == 0) {
                assertThat(got).isNull();
            } else {
                assertThat(got.payload()).isEqualTo(i);
            }
        }
    }
}
