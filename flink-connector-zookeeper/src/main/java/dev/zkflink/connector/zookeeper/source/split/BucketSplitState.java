package dev.zkflink.connector.zookeeper.source.split;

import java.util.Map;

/** Mutable state of a {@link BucketSplit} on its reader; changed only by the task thread. */
public final class BucketSplitState {
    private final BucketSplit split;
    private final Map<String, TrackedNode> tracked;
    private boolean baselinePending;
    private long baselineZxid;

    public BucketSplitState(BucketSplit split) {
        this.split = split;
        this.tracked = split.getTracked();
        this.baselinePending = split.isBaselinePending();
        this.baselineZxid = split.getBaselineZxid();
    }

    public Map<String, TrackedNode> tracked() {
        return tracked;
    }

    public boolean isBaselinePending() {
        return baselinePending;
    }

    /** See {@link BucketSplit#getBaselineZxid()}. */
    public long baselineZxid() {
        return baselineZxid;
    }

    /**
     * A walk starts from a watch added after {@code watchZxid}. The first such walk of a baseline
     * fixes its start point; walks after a reconnect or restore keep it, so changes made while the
     * reader was disconnected or down are still emitted. A lower {@code watchZxid} only comes from
     * another ensemble (restored against one rebuilt with lower zxids): the start point moves down
     * to it, since the old one would silence every change made there.
     */
    public void walkStarted(long watchZxid) {
        if (baselinePending && (baselineZxid == BucketSplit.NO_ZXID || watchZxid < baselineZxid)) {
            baselineZxid = watchZxid;
        }
    }

    public void baselineDone() {
        baselinePending = false;
    }

    public BucketSplit toSplit() {
        return new BucketSplit(
                split.getBucket(), split.getNumBuckets(), baselinePending, baselineZxid, tracked);
    }
}
