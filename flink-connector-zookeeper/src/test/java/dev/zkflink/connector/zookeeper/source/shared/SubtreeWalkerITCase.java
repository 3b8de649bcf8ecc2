package dev.zkflink.connector.zookeeper.source.shared;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerExtension;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walker against a real server on a tree with one wide parent and mid-size levels below narrow
 * ones: what it holds at once must stay near one child list, whatever the width of a level.
 */
class SubtreeWalkerITCase {
    @RegisterExtension static final ZooKeeperServerExtension ZK = new ZooKeeperServerExtension();

    /** Children of the one wide parent, {@code /wide/w}. */
    private static final int WIDE = 10_000;

    /** {@code /wide/{a..d}/p-NN/n-NNN}: 4 x 25 x 200 rows, a level twice as wide as WIDE. */
    private static final int TOPS = 4;

    private static final int MIDS = 25;
    private static final int LEAVES = 200;

    /** Generous room for the walk's own blocks and read-ahead next to the wide list. */
    private static final int SLACK = 3_000;

    @BeforeAll
    static void seed() throws Exception {
        ZooKeeperTrees trees = ZK.trees();
        // /wide/o/x-N/y-NNNNN[/z-NNNNN]: levels of 3, 900 (more than a block) and 60 nodes.
        for (int x = 0; x < 3; x++) {
            trees.createChildren("/wide/o/x-" + x, names("y-", 300), empty(300));
            for (String y : names("y-", 10)) {
                trees.createChildren("/wide/o/x-" + x + "/" + y + "/z", names("z-", 2), empty(2));
            }
        }
        trees.createChildren("/wide/w", names("c-", WIDE), empty(WIDE));
        for (int t = 0; t < TOPS; t++) {
            for (int m = 0; m < MIDS; m++) {
                trees.createChildren("/wide/" + mid(t, m), names("n-", LEAVES), empty(LEAVES));
            }
        }
    }

    /** The relative path of mid-level node {@code m} under top-level node {@code t}. */
    private static String mid(int t, int m) {
        return String.format("%c/p-%02d", (char) ('a' + t), m);
    }

    private static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(String.format("%s%05d", prefix, i));
        }
        return names;
    }

    private static List<byte[]> empty(int n) {
        return new ArrayList<>(Collections.nCopies(n, "v".getBytes(StandardCharsets.UTF_8)));
    }

    private static final class Walk {
        final List<String> rows = new ArrayList<>();
        long peakRetainedNames;
    }

    private static Walk walk(ZNodeTreeLayout layout, List<SplitEntry> entries, int maxOps)
            throws Exception {
        ZooKeeperConnectionOptions options =
                ZooKeeperConnectionOptions.builder().setHosts(ZK.connectString()).build();
        ZNodeBatchReader reader = new ZNodeBatchReader(ZK.trees().client(), options, 100, 4);
        SubtreeWalker walker = new SubtreeWalker(layout, reader, entries);
        Walk walk = new Walk();
        while (walker.hasNext()) {
            for (ZNodeRecord row : walker.next(maxOps)) {
                walk.rows.add(row.getRelativePath());
            }
        }
        walk.peakRetainedNames = walker.peakRetainedNames();
        return walk;
    }

    private static List<SplitEntry> topLevel() {
        List<SplitEntry> entries = new ArrayList<>();
        for (String top : Arrays.asList("a", "b", "c", "d", "w")) {
            entries.add(SplitEntry.subtree(top));
        }
        return entries;
    }

    @Test
    void levelsWalkHoldsAboutOneChildListNotALevel() throws Exception {
        Walk walk = walk(ZNodeTreeLayout.levels("/wide", 3), topLevel(), 400);

        // Every row once, in sorted order (the order restored readers skip by).
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < TOPS; t++) {
            for (int m = 0; m < MIDS; m++) {
                for (String leaf : names("n-", LEAVES)) {
                    expected.add(mid(t, m) + "/" + leaf);
                }
            }
        }
        assertThat(walk.rows).isEqualTo(expected);
        // Level 3 has 20,000 names and level 2 10,100: a walker holding a level holds more.
        assertThat(walk.peakRetainedNames).isBetween((long) WIDE, (long) WIDE + SLACK);
    }

    @Test
    void relativePathWalkHoldsAboutOneChildListNotALevel() throws Exception {
        Walk walk = walk(ZNodeTreeLayout.wholeSubtree("/wide"), topLevel(), 400);

        List<String> expected = new ArrayList<>(Arrays.asList("a", "b", "c", "d", "w"));
        for (String child : names("c-", WIDE)) {
            expected.add("w/" + child);
        }
        for (int t = 0; t < TOPS; t++) {
            for (int m = 0; m < MIDS; m++) {
                expected.add(mid(t, m));
                for (String leaf : names("n-", LEAVES)) {
                    expected.add(mid(t, m) + "/" + leaf);
                }
            }
        }
        List<String> rows = new ArrayList<>(walk.rows);
        Collections.sort(rows);
        Collections.sort(expected);
        assertThat(rows).isEqualTo(expected); // every node once
        assertThat(walk.peakRetainedNames).isBetween((long) WIDE, (long) WIDE + SLACK);
    }

    @Test
    void orderDoesNotDependOnTheRoundSize() throws Exception {
        // A restored split skips by count, possibly with other batch options than before.
        List<SplitEntry> entries =
                Arrays.asList(
                        SplitEntry.nodeOnly("a"),
                        SplitEntry.subtree("a/p-03"),
                        SplitEntry.subtree("o"));
        for (ZNodeTreeLayout layout :
                Arrays.asList(
                        ZNodeTreeLayout.wholeSubtree("/wide"),
                        ZNodeTreeLayout.levels("/wide", 3))) {
            List<String> large = walk(layout, entries, 400).rows;
            assertThat(large).hasSize(layout.getKeyMode() == KeyMode.LEVELS ? 1_100 : 1_196);
            assertThat(walk(layout, entries, 7).rows).isEqualTo(large);
            assertThat(walk(layout, entries, 3).rows).isEqualTo(large);
        }
    }
}
