package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A slice of the snapshot: a list of {@link SplitEntry subtrees}, plus how far a reader got.
 *
 * <p>A reader walks all entries of a split in a fixed order (depth-first in blocks, children
 * sorted), so the order of the nodes it emits is fixed for an unchanged tree. Progress is therefore
 * one number: how many nodes were emitted. A restored reader walks the split again and skips that
 * many (exact as long as that part of the tree did not change meanwhile).
 *
 * <p>Splits checkpointed by builds that walked breadth-first counted in that order, which differs
 * for {@code relative-path} trees with wide levels: see {@link #countedInAnOlderOrder()}.
 */
@Internal
public final class SnapshotSplit implements SourceSplit {
    private final String splitId;
    private final List<SplitEntry> entries;
    private final long nodesEmitted;
    private final boolean countedInAnOlderOrder;

    public SnapshotSplit(String splitId, List<SplitEntry> entries) {
        this(splitId, entries, 0);
    }

    public SnapshotSplit(String splitId, List<SplitEntry> entries, long nodesEmitted) {
        this(splitId, entries, nodesEmitted, false);
    }

    /**
     * @param countedInAnOlderOrder restored from state that counted in breadth-first order
     */
    public SnapshotSplit(
            String splitId,
            List<SplitEntry> entries,
            long nodesEmitted,
            boolean countedInAnOlderOrder) {
        this.splitId = splitId;
        this.entries = Collections.unmodifiableList(entries);
        this.nodesEmitted = nodesEmitted;
        this.countedInAnOlderOrder = countedInAnOlderOrder;
    }

    /**
     * Whether {@link #getNodesEmitted()} counts nodes in the breadth-first order of builds before
     * the depth-first walk (state version 1). That order is the current one in {@code levels} mode,
     * not always in {@code relative-path} mode.
     */
    public boolean countedInAnOlderOrder() {
        return countedInAnOlderOrder;
    }

    /**
     * This split as a reader of {@code keyMode} trees can resume it exactly: a {@code
     * relative-path} split counted in the older order starts again from its first node, since
     * skipping by that count could skip nodes never emitted (re-emitting some is the safe side).
     */
    public SnapshotSplit resumableIn(KeyMode keyMode) {
        if (countedInAnOlderOrder && keyMode == KeyMode.RELATIVE_PATH && nodesEmitted > 0) {
            return new SnapshotSplit(splitId, entries, 0, false);
        }
        return this;
    }

    @Override
    public String splitId() {
        return splitId;
    }

    public List<SplitEntry> getEntries() {
        return entries;
    }

    /** Nodes of this split already emitted (before a checkpoint this split was restored from). */
    public long getNodesEmitted() {
        return nodesEmitted;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SnapshotSplit)) {
            return false;
        }
        SnapshotSplit that = (SnapshotSplit) o;
        return nodesEmitted == that.nodesEmitted
                && splitId.equals(that.splitId)
                && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(splitId, entries, nodesEmitted);
    }

    @Override
    public String toString() {
        return "SnapshotSplit{"
                + splitId
                + ", entries="
                + entries.size()
                + ", nodesEmitted="
                + nodesEmitted
                + "}";
    }
}
