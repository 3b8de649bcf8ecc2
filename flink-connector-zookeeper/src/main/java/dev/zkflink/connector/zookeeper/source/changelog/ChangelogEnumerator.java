package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Hands the buckets of a live read to readers: bucket {@code b} goes to reader {@code b mod
 * parallelism}. The enumerator never talks to ZooKeeper; each reader watches the tree itself.
 */
@Internal
public final class ChangelogEnumerator
        implements SplitEnumerator<BucketSplit, ChangelogEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogEnumerator.class);

    /** Buckets per reader at the first start; more buckets leave room to scale out later. */
    static final int BUCKETS_PER_READER = 4;

    private final SplitEnumeratorContext<BucketSplit> context;
    private final List<BucketSplit> unassigned = new ArrayList<>();
    private final int numBuckets;

    public ChangelogEnumerator(
            SplitEnumeratorContext<BucketSplit> context,
            boolean baselineFirst,
            @Nullable ChangelogEnumeratorState restored) {
        this.context = context;
        if (restored != null) {
            numBuckets = restored.getNumBuckets();
            unassigned.addAll(restored.getUnassigned());
        } else {
            numBuckets = Math.max(1, context.currentParallelism()) * BUCKETS_PER_READER;
            for (int b = 0; b < numBuckets; b++) {
                unassigned.add(BucketSplit.initial(b, numBuckets, baselineFirst));
            }
        }
    }

    @Override
    public void start() {
        LOG.info("ZooKeeper changelog source spread over {} buckets", numBuckets);
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Buckets are pushed when readers register.
    }

    @Override
    public void addSplitsBack(List<BucketSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        assignUnassigned();
    }

    @Override
    public void addReader(int subtaskId) {
        // A reader without buckets (more readers than buckets) still gets an answer, an empty
        // assignment, so it knows it may mark itself idle.
        assignUnassigned(subtaskId);
    }

    private void assignUnassigned() {
        assignUnassigned(-1);
    }

    /**
     * One assignment per reader with all its buckets, so a reader walks the tree once; {@code
     * answer} (if not -1) is in it even without buckets.
     */
    private void assignUnassigned(int answer) {
        int parallelism = context.currentParallelism();
        Map<Integer, List<BucketSplit>> assignment = new HashMap<>();
        if (answer >= 0) {
            assignment.put(answer, new ArrayList<>());
        }
        Iterator<BucketSplit> it = unassigned.iterator();
        while (it.hasNext()) {
            BucketSplit split = it.next();
            int owner = split.getBucket() % parallelism;
            if (context.registeredReaders().containsKey(owner)) {
                assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
                it.remove();
            }
        }
        if (!assignment.isEmpty()) {
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
    }

    @Override
    public ChangelogEnumeratorState snapshotState(long checkpointId) {
        return new ChangelogEnumeratorState(numBuckets, new ArrayList<>(unassigned));
    }

    @Override
    public void close() {}
}
