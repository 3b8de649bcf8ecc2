package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerExtension;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Split planning against a real server: enough splits for the readers, every node covered once. */
class SnapshotSplitPlannerITCase {
    @RegisterExtension static final ZooKeeperServerExtension ZK = new ZooKeeperServerExtension();

    @BeforeAll
    static void seed() throws Exception {
        ZooKeeperTrees trees = ZK.trees();
        // One top-level node holding everything: planning must descend to spread the work.
        trees.createGrid("/one/only", 20, 10);
        // One parent holding many: its child list is the whole plan.
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < WIDE; i++) {
            names.add(String.format("c-%05d", i));
            data.add(new byte[0]);
        }
        trees.createChildren("/wide/only", names, data);
    }

    private static final int WIDE = 20_000;

    private static List<SnapshotSplit> plan(ZNodeTreeLayout layout, int parallelism)
            throws Exception {
        return planner(layout).plan(parallelism);
    }

    private static SnapshotSplitPlanner planner(ZNodeTreeLayout layout) {
        ZooKeeperConnectionOptions options =
                ZooKeeperConnectionOptions.builder().setHosts(ZK.connectString()).build();
        ZNodeBatchReader reader = new ZNodeBatchReader(ZK.trees().client(), options, 100, 1);
        return new SnapshotSplitPlanner(layout, reader);
    }

    private static List<SplitEntry> entries(List<SnapshotSplit> splits) {
        List<SplitEntry> all = new ArrayList<>();
        for (SnapshotSplit s : splits) {
            all.addAll(s.getEntries());
        }
        return all;
    }

    @Test
    void levelsLayoutDescendsBelowANarrowTop() throws Exception {
        // Rows are /one/{a}/{b}/{c}: three levels; the top has a single child.
        // Parallelism 2 wants 16 subtrees: level 2 has 20.
        List<SnapshotSplit> splits = plan(ZNodeTreeLayout.levels("/one", 3), 2);
        List<SplitEntry> entries = entries(splits);
        assertThat(entries).hasSize(20);
        assertThat(entries).allMatch(e -> e.getRelativePath().startsWith("only/p-"));
        assertThat(entries).allMatch(SplitEntry::isWithDescendants);
        assertThat(splits.size()).isGreaterThanOrEqualTo(2 * 2);

        // Parallelism 4 wants 32: the planner goes down to the rows themselves, and stops there.
        List<SplitEntry> rows = entries(plan(ZNodeTreeLayout.levels("/one", 3), 4));
        assertThat(rows).hasSize(200);
        assertThat(rows).allMatch(e -> e.getRelativePath().split("/").length == 3);
    }

    @Test
    void relativePathLayoutKeepsExpandedNodesAsRows() throws Exception {
        List<SnapshotSplit> splits = plan(ZNodeTreeLayout.wholeSubtree("/one"), 1);
        List<SplitEntry> entries = entries(splits);
        // "only" was expanded: it is still read, alone; its 20 children are subtrees.
        assertThat(entries).contains(SplitEntry.nodeOnly("only"));
        assertThat(entries).filteredOn(SplitEntry::isWithDescendants).hasSize(20);
        assertThat(entries).hasSize(21);
    }

    @Test
    void aWideParentIsHeldOnceWhilePlanning() throws Exception {
        for (ZNodeTreeLayout layout :
                Arrays.asList(
                        ZNodeTreeLayout.levels("/wide", 2),
                        ZNodeTreeLayout.wholeSubtree("/wide"))) {
            SnapshotSplitPlanner planner = planner(layout);
            List<SnapshotSplit> splits = planner.plan(1);

            List<SplitEntry> subtrees = new ArrayList<>();
            for (SplitEntry e : entries(splits)) {
                if (e.isWithDescendants()) {
                    subtrees.add(e);
                }
            }
            assertThat(subtrees).hasSize(WIDE);
            assertThat(subtrees.get(0).getRelativePath()).isEqualTo("only/c-00000");
            assertThat(subtrees.get(WIDE - 1).getRelativePath()).isEqualTo("only/c-19999");
            assertThat(splits).allMatch(s -> s.getEntries().size() <= 8192);
            // The listing becomes the split entries; no second list of the same size next to it.
            assertThat(planner.peakRetainedNames()).isBetween((long) WIDE, WIDE + 100L);
        }
    }

    @Test
    void missingRootPlansNothing() throws Exception {
        assertThat(plan(ZNodeTreeLayout.levels("/does/not/exist", 1), 2)).isEmpty();
    }
}
