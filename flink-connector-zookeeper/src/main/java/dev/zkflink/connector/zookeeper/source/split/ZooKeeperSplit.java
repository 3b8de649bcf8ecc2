package dev.zkflink.connector.zookeeper.source.split;

import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A slice of the snapshot: a list of {@link SplitEntry subtrees}, plus how far a reader got.
 *
 * <p>A reader walks all entries of a split breadth-first, in one queue, with children in sorted
 * order, so the order of the nodes it emits is fixed for an unchanged tree. Progress is therefore
 * one number: how many nodes were emitted. A restored reader walks the split again and skips that
 * many (exact as long as that part of the tree did not change meanwhile).
 */
public final class ZooKeeperSplit implements SourceSplit {
    private final String splitId;
    private final List<SplitEntry> entries;
    private final long nodesEmitted;

    public ZooKeeperSplit(String splitId, List<SplitEntry> entries) {
        this(splitId, entries, 0);
    }

    public ZooKeeperSplit(String splitId, List<SplitEntry> entries, long nodesEmitted) {
        this.splitId = splitId;
        this.entries = Collections.unmodifiableList(entries);
        this.nodesEmitted = nodesEmitted;
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
        if (!(o instanceof ZooKeeperSplit)) {
            return false;
        }
        ZooKeeperSplit that = (ZooKeeperSplit) o;
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
        return "ZooKeeperSplit{"
                + splitId
                + ", entries="
                + entries.size()
                + ", nodesEmitted="
                + nodesEmitted
                + "}";
    }
}
