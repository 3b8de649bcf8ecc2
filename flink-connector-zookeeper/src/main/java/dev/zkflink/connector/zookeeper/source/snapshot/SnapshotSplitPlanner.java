package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeChildren;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;
import dev.zkflink.connector.zookeeper.source.shared.ZNodeReadResults;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Cuts the tree into splits. It lists the root's children, and keeps descending while there are
 * fewer subtrees than {@code targetEntries} (so a root with one child still spreads over all
 * readers), then groups the subtrees into splits of similar entry counts.
 *
 * <p>Only the last level can be large (every level above it has fewer than {@code targetEntries}
 * nodes), and it is held once: each child moves from its sorted listing straight into its split.
 *
 * <p>A pushed-down {@link ZNodePathFilter} replaces the listing: its {@link
 * ZNodePathFilter#subtreeRoots() roots} are the entries, so nothing outside them is read.
 */
@Internal
public final class SnapshotSplitPlanner {
    /** Descend at most this many levels while looking for enough subtrees. */
    static final int MAX_PLANNING_DEPTH = 4;

    /**
     * At most this many entries in one split: a restored split is walked again from its start, and
     * every split costs a request to the enumerator.
     */
    static final int MAX_ENTRIES_PER_SPLIT = 8192;

    private final ZNodeTreeLayout layout;
    private final ZNodeBatchReader reader;
    private final ZNodePathFilter filter;
    private long peakRetainedNames;

    public SnapshotSplitPlanner(ZNodeTreeLayout layout, ZNodeBatchReader reader) {
        this(layout, reader, ZNodePathFilter.all());
    }

    public SnapshotSplitPlanner(
            ZNodeTreeLayout layout, ZNodeBatchReader reader, ZNodePathFilter filter) {
        this.layout = layout;
        this.reader = reader;
        this.filter = filter;
    }

    /** The most child names (listings, levels, split entries) held at once while planning. */
    long peakRetainedNames() {
        return peakRetainedNames;
    }

    public List<SnapshotSplit> plan(int parallelism) throws IOException {
        if (!filter.isAll()) {
            return group(SplitEntry.rootsOf(filter), Collections.emptyList(), parallelism);
        }
        int targetEntries = Math.max(1, parallelism) * 8;
        // Relative-path layout: the nodes expanded on the way down, read alone. Every level above
        // the last one has fewer than targetEntries nodes, so these stay small.
        List<SplitEntry> expanded = new ArrayList<>();
        List<String> level = Collections.singletonList("");
        int depth = 0;
        while (true) {
            List<ZNodeChildren> children = listChildren(level);
            if (children == null) {
                return Collections.emptyList(); // the root does not exist
            }
            long count = 0;
            for (ZNodeChildren c : children) {
                count += c.remaining();
            }
            if (layout.getKeyMode() == KeyMode.RELATIVE_PATH && depth >= 1) {
                // These rows are expanded below; their own data is still to be read.
                for (String node : level) {
                    expanded.add(SplitEntry.nodeOnly(node));
                }
            }
            peakRetainedNames = Math.max(peakRetainedNames, expanded.size() + level.size() + count);
            depth++;
            if (count == 0
                    || count >= targetEntries
                    || !layout.mayHaveRowsBelow(depth)
                    || depth >= MAX_PLANNING_DEPTH) {
                return group(expanded, children, parallelism);
            }
            level = new ArrayList<>((int) count);
            for (ZNodeChildren c : children) {
                while (c.hasNext()) {
                    level.add(c.next());
                }
            }
        }
    }

    /**
     * Children of all nodes, each listing sorted, in the order of {@code parents}; {@code null} if
     * the root is gone.
     */
    private List<ZNodeChildren> listChildren(List<String> parents) throws IOException {
        List<Op> ops = new ArrayList<>(parents.size());
        for (String p : parents) {
            ops.add(Op.getChildren(layout.absolute(p)));
        }
        List<OpResult> results = reader.read(ops);
        List<ZNodeChildren> children = new ArrayList<>(parents.size());
        for (int i = 0; i < parents.size(); i++) {
            OpResult r = results.get(i);
            if (r instanceof OpResult.GetChildrenResult) {
                children.add(
                        layout.children(
                                parents.get(i), ((OpResult.GetChildrenResult) r).getChildren()));
            } else if (ZNodeReadResults.isGone(
                    r, "Listing the children", layout.absolute(parents.get(i)))) {
                if (parents.get(i).isEmpty()) {
                    return null;
                }
                // deleted while planning
            }
        }
        return children;
    }

    /**
     * The expanded nodes, then every listed child as a subtree, in consecutive splits of similar
     * size. Each child moves from its listing into its split, so the last level is held once.
     */
    static List<SnapshotSplit> group(
            List<SplitEntry> expanded, List<ZNodeChildren> subtrees, int parallelism) {
        long total = expanded.size();
        for (ZNodeChildren c : subtrees) {
            total += c.remaining();
        }
        if (total == 0) {
            return Collections.emptyList();
        }
        long wanted = Math.max(1, parallelism) * 4L;
        int perSplit =
                (int) Math.max(1, Math.min(MAX_ENTRIES_PER_SPLIT, (total + wanted - 1) / wanted));
        SplitCutter cutter = new SplitCutter(perSplit, total);
        for (SplitEntry e : expanded) {
            cutter.add(e);
        }
        for (ZNodeChildren c : subtrees) {
            while (c.hasNext()) {
                cutter.add(SplitEntry.subtree(c.next()));
            }
        }
        return cutter.splits;
    }

    /** Fills splits of {@code perSplit} entries, in order. */
    private static final class SplitCutter {
        final List<SnapshotSplit> splits = new ArrayList<>();
        final int perSplit;
        long left;
        List<SplitEntry> current;

        SplitCutter(int perSplit, long total) {
            this.perSplit = perSplit;
            this.left = total;
        }

        void add(SplitEntry e) {
            if (current == null) {
                current = new ArrayList<>((int) Math.min(perSplit, left));
            }
            current.add(e);
            left--;
            if (current.size() == perSplit || left == 0) {
                splits.add(new SnapshotSplit("snapshot-" + splits.size(), current));
                current = null;
            }
        }
    }
}
