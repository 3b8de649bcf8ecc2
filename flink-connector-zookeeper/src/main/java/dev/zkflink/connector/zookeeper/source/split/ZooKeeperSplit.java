package dev.zkflink.connector.zookeeper.source.split;

import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A slice of the snapshot: a list of {@link SplitEntry subtrees}, plus how far a reader got.
 *
 * <p>Progress is the index of the first entry not fully emitted and the number of nodes of that
 * entry already emitted. Children are read in sorted order, so on restore the reader skips exactly
 * what was emitted before the checkpoint (as long as that part of the tree did not change).
 */
public final class ZooKeeperSplit implements SourceSplit {
    private final String splitId;
    private final List<SplitEntry> entries;
    private final int nextEntry;
    private final long nodesEmittedInEntry;

    public ZooKeeperSplit(String splitId, List<SplitEntry> entries) {
        this(splitId, entries, 0, 0);
    }

    public ZooKeeperSplit(
            String splitId, List<SplitEntry> entries, int nextEntry, long nodesEmittedInEntry) {
        this.splitId = splitId;
        this.entries = Collections.unmodifiableList(entries);
        this.nextEntry = nextEntry;
        this.nodesEmittedInEntry = nodesEmittedInEntry;
    }

    @Override
    public String splitId() {
        return splitId;
    }

    public List<SplitEntry> getEntries() {
        return entries;
    }

    public int getNextEntry() {
        return nextEntry;
    }

    public long getNodesEmittedInEntry() {
        return nodesEmittedInEntry;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZooKeeperSplit)) {
            return false;
        }
        ZooKeeperSplit that = (ZooKeeperSplit) o;
        return nextEntry == that.nextEntry
                && nodesEmittedInEntry == that.nodesEmittedInEntry
                && splitId.equals(that.splitId)
                && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(splitId, entries, nextEntry, nodesEmittedInEntry);
    }

    @Override
    public String toString() {
        return "ZooKeeperSplit{"
                + splitId
                + ", entries="
                + entries.size()
                + ", nextEntry="
                + nextEntry
                + ", nodesEmittedInEntry="
                + nodesEmittedInEntry
                + "}";
    }
}
