package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The buckets a live reader owns, and so which rows and top-level subtrees are its own. Only bucket
 * ids: the splits' tracked nodes belong to the task thread.
 *
 * <p>Changed on the fetcher thread only; {@link #owns} is also asked on ZooKeeper's event thread,
 * which sees the bucket array as a whole, replaced when buckets are added.
 */
final class OwnedBuckets {
    private final Set<Integer> ids = new TreeSet<>();

    /** Buckets of this reader, indexed by bucket. */
    private volatile boolean[] owned = new boolean[0];

    /** Adds the splits' buckets; all splits of a source have the same number of buckets. */
    void add(Collection<BucketSplit> splits) {
        int numBuckets = owned.length;
        for (BucketSplit split : splits) {
            numBuckets = split.getNumBuckets();
            ids.add(split.getBucket());
        }
        boolean[] mine = new boolean[numBuckets];
        for (int b : ids) {
            mine[b] = true;
        }
        owned = mine;
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** The bucket ids, in ascending order. */
    Set<Integer> ids() {
        return ids;
    }

    /** Whether the row (or subtree) at {@code relativePath} lies in one of these buckets. */
    boolean owns(String relativePath) {
        boolean[] mine = owned;
        return mine.length > 0 && mine[BucketSplit.bucketOf(relativePath, mine.length)];
    }

    /** Those of {@code subtrees} that lie in these buckets, in their order. */
    List<SplitEntry> ownedOf(List<SplitEntry> subtrees) {
        List<SplitEntry> entries = new ArrayList<>();
        for (SplitEntry e : subtrees) {
            if (owns(e.getRelativePath())) {
                entries.add(e);
            }
        }
        return entries;
    }

    /** The id of the split the row at {@code relativePath} belongs to. */
    String splitIdOf(String relativePath) {
        return splitId(BucketSplit.bucketOf(relativePath, owned.length));
    }

    String splitId(int bucket) {
        return BucketSplit.splitId(bucket, owned.length);
    }
}
