package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How rounds of reads are cut to a byte budget. */
class ZNodeReadBudgetTest {
    private static final int JUTE = ZooKeeperLimits.DEFAULT_JUTE_MAXBUFFER;

    private static ZNodeReadBudget defaults() {
        return new ZNodeReadBudget(100, 4, ZooKeeperLimits.readRoundBudget(JUTE), JUTE);
    }

    private static List<Op> getData(int n) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(Op.getData("/t/n" + i));
        }
        return ops;
    }

    private static List<OpResult> results(int n, int dataBytes) {
        List<OpResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new OpResult.GetDataResult(new byte[dataBytes], new Stat()));
        }
        return out;
    }

    private static int planned(List<List<Op>> requests) {
        return requests.stream().mapToInt(List::size).sum();
    }

    /** Rounds until the plan is stable for nodes of that size; returns the last plan. */
    private static List<List<Op>> warmUp(ZNodeReadBudget budget, int dataBytes) {
        List<List<Op>> plan = budget.plan(getData(400), null);
        for (int round = 0; round < 30; round++) {
            int n = planned(plan);
            budget.observe(getData(n), results(n, dataBytes));
            plan = budget.plan(getData(400), null);
        }
        return plan;
    }

    @Test
    void firstRoundAssumesNodesOfJuteMaxBuffer() {
        List<List<Op>> plan = defaults().plan(getData(400), null);
        assertThat(plan).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(1));
    }

    @Test
    void smallNodesGetFullRounds() {
        List<List<Op>> plan = warmUp(defaults(), 100);
        assertThat(plan).hasSize(4).allSatisfy(r -> assertThat(r).hasSize(100));
    }

    @Test
    void largeNodesAreReadAFewAtATime() {
        List<List<Op>> plan = warmUp(defaults(), 900 * 1024);
        assertThat(planned(plan)).isEqualTo(4);
        assertThat(plan).allSatisfy(r -> assertThat(r).hasSize(1));
    }

    @Test
    void aLargeNodeAmongSmallOnesShrinksOnlyTheNextRounds() {
        ZNodeReadBudget budget = defaults();
        warmUp(budget, 100);
        List<OpResult> mixed = results(400, 100);
        mixed.set(7, new OpResult.GetDataResult(new byte[900 * 1024], new Stat()));
        budget.observe(getData(400), mixed);
        assertThat(planned(budget.plan(getData(400), null))).isEqualTo(4);
        assertThat(planned(warmUp(budget, 100))).isEqualTo(400);
    }

    @Test
    void knownSizesFromStatsOverrideTheEstimate() {
        ZNodeReadBudget budget = defaults();
        warmUp(budget, 100);
        long[] sizes = new long[400];
        Arrays.fill(sizes, -1);
        Stat big = new Stat();
        big.setDataLength(900 * 1024);
        sizes[0] = ZNodeReadBudget.plannedSize(Op.getData("/t/n0"), big);
        sizes[1] = sizes[0];
        List<List<Op>> plan = budget.plan(getData(400), sizes);
        // Both large nodes fit one request each; small ones fill the rest of the round.
        assertThat(plan.get(0)).hasSize(1);
        assertThat(plan.get(1).size()).isGreaterThan(1);
        assertThat(planned(plan)).isGreaterThan(2);
    }

    @Test
    void aNodeAboveTheBudgetIsReadAlone() {
        long[] sizes = {10L * JUTE, -1, -1};
        List<List<Op>> plan = defaults().plan(getData(3), sizes);
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0)).hasSize(1);
    }

    @Test
    void limitsAreMultiplesOfJuteMaxBufferNotOfTheBatchSize() {
        assertThat(ZooKeeperLimits.readerResponseLimit(JUTE)).isEqualTo(16 * JUTE);
        assertThat(ZooKeeperLimits.readRoundBudget(JUTE)).isEqualTo(4 * JUTE);
        assertThat(ZooKeeperLimits.readerResponseLimit(Integer.MAX_VALUE / 2))
                .isLessThan(Integer.MAX_VALUE);
    }

    /**
     * A thousand listings of long sibling paths are over {@code jute.maxbuffer} as one request,
     * whatever their responses: the server would drop the connection on every retry.
     */
    @Test
    void longPathsCutRequestsBelowJuteMaxBuffer() {
        ZNodeReadBudget budget =
                new ZNodeReadBudget(1000, 1, ZooKeeperLimits.readRoundBudget(JUTE), JUTE);
        char[] name = new char[1100];
        Arrays.fill(name, 'p');
        String parent = "/t/" + new String(name);
        List<Op> ops = new ArrayList<>();
        long[] tiny = new long[1000];
        for (int i = 0; i < 1000; i++) {
            ops.add(Op.getChildren(parent + "/c" + i));
            tiny[i] = ZNodeReadBudget.GET_CHILDREN_OVERHEAD; // leaves: tiny answers
        }
        List<List<Op>> plan = budget.plan(ops, tiny);
        assertThat(plan).isNotEmpty();
        for (List<Op> request : plan) {
            long sent = request.stream().mapToLong(ZNodeReadBudget::requestSize).sum();
            assertThat(sent).isLessThanOrEqualTo(JUTE - ZNodeReadBudget.PACKET_FRAMING);
        }
        assertThat(plan.get(0).size()).isGreaterThan(500).isLessThan(1000);
    }
}
