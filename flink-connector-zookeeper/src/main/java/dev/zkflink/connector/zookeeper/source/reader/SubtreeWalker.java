package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.split.SplitEntry;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Walks all entries of a split breadth-first in one queue, with sorted children, a round of batched
 * reads at a time; reads of many small entries share requests. Nodes deleted while walking are
 * skipped. The order is fixed for an unchanged tree, which lets a restored reader skip the nodes it
 * already emitted.
 */
final class SubtreeWalker {
    private final ZNodeTreeLayout layout;
    private final ZNodeBatchReader reader;
    private final Deque<Pending> queue = new ArrayDeque<>();

    SubtreeWalker(ZNodeTreeLayout layout, ZNodeBatchReader reader, List<SplitEntry> entries) {
        this.layout = layout;
        this.reader = reader;
        for (SplitEntry entry : entries) {
            String relative = entry.getRelativePath();
            enqueue(relative, ZNodePaths.depth(relative), entry.isWithDescendants());
        }
    }

    boolean hasNext() {
        return !queue.isEmpty();
    }

    /**
     * Reads the next round (up to {@code maxOps} reads, fewer if the reader's byte budget says so)
     * and returns the rows found in it. A round cut short by {@link ZNodeBatchReader#wakeUp()}
     * returns no rows and leaves the walk where it was.
     */
    List<ZNodeRecord> next(int maxOps) throws IOException {
        List<Pending> round = new ArrayList<>(Math.min(maxOps, queue.size()));
        List<Op> ops = new ArrayList<>(round.size());
        while (!queue.isEmpty() && ops.size() < maxOps) {
            Pending p = queue.poll();
            round.add(p);
            String abs = layout.absolute(p.relative);
            ops.add(p.list ? Op.getChildren(abs) : Op.getData(abs));
        }
        List<OpResult> results;
        try {
            results = reader.readRound(ops);
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            results = Collections.emptyList();
        }
        for (int i = round.size() - 1; i >= results.size(); i--) {
            queue.addFirst(round.get(i)); // not read in this round: first in the next
        }
        List<ZNodeRecord> rows = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Pending p = round.get(i);
            OpResult r = results.get(i);
            if (r instanceof OpResult.ErrorResult) {
                int err = ((OpResult.ErrorResult) r).getErr();
                if (err == KeeperException.Code.NONODE.intValue()) {
                    continue; // deleted after its parent was listed
                }
                throw new IOException(
                        String.format(
                                "%s of '%s' failed with ZooKeeper code %s.",
                                p.list ? "getChildren" : "getData",
                                layout.absolute(p.relative),
                                KeeperException.Code.get(err)));
            }
            if (p.list) {
                for (String child :
                        layout.childPaths(
                                p.relative, ((OpResult.GetChildrenResult) r).getChildren())) {
                    enqueue(child, p.depth + 1, true);
                }
            } else {
                OpResult.GetDataResult data = (OpResult.GetDataResult) r;
                rows.add(
                        new ZNodeRecord(
                                p.relative,
                                layout.absolute(p.relative),
                                data.getData(),
                                data.getStat()));
                if (p.descend
                        && layout.getKeyMode() == KeyMode.RELATIVE_PATH
                        && data.getStat().getNumChildren() > 0) {
                    queue.add(new Pending(p.relative, p.depth, true, true));
                }
            }
        }
        return rows;
    }

    private void enqueue(String relative, int depth, boolean descend) {
        if (layout.isRow(depth)) {
            queue.add(new Pending(relative, depth, false, descend));
        } else if (descend && layout.mayHaveRowsBelow(depth)) {
            queue.add(new Pending(relative, depth, true, true));
        }
    }

    private static final class Pending {
        final String relative;
        final int depth;
        final boolean list;
        final boolean descend;

        Pending(String relative, int depth, boolean list, boolean descend) {
            this.relative = relative;
            this.depth = depth;
            this.list = list;
            this.descend = descend;
        }
    }
}
