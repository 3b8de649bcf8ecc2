package dev.zkflink.connector.zookeeper.source.snapshot;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.List;

/** Splits not yet handed out, and whether the tree has been planned into splits at all. */
@Internal
public final class SnapshotEnumeratorState {
    private final List<SnapshotSplit> remainingSplits;
    private final boolean planned;

    public SnapshotEnumeratorState(List<SnapshotSplit> remainingSplits, boolean planned) {
        this.remainingSplits = Collections.unmodifiableList(remainingSplits);
        this.planned = planned;
    }

    public static SnapshotEnumeratorState initial() {
        return new SnapshotEnumeratorState(Collections.emptyList(), false);
    }

    public List<SnapshotSplit> getRemainingSplits() {
        return remainingSplits;
    }

    public boolean isPlanned() {
        return planned;
    }
}
