package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hands out snapshot splits on request (pull-based), so fast readers take more work and every split
 * is read by exactly one reader. Planning talks to ZooKeeper off the coordinator thread.
 */
@Internal
public final class SnapshotEnumerator
        implements SplitEnumerator<SnapshotSplit, SnapshotEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotEnumerator.class);

    private final SplitEnumeratorContext<SnapshotSplit> context;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions readOptions;
    private final ZNodePathFilter filter;
    private final Deque<SnapshotSplit> remaining;
    private final Set<Integer> waitingReaders = new LinkedHashSet<>();
    private boolean planned;

    public SnapshotEnumerator(
            SplitEnumeratorContext<SnapshotSplit> context,
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZNodePathFilter filter,
            @Nullable SnapshotEnumeratorState restored) {
        this.context = context;
        this.layout = layout;
        this.readOptions = readOptions;
        this.filter = filter;
        this.remaining =
                new ArrayDeque<>(
                        restored == null ? Collections.emptyList() : restored.getRemainingSplits());
        this.planned = restored != null && restored.isPlanned();
    }

    @Override
    public void start() {
        if (!planned) {
            context.callAsync(this::planSplits, this::onPlanned);
        }
    }

    private List<SnapshotSplit> planSplits() throws IOException {
        if (!filter.isAll()) {
            // The filter's roots are the entries: nothing to list.
            return new SnapshotSplitPlanner(layout, null, filter)
                    .plan(context.currentParallelism());
        }
        ZooKeeperReadOptions o = readOptions;
        try (CuratorFramework client =
                ZooKeeperClientFactory.open(
                        o.getConnection(),
                        ZooKeeperLimits.responseLimit(
                                o.getConnection().getJuteMaxBuffer(), o.getBatchSize()))) {
            ZNodeBatchReader reader =
                    new ZNodeBatchReader(
                            client, o.getConnection(), o.getBatchSize(), o.getMaxInFlight());
            return new SnapshotSplitPlanner(layout, reader, filter)
                    .plan(context.currentParallelism());
        }
    }

    private void onPlanned(List<SnapshotSplit> splits, Throwable error) {
        if (error != null) {
            throw new IllegalStateException(
                    "Planning the snapshot of " + layout + " failed: " + error.getMessage(), error);
        }
        LOG.info("Planned {} snapshot splits for {} ({})", splits.size(), layout, filter);
        remaining.addAll(splits);
        planned = true;
        for (Integer reader : new ArrayList<>(waitingReaders)) {
            assignOrFinish(reader);
        }
        waitingReaders.clear();
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        if (!planned) {
            waitingReaders.add(subtaskId);
            return;
        }
        assignOrFinish(subtaskId);
    }

    private void assignOrFinish(int subtaskId) {
        if (!context.registeredReaders().containsKey(subtaskId)) {
            return; // the reader failed meanwhile; it asks again after recovery
        }
        SnapshotSplit next = remaining.poll();
        if (next != null) {
            context.assignSplit(next, subtaskId);
        } else {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public void addSplitsBack(List<SnapshotSplit> splits, int subtaskId) {
        // Splits of a failed reader go to the front: they carry their progress.
        for (int i = splits.size() - 1; i >= 0; i--) {
            remaining.addFirst(splits.get(i));
        }
    }

    @Override
    public void addReader(int subtaskId) {
        // Readers pull; nothing to push.
    }

    @Override
    public SnapshotEnumeratorState snapshotState(long checkpointId) {
        return new SnapshotEnumeratorState(new ArrayList<>(remaining), planned);
    }

    @Override
    public void close() {}
}
