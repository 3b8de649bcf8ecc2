package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ReadScope;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;
import dev.zkflink.connector.zookeeper.source.shared.SubtreeWalker;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads snapshot splits one after another. Each {@link #fetch()} does one round of pipelined,
 * batched reads (up to {@code batch-size x max-in-flight} ops, fewer for large nodes: see {@link
 * ZNodeBatchReader}), so a fetch holds a bounded number of bytes and the emitter gets a steady
 * stream of rows. {@link #wakeUp()} ends a fetch that waits for ZooKeeper at once. The readers of a
 * table in one TaskManager share one session ({@link SharedZooKeeperClients}).
 *
 * <p>With a pushed-down limit, the reader finishes every split once its source reader has emitted
 * that many rows: the planner keeps its own limit on top, so the rows of one reader are enough. The
 * count is the source reader's, since Flink replaces a split reader whose fetcher went idle.
 */
final class SnapshotSplitReader implements SplitReader<ZNodeRecord, SnapshotSplit> {
    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions options;
    private final ReadScope scope;
    private final Deque<SnapshotSplit> splits = new ArrayDeque<>();
    private final ZooKeeperWakeUp wakeUp = new ZooKeeperWakeUp();

    private ZooKeeperClientLease lease;
    private ZNodeBatchReader reader;
    private boolean connected;

    private SnapshotSplit current;
    private SubtreeWalker walker;
    private long toSkip;

    /** Rows the source reader's split readers emitted so far, for the limit. */
    private final AtomicLong emitted;

    SnapshotSplitReader(ZNodeTreeLayout layout, ZooKeeperReadOptions options) {
        this(layout, options, ReadScope.everything(), new AtomicLong());
    }

    SnapshotSplitReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ReadScope scope,
            AtomicLong emitted) {
        this.layout = layout;
        this.options = options;
        this.scope = scope;
        this.emitted = emitted;
    }

    private boolean limitReached() {
        return scope.hasLimit() && emitted.get() >= scope.getLimit();
    }

    @Override
    public RecordsWithSplitIds<ZNodeRecord> fetch() throws IOException {
        RecordsBySplits.Builder<ZNodeRecord> out = new RecordsBySplits.Builder<>();
        if (current == null) {
            current = splits.poll();
            if (current == null) {
                return out.build();
            }
        }
        if (limitReached()) {
            out.addFinishedSplit(current.splitId()); // enough rows: nothing more to read
            current = null;
            walker = null;
            return out.build();
        }
        if (walker == null) {
            try {
                ensureClient();
            } catch (ZooKeeperWakeUp.WokenUpException e) {
                return out.build(); // connect again on the next fetch
            }
            walker =
                    new SubtreeWalker(
                            layout,
                            scope.getFilter(),
                            scope.readsData(),
                            reader,
                            current.getEntries());
            toSkip = current.getNodesEmitted();
        }
        String id = current.splitId();
        if (walker.hasNext()) {
            long round = options.getBatchSize() * options.getMaxInFlight();
            if (scope.hasLimit()) {
                // Reads beyond the rows still wanted would be thrown away (skipped rows aside).
                round = Math.min(round, Math.max(1, scope.getLimit() - emitted.get() + toSkip));
            }
            for (ZNodeRecord row : walker.next((int) round)) {
                if (toSkip > 0) {
                    toSkip--; // emitted before the checkpoint we restored from
                } else if (!limitReached()) {
                    out.add(id, row);
                    emitted.incrementAndGet();
                }
            }
        }
        if (!walker.hasNext() || limitReached()) {
            out.addFinishedSplit(id);
            current = null;
            walker = null;
        }
        return out.build();
    }

    private void ensureClient() throws IOException {
        if (lease == null) {
            lease = ReaderSessions.acquire(options.getConnection());
            reader = ReaderSessions.batchReader(lease.client(), options, wakeUp);
        }
        if (!connected) {
            ZooKeeperClientFactory.awaitConnection(
                    lease.client(), options.getConnection(), lease.acquiredAtMillis(), wakeUp);
            connected = true;
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<SnapshotSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported split change " + splitsChanges.getClass().getSimpleName());
        }
        splits.addAll(splitsChanges.splits());
    }

    /** Ends a fetch that waits for ZooKeeper; the round it was reading is read again later. */
    @Override
    public void wakeUp() {
        wakeUp.wakeUp();
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
        }
    }
}
