package dev.zkflink.connector.zookeeper.source.enumerator;

import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.List;

/** Splits not yet handed out, and whether the tree has been planned into splits at all. */
@Internal
public final class ZooKeeperEnumeratorState {
    private final List<ZooKeeperSplit> remainingSplits;
    private final boolean planned;

    public ZooKeeperEnumeratorState(List<ZooKeeperSplit> remainingSplits, boolean planned) {
        this.remainingSplits = Collections.unmodifiableList(remainingSplits);
        this.planned = planned;
    }

    public static ZooKeeperEnumeratorState initial() {
        return new ZooKeeperEnumeratorState(Collections.emptyList(), false);
    }

    public List<ZooKeeperSplit> getRemainingSplits() {
        return remainingSplits;
    }

    public boolean isPlanned() {
        return planned;
    }
}
