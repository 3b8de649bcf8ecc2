package dev.zkflink.connector.zookeeper.source.split;

import java.util.Map;

/** Mutable state of a {@link BucketSplit} on its reader; changed only by the task thread. */
public final class BucketSplitState {
    private final BucketSplit split;
    private final Map<String, TrackedNode> tracked;
    private boolean baselinePending;

    public BucketSplitState(BucketSplit split) {
        this.split = split;
        this.tracked = split.getTracked();
        this.baselinePending = split.isBaselinePending();
    }

    public Map<String, TrackedNode> tracked() {
        return tracked;
    }

    public boolean isBaselinePending() {
        return baselinePending;
    }

    public void baselineDone() {
        baselinePending = false;
    }

    public BucketSplit toSplit() {
        return new BucketSplit(split.getBucket(), split.getNumBuckets(), baselinePending, tracked);
    }
}
