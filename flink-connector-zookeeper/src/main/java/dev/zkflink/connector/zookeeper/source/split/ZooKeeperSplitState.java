package dev.zkflink.connector.zookeeper.source.split;

/** Mutable progress of a {@link ZooKeeperSplit} on its reader. */
public final class ZooKeeperSplitState {
    private final ZooKeeperSplit split;
    private int nextEntry;
    private long nodesEmittedInEntry;

    public ZooKeeperSplitState(ZooKeeperSplit split) {
        this.split = split;
        this.nextEntry = split.getNextEntry();
        this.nodesEmittedInEntry = split.getNodesEmittedInEntry();
    }

    public void nodeEmitted() {
        nodesEmittedInEntry++;
    }

    public void entryFinished(int entryIndex) {
        nextEntry = entryIndex + 1;
        nodesEmittedInEntry = 0;
    }

    public ZooKeeperSplit toSplit() {
        return new ZooKeeperSplit(
                split.splitId(), split.getEntries(), nextEntry, nodesEmittedInEntry);
    }
}
