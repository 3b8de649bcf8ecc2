package dev.zkflink.connector.zookeeper.source.split;

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
public final class BucketSplit implements SourceSplit {
    private final int bucket;
    private final int numBuckets;
    private final boolean baselinePending;
    private final Map<String, TrackedNode> tracked;

    /**
     * @param baselinePending the next walk records the tree without emitting it ({@code latest})
     * @param tracked row nodes emitted so far; not copied (a checkpoint serializes it at once)
     */
    public BucketSplit(
            int bucket, int numBuckets, boolean baselinePending, Map<String, TrackedNode> tracked) {
        this.bucket = bucket;
        this.numBuckets = numBuckets;
        this.baselinePending = baselinePending;
        this.tracked = tracked;
    }

    public static BucketSplit initial(int bucket, int numBuckets, boolean baselinePending) {
        return new BucketSplit(bucket, numBuckets, baselinePending, new HashMap<>());
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
                + ", tracked="
                + tracked.size()
                + "}";
    }
}
