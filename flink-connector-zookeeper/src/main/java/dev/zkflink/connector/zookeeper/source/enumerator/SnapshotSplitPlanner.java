package dev.zkflink.connector.zookeeper.source.enumerator;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.split.SplitEntry;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;

import org.apache.zookeeper.KeeperException;
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
 */
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

    public SnapshotSplitPlanner(ZNodeTreeLayout layout, ZNodeBatchReader reader) {
        this.layout = layout;
        this.reader = reader;
    }

    public List<ZooKeeperSplit> plan(int parallelism) throws IOException {
        int targetEntries = Math.max(1, parallelism) * 8;
        List<SplitEntry> entries = new ArrayList<>();
        List<String> level = Collections.singletonList("");
        int depth = 0;
        while (true) {
            List<String> children = listChildren(level);
            if (children == null) {
                return Collections.emptyList(); // the root does not exist
            }
            if (layout.getKeyMode() == KeyMode.RELATIVE_PATH && depth >= 1) {
                // These rows are expanded below; their own data is still to be read.
                for (String node : level) {
                    entries.add(SplitEntry.nodeOnly(node));
                }
            }
            depth++;
            level = children;
            if (children.isEmpty()
                    || children.size() >= targetEntries
                    || !layout.mayHaveRowsBelow(depth)
                    || depth >= MAX_PLANNING_DEPTH) {
                break;
            }
        }
        for (String node : level) {
            entries.add(SplitEntry.subtree(node));
        }
        return group(entries, parallelism);
    }

    /**
     * Children (relative paths, sorted per parent) of all nodes; {@code null} if the root is gone.
     */
    private List<String> listChildren(List<String> parents) throws IOException {
        List<Op> ops = new ArrayList<>(parents.size());
        for (String p : parents) {
            ops.add(Op.getChildren(layout.absolute(p)));
        }
        List<OpResult> results = reader.read(ops);
        List<String> children = new ArrayList<>();
        for (int i = 0; i < parents.size(); i++) {
            OpResult r = results.get(i);
            if (r instanceof OpResult.GetChildrenResult) {
                children.addAll(
                        layout.childPaths(
                                parents.get(i), ((OpResult.GetChildrenResult) r).getChildren()));
            } else {
                int err = ((OpResult.ErrorResult) r).getErr();
                if (err == KeeperException.Code.NONODE.intValue()) {
                    if (parents.get(i).isEmpty()) {
                        return null;
                    }
                    continue; // deleted while planning
                }
                throw new IOException(
                        String.format(
                                "Listing the children of '%s' failed with %s.",
                                layout.absolute(parents.get(i)), KeeperException.Code.get(err)));
            }
        }
        return children;
    }

    static List<ZooKeeperSplit> group(List<SplitEntry> entries, int parallelism) {
        if (entries.isEmpty()) {
            return Collections.emptyList();
        }
        int wanted = Math.max(1, parallelism) * 4;
        int perSplit = (entries.size() + wanted - 1) / wanted;
        perSplit = Math.max(1, Math.min(MAX_ENTRIES_PER_SPLIT, perSplit));
        List<ZooKeeperSplit> splits = new ArrayList<>();
        for (int i = 0; i < entries.size(); i += perSplit) {
            List<SplitEntry> slice =
                    new ArrayList<>(entries.subList(i, Math.min(entries.size(), i + perSplit)));
            splits.add(new ZooKeeperSplit("snapshot-" + splits.size(), slice));
        }
        return splits;
    }
}
