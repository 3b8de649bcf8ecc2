package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.List;

/**
 * Checkpointed state of the changelog enumerator: how many buckets the tree is spread over (fixed
 * for the life of the job, also across rescaling) and the buckets not yet handed to a reader.
 */
@Internal
public final class ChangelogEnumeratorState {
    private final int numBuckets;
    private final List<BucketSplit> unassigned;

    public ChangelogEnumeratorState(int numBuckets, List<BucketSplit> unassigned) {
        this.numBuckets = numBuckets;
        this.unassigned = Collections.unmodifiableList(unassigned);
    }

    public int getNumBuckets() {
        return numBuckets;
    }

    public List<BucketSplit> getUnassigned() {
        return unassigned;
    }
}
