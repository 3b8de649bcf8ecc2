package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One bucket of a live (changelog) read. Row nodes are spread over {@code numBuckets} buckets by
 * the hash of their first path segment below the table root, so a new top-level subtree always has
 * an owner and a subtree never spans two buckets.
 *
 * <p>The split carries every row node it has emitted, keyed by path relative to the root, with the
 * zxids that identify its version. That is what a restored reader diffs the tree against.
 */
@Internal
public final class BucketSplit implements SourceSplit {
    /** {@link #getBaselineZxid()} before the first walk of a {@code latest} read has started. */
    public static final long NO_ZXID = -1;

    private final int bucket;
    private final int numBuckets;
    private final boolean baselinePending;
    private final long baselineZxid;
    private final Map<String, TrackedNode> tracked;

    /**
     * @param baselinePending the next walk records the tree without emitting it ({@code latest})
     * @param baselineZxid the start point of that baseline, or {@link #NO_ZXID} until it started
     * @param tracked row nodes emitted so far; not copied (a checkpoint serializes it at once)
     */
    public BucketSplit(
            int bucket,
            int numBuckets,
            boolean baselinePending,
            long baselineZxid,
            Map<String, TrackedNode> tracked) {
        this.bucket = bucket;
        this.numBuckets = numBuckets;
        this.baselinePending = baselinePending;
        this.baselineZxid = baselineZxid;
        this.tracked = tracked;
    }

    /** A split whose baseline, if pending, has not started yet. */
    public BucketSplit(
            int bucket, int numBuckets, boolean baselinePending, Map<String, TrackedNode> tracked) {
        this(bucket, numBuckets, baselinePending, NO_ZXID, tracked);
    }

    public static BucketSplit initial(int bucket, int numBuckets, boolean baselinePending) {
        return new BucketSplit(bucket, numBuckets, baselinePending, NO_ZXID, new HashMap<>());
    }

    /** Which bucket the row node at {@code relativePath} (below the table root) belongs to. */
    public static int bucketOf(String relativePath, int numBuckets) {
        // String.hashCode() of the first segment, without cutting it out: this runs per event.
        int hash = 0;
        for (int i = 0; i < relativePath.length() && relativePath.charAt(i) != '/'; i++) {
            hash = 31 * hash + relativePath.charAt(i);
        }
        return Math.floorMod(hash, numBuckets);
    }

    public static String splitId(int bucket, int numBuckets) {
        return "bucket-" + bucket + "-of-" + numBuckets;
    }

    @Override
    public String splitId() {
        return splitId(bucket, numBuckets);
    }

    public int getBucket() {
        return bucket;
    }

    public int getNumBuckets() {
        return numBuckets;
    }

    public boolean isBaselinePending() {
        return baselinePending;
    }

    /**
     * The zxid a {@code latest} read starts after: the baseline walk stays silent only for nodes
     * whose last change is not newer. Changes after it are emitted, whichever read sees them first.
     */
    public long getBaselineZxid() {
        return baselineZxid;
    }

    public Map<String, TrackedNode> getTracked() {
        return tracked;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BucketSplit)) {
            return false;
        }
        BucketSplit that = (BucketSplit) o;
        return bucket == that.bucket
                && numBuckets == that.numBuckets
                && baselinePending == that.baselinePending
                && baselineZxid == that.baselineZxid
                && tracked.equals(that.tracked);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, numBuckets, baselinePending);
    }

    @Override
    public String toString() {
        return "BucketSplit{"
                + splitId()
                + ", baselinePending="
                + baselinePending
                + (baselinePending ? ", baselineZxid=" + baselineZxid : "")
                + ", tracked="
                + tracked.size()
                + "}";
    }
}
