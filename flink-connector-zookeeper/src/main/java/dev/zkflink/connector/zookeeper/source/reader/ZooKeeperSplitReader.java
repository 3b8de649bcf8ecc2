package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads snapshot splits one after another. Each {@link #fetch()} does one round of pipelined,
 * batched reads (up to {@code batch-size x max-in-flight} ops, fewer for large nodes: see {@link
 * ZNodeBatchReader}), so a fetch holds a bounded number of bytes and the emitter gets a steady
 * stream of rows. {@link #wakeUp()} ends a fetch that waits for ZooKeeper at once. The readers of a
 * table in one TaskManager share one session ({@link SharedZooKeeperClients}).
 */
final class ZooKeeperSplitReader implements SplitReader<ZNodeRecord, ZooKeeperSplit> {
    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions options;
    private final Deque<ZooKeeperSplit> splits = new ArrayDeque<>();
    private final ZooKeeperWakeUp wakeUp = new ZooKeeperWakeUp();

    private ZooKeeperClientLease lease;
    private ZNodeBatchReader reader;
    private boolean connected;

    private ZooKeeperSplit current;
    private SubtreeWalker walker;
    private long toSkip;

    ZooKeeperSplitReader(ZNodeTreeLayout layout, ZooKeeperReadOptions options) {
        this.layout = layout;
        this.options = options;
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
        if (walker == null) {
            try {
                ensureClient();
            } catch (ZooKeeperWakeUp.WokenUpException e) {
                return out.build(); // connect again on the next fetch
            }
            walker = new SubtreeWalker(layout, reader, current.getEntries());
            toSkip = current.getNodesEmitted();
        }
        String id = current.splitId();
        if (walker.hasNext()) {
            for (ZNodeRecord row : walker.next(options.getBatchSize() * options.getMaxInFlight())) {
                if (toSkip > 0) {
                    toSkip--; // emitted before the checkpoint we restored from
                } else {
                    out.add(id, row);
                }
            }
        }
        if (!walker.hasNext()) {
            out.addFinishedSplit(id);
            current = null;
            walker = null;
        }
        return out.build();
    }

    private void ensureClient() throws IOException {
        if (lease == null) {
            int clientLimit =
                    ZooKeeperLimits.readerResponseLimit(options.getConnection().getJuteMaxBuffer());
            lease =
                    SharedZooKeeperClients.acquire(
                            SharedZooKeeperClients.Role.READER,
                            options.getConnection(),
                            clientLimit);
            reader =
                    new ZNodeBatchReader(
                            lease.client(),
                            options.getConnection(),
                            options.getBatchSize(),
                            options.getMaxInFlight(),
                            clientLimit,
                            wakeUp);
        }
        if (!connected) {
            ZooKeeperClientFactory.awaitConnection(
                    lease.client(), options.getConnection(), lease.acquiredAtMillis(), wakeUp);
            connected = true;
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ZooKeeperSplit> splitsChanges) {
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
