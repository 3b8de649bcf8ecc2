package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/** Mutable state of a {@link BucketSplit} on its reader; changed only by the task thread. */
@Internal
public final class BucketSplitState {
    private final BucketSplit split;
    private final Map<String, TrackedNode> tracked;
    private boolean baselinePending;
    private long baselineZxid;

    /**
     * The tracked paths in order, so the tracked descendants of a path are one range: built on the
     * first {@link #untrackDescendants} (only layouts with rows below rows call it) and kept from
     * then on. Not checkpointed: a restored split builds it again when first needed.
     */
    private NavigableSet<String> sortedPaths;

    public BucketSplitState(BucketSplit split) {
        this.split = split;
        this.tracked = split.getTracked();
        this.baselinePending = split.isBaselinePending();
        this.baselineZxid = split.getBaselineZxid();
    }

    /** The tracked nodes by relative path; change them only through the methods below. */
    public Map<String, TrackedNode> tracked() {
        return tracked;
    }

    public void track(String relativePath, TrackedNode node) {
        if (tracked.put(relativePath, node) == null && sortedPaths != null) {
            sortedPaths.add(relativePath);
        }
    }

    /** Returns the node that was tracked at {@code relativePath}, or null. */
    public TrackedNode untrack(String relativePath) {
        TrackedNode node = tracked.remove(relativePath);
        if (node != null && sortedPaths != null) {
            sortedPaths.remove(relativePath);
        }
        return node;
    }

    /**
     * Stops tracking every node below {@code relativePath} (not the node itself) and returns them
     * in path order. O(log n) when there are none.
     */
    public List<Map.Entry<String, TrackedNode>> untrackDescendants(String relativePath) {
        if (sortedPaths == null) {
            sortedPaths = new TreeSet<>(tracked.keySet());
        }
        // Every path below "p" lies in ["p/", "p0"): '0' is the character after '/'.
        Iterator<String> it =
                sortedPaths.subSet(relativePath + '/', true, relativePath + '0', false).iterator();
        if (!it.hasNext()) {
            return Collections.emptyList();
        }
        List<Map.Entry<String, TrackedNode>> removed = new ArrayList<>();
        while (it.hasNext()) {
            String path = it.next();
            it.remove();
            removed.add(new AbstractMap.SimpleImmutableEntry<>(path, tracked.remove(path)));
        }
        return removed;
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
