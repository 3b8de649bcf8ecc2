package dev.zkflink.connector.zookeeper.source.snapshot;

import org.apache.flink.annotation.Internal;

/** Mutable progress of a {@link SnapshotSplit} on its reader. */
@Internal
public final class SnapshotSplitState {
    private final SnapshotSplit split;
    private long nodesEmitted;

    public SnapshotSplitState(SnapshotSplit split) {
        this.split = split;
        this.nodesEmitted = split.getNodesEmitted();
    }

    public void nodeEmitted() {
        nodesEmitted++;
    }

    public SnapshotSplit toSplit() {
        return new SnapshotSplit(split.splitId(), split.getEntries(), nodesEmitted);
    }
}
