package dev.zkflink.connector.zookeeper.source.split;

import org.apache.flink.annotation.Internal;

/** Mutable progress of a {@link ZooKeeperSplit} on its reader. */
@Internal
public final class ZooKeeperSplitState {
    private final ZooKeeperSplit split;
    private long nodesEmitted;

    public ZooKeeperSplitState(ZooKeeperSplit split) {
        this.split = split;
        this.nodesEmitted = split.getNodesEmitted();
    }

    public void nodeEmitted() {
        nodesEmitted++;
    }

    public ZooKeeperSplit toSplit() {
        return new ZooKeeperSplit(split.splitId(), split.getEntries(), nodesEmitted);
    }
}
