package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Buffers mutations, collapsed per path (last write wins; a re-written path moves to the end, so
 * the relative order of the surviving writes is the order of their last update), and writes them on
 * {@code sink.buffer-flush.max-rows}, on the {@code sink.buffer-flush.interval} timer and on
 * checkpoints. Writes are pipelined ({@code sink.max-in-flight}): a flush sends and goes on, and
 * {@link #flush} (checkpoint, end of input) waits until everything sent is durable. Everything runs
 * on the task's mailbox thread, timers and the handling of answers included.
 */
final class ZooKeeperSinkWriter<IN> implements SinkWriter<IN> {
    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final ZNodeMutationSerializer<IN> serializer;
    private final ProcessingTimeService timeService;
    private final ZooKeeperClientLease lease;
    private final ZNodeBatchWriter batchWriter;
    private final LinkedHashMap<String, ZNodeMutation> buffer = new LinkedHashMap<>();
    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final int juteMaxBuffer;

    /** Estimated heap held by {@link #buffer}; bounded by {@code sink.buffer-flush.max-bytes}. */
    private long bufferedBytes;

    private volatile long lastSendTimeMs;

    ZooKeeperSinkWriter(
            ZooKeeperWriteOptions options,
            String rootPath,
            ZNodeMutationSerializer<IN> serializer,
            ProcessingTimeService timeService,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.options = options;
        this.rootPath = rootPath;
        this.serializer = serializer;
        this.timeService = timeService;
        this.juteMaxBuffer = options.getConnection().getJuteMaxBuffer();
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        metrics.setCurrentSendTimeGauge(() -> lastSendTimeMs);
        this.lease = openWriterClient(options);
        this.batchWriter = new ZNodeBatchWriter(lease.client(), options, rootPath, this::written);
        try {
            ensureRoot(lease.client(), batchWriter, rootPath);
        } catch (IOException | RuntimeException e) {
            lease.close(); // a restarting task must not leave a session behind
            throw e;
        }
        scheduleFlush();
    }

    /**
     * A connected lease on the client that the sink writers and committers of this table share in
     * this TaskManager. Requests are sized to jute.maxbuffer; responses may be larger: the children
     * of a wide subtree that a DELETE removes.
     */
    static ZooKeeperClientLease openWriterClient(ZooKeeperWriteOptions options) throws IOException {
        ZooKeeperClientLease lease =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.WRITER,
                        options.getConnection(),
                        ZooKeeperLimits.responseLimit(
                                options.getConnection().getJuteMaxBuffer(),
                                ZooKeeperLimits.WRITER_RESPONSE_FACTOR));
        try {
            ZooKeeperClientFactory.awaitConnection(
                    lease.client(),
                    options.getConnection(),
                    lease.acquiredAtMillis(),
                    ZooKeeperWakeUp.NEVER);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
        return lease;
    }

    /** Creates the table root and its ancestors if missing; the batch writer stays below it. */
    static void ensureRoot(CuratorFramework client, ZNodeBatchWriter batchWriter, String rootPath)
            throws IOException {
        try {
            // Check first: creating an existing node still needs CREATE on its parent.
            if (client.checkExists().forPath(rootPath) != null) {
                batchWriter.markExisting(rootPath);
                return;
            }
            client.create().creatingParentsIfNeeded().forPath(rootPath);
        } catch (KeeperException.NodeExistsException e) {
            // the usual case
        } catch (Exception e) {
            throw new IOException(
                    "Could not create the table root '" + rootPath + "': " + e.getMessage(), e);
        }
        batchWriter.markExisting(rootPath);
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        batchWriter.pollCompleted();
        ZNodeMutation mutation = serializer.toMutation(element);
        if (mutation == null) {
            return;
        }
        checkSize(mutation, rootPath, juteMaxBuffer);
        ZNodeMutation earlier = buffer.get(mutation.getPath());
        if (earlier != null && earlier.isDelete() && !mutation.isDelete()) {
            // The delete removes a whole subtree, and writes buffered after it may re-create
            // parts of it. Folding it into this upsert would move it behind them: send it first.
            flushBuffer();
        }
        ZNodeMutation replaced = buffer.remove(mutation.getPath());
        if (replaced != null) {
            bufferedBytes -= heapBytes(replaced);
        }
        buffer.put(mutation.getPath(), mutation);
        bufferedBytes += heapBytes(mutation);
        if (buffer.size() >= options.getBufferFlushMaxRows()
                || bufferedBytes >= options.getBufferFlushMaxBytes()) {
            flushBuffer();
        }
    }

    /** Data, the path's chars and the map entry: what a buffered mutation keeps on the heap. */
    static long heapBytes(ZNodeMutation m) {
        return 96L + 2L * m.getPath().length() + (m.isDelete() ? 0 : m.getData().length);
    }

    static void checkSize(ZNodeMutation m, String rootPath, int juteMaxBuffer) throws IOException {
        if (m.isDelete()) {
            return;
        }
        int max = ZooKeeperLimits.maxDataBytes(juteMaxBuffer, m.getPath());
        if (m.getData().length > max) {
            throw new IOException(
                    String.format(
                            "The row with key '%s' encodes to %d bytes of znode data for '%s', more than "
                                    + "the %d bytes this table can write: 'properties.jute.maxbuffer' is %d "
                                    + "bytes and a request also carries the path and framing. The row was not "
                                    + "written. Shrink the value, or raise jute.maxbuffer on the servers and "
                                    + "in 'properties.jute.maxbuffer'.",
                            ZNodePaths.relativize(rootPath, m.getPath()),
                            m.getData().length,
                            m.getPath(),
                            max,
                            juteMaxBuffer));
        }
    }

    /**
     * The at-least-once point: on a checkpoint (unless the guarantee is none) and at the end of
     * input, everything buffered and sent is durable when this returns.
     */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (endOfInput || options.getDeliveryGuarantee() != DeliveryGuarantee.NONE) {
            flushBuffer();
            batchWriter.awaitAll();
        }
    }

    /** Sends the buffer; its transactions complete later, counted by {@link #written}. */
    private void flushBuffer() throws IOException {
        batchWriter.pollCompleted(); // also on timer flushes of an idle stream
        if (buffer.isEmpty()) {
            return;
        }
        List<ZNodeMutation> batch = new ArrayList<>(buffer.values());
        buffer.clear();
        bufferedBytes = 0;
        batchWriter.send(batch);
    }

    private void written(int mutations, long dataBytes, long nanosSinceSent) {
        numRecordsSend.inc(mutations);
        numBytesSend.inc(dataBytes);
        lastSendTimeMs = nanosSinceSent / 1_000_000;
    }

    private void scheduleFlush() {
        long interval = options.getBufferFlushInterval().toMillis();
        if (interval <= 0) {
            return;
        }
        timeService.registerTimer(
                timeService.getCurrentProcessingTime() + interval,
                time -> {
                    flushBuffer();
                    scheduleFlush();
                });
    }

    @Override
    public void close() {
        lease.close();
    }
}
