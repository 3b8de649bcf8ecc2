package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeChildren;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Grouping listed children into splits, without a server. */
class SnapshotSplitPlannerTest {
    private static final ZNodeTreeLayout LAYOUT = ZNodeTreeLayout.wholeSubtree("/t");

    @Test
    void manyChildrenGoIntoSplitsOfAtMost8192InSortedOrder() {
        List<String> names = new ArrayList<>();
        for (int i = 40_000 - 1; i >= 0; i--) {
            names.add(String.format("c-%05d", i)); // the server lists in no particular order
        }
        ZNodeChildren listing = LAYOUT.children("p", names);
        List<SnapshotSplit> splits =
                SnapshotSplitPlanner.group(
                        new ArrayList<>(Collections.singletonList(SplitEntry.nodeOnly("p"))),
                        Collections.singletonList(listing),
                        1);

        // 40,001 entries for 4 wanted splits would be 10,001 each: the cap makes it 5 splits.
        assertThat(splits)
                .extracting(s -> s.getEntries().size())
                .containsExactly(8192, 8192, 8192, 8192, 7233);
        assertThat(splits)
                .extracting(SnapshotSplit::splitId)
                .containsExactly(
                        "snapshot-0", "snapshot-1", "snapshot-2", "snapshot-3", "snapshot-4");
        List<SplitEntry> all = new ArrayList<>();
        splits.forEach(s -> all.addAll(s.getEntries()));
        assertThat(all.get(0)).isEqualTo(SplitEntry.nodeOnly("p"));
        for (int i = 0; i < 40_000; i++) {
            assertThat(all.get(i + 1)).isEqualTo(SplitEntry.subtree(String.format("p/c-%05d", i)));
        }
        // The listing was emptied as its children moved into splits.
        assertThat(listing.remaining()).isZero();
        assertThat(names).containsOnlyNulls();
    }

    @Test
    void fewEntriesMakeAboutFourSplitsPerReader() {
        List<ZNodeChildren> listings =
                Arrays.asList(
                        LAYOUT.children("a", new ArrayList<>(Arrays.asList("2", "1"))),
                        LAYOUT.children("b", new ArrayList<>(Arrays.asList("1", "3", "2"))));
        List<SnapshotSplit> splits = SnapshotSplitPlanner.group(new ArrayList<>(), listings, 1);
        assertThat(splits)
                .extracting(s -> s.getEntries().toString())
                .containsExactly(
                        "[subtree:a/1, subtree:a/2]",
                        "[subtree:b/1, subtree:b/2]",
                        "[subtree:b/3]");
    }

    @Test
    void theRootListingNeverHoldsZooKeepersOwnSubtree() {
        ZNodeChildren top =
                ZNodeTreeLayout.wholeSubtree("/")
                        .children("", new ArrayList<>(Arrays.asList("b", "zookeeper", "a")));
        List<String> out = new ArrayList<>();
        while (top.hasNext()) {
            out.add(top.next());
        }
        assertThat(out).containsExactly("a", "b");
    }
}
