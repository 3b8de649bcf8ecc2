package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * Buffers mutations, collapsed per path (last write wins; a re-written path moves to the end, so
 * the relative order of the surviving writes is the order of their last update), and writes them on
 * {@code sink.buffer-flush.max-rows}, on the {@code sink.buffer-flush.interval} timer and on
 * checkpoints. Writes are pipelined ({@code sink.max-in-flight}): a flush sends and goes on, and
 * {@link #flush} (checkpoint, end of input) waits until everything sent is durable. Everything runs
 * on the task's mailbox thread, timers and the handling of answers included.
 *
 * <p>A conditional row (an expected version) never folds into a buffered row of its key, nor the
 * other way round: the buffer is sent first, so each keeps its own expected version. Rows of a
 * sequential table never fold: each creates its own node.
 *
 * <p>In an ephemeral create mode the writer has a session of its own and holds the nodes it wrote
 * ({@link HeldEphemeralNodes}); when its session is replaced (expiry) or it is restored from a
 * checkpoint, it creates them again. The held nodes are its checkpointed state.
 */
final class ZooKeeperSinkWriter<IN> implements StatefulSinkWriter<IN, ZooKeeperWriterState> {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSinkWriter.class);

    /**
     * How often an ephemeral writer checks, without rows arriving, that its session is the same.
     */
    static final long EPHEMERAL_CHECK_INTERVAL_MS = 500;

    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final ZNodeMutationSerializer<IN> serializer;
    private final ProcessingTimeService timeService;
    private final ZooKeeperClientLease lease;
    private final ZNodeBatchWriter batchWriter;
    private final LinkedHashMap<Object, ZNodeMutation> buffer = new LinkedHashMap<>();
    private final HeldEphemeralNodes ephemerals = new HeldEphemeralNodes();
    private final boolean ephemeral;
    private final boolean sequential;
    private final Counter numRecordsSend;
    private final Counter numVersionConflicts;
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
            SinkWriterMetricGroup metrics,
            List<ZNodeMutation> restoredEphemerals,
            boolean restored)
            throws IOException {
        this.options = options;
        this.ephemeral = options.getCreateMode().isEphemeral();
        this.sequential = options.getCreateMode().isSequential();
        this.rootPath = rootPath;
        this.serializer = serializer;
        this.timeService = timeService;
        this.juteMaxBuffer = options.getConnection().getJuteMaxBuffer();
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.numVersionConflicts = metrics.counter("numVersionConflicts");
        metrics.setCurrentSendTimeGauge(() -> lastSendTimeMs);
        metrics.gauge("numHeldEphemeralNodes", ephemerals::size);
        this.lease = openWriterClient(options);
        this.batchWriter =
                new ZNodeBatchWriter(
                        lease.client(),
                        options,
                        rootPath,
                        new ZNodeBatchWriter.WriteListener() {
                            @Override
                            public void written(
                                    List<ZNodeMutation> mutations,
                                    long dataBytes,
                                    long nanosSinceSent,
                                    long sessionId) {
                                onWritten(mutations, dataBytes, nanosSinceSent, sessionId);
                            }

                            @Override
                            public void versionConflictSkipped(ZNodeMutation mutation) {
                                numVersionConflicts.inc();
                            }
                        });
        try {
            ensureRoot(lease.client(), batchWriter, rootPath, options);
            batchWriter.setReplaying(restored);
            ephemerals.restore(restoredEphemerals);
            keepEphemeralsAlive();
        } catch (IOException | RuntimeException e) {
            lease.close(); // a restarting task must not leave a session behind
            throw e;
        }
        scheduleFlush();
        if (ephemeral) {
            scheduleEphemeralCheck();
        }
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
                                ZooKeeperLimits.WRITER_RESPONSE_FACTOR),
                        !options.getConnection().isSharedSession()
                                || options.getCreateMode().isEphemeral());
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

    /**
     * Creates the table root and its ancestors if missing, with 'sink.acl'; the batch writer stays
     * below it.
     */
    static void ensureRoot(
            CuratorFramework client,
            ZNodeBatchWriter batchWriter,
            String rootPath,
            ZooKeeperWriteOptions options)
            throws IOException {
        try {
            // Check first: creating an existing node still needs CREATE on its parent.
            if (client.checkExists().forPath(rootPath) != null) {
                batchWriter.markExisting(rootPath);
                return;
            }
            client.create()
                    .creatingParentsIfNeeded()
                    .withACL(options.getAcl().toAcls(), true)
                    .forPath(rootPath);
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
        keepEphemeralsAlive();
        ZNodeMutation mutation = serializer.toMutation(element);
        if (mutation == null) {
            return;
        }
        checkSize(mutation, rootPath, juteMaxBuffer);
        checkRow(mutation, rootPath, options);
        if (sequential) {
            mutation = mutation.withSequenceGuard(UUID.randomUUID().toString());
        }
        Object key = sequential ? mutation.getSequenceGuard() : mutation.getPath();
        ZNodeMutation earlier = buffer.get(key);
        if (earlier != null && !foldsInto(mutation, earlier)) {
            flushBuffer();
        }
        ZNodeMutation replaced = buffer.remove(key);
        if (replaced != null) {
            bufferedBytes -= heapBytes(replaced);
        }
        buffer.put(key, mutation);
        bufferedBytes += heapBytes(mutation);
        if (buffer.size() >= options.getBufferFlushMaxRows()
                || bufferedBytes >= options.getBufferFlushMaxBytes()) {
            flushBuffer();
        }
    }

    /**
     * Whether {@code later} may replace {@code earlier} of the same key in a buffer. Not over a
     * delete (it removes a whole subtree, and writes buffered after it may re-create parts of it:
     * folding would move it behind them), and not when either is conditional (each keeps its own
     * expected version).
     */
    static boolean foldsInto(ZNodeMutation later, ZNodeMutation earlier) {
        return !(earlier.isDelete() && !later.isDelete())
                && !earlier.isConditional()
                && !later.isConditional();
    }

    /** What the create mode allows of a row, checked before it is buffered; names the row. */
    static void checkRow(ZNodeMutation m, String rootPath, ZooKeeperWriteOptions options)
            throws IOException {
        ZNodeCreateMode mode = options.getCreateMode();
        String key = ZNodePaths.relativize(rootPath, m.getPath());
        if (mode.isSequential() && (m.isDelete() || m.isConditional())) {
            throw new IOException(
                    String.format(
                            "The row with key '%s' is a %s, but 'sink.create-mode' = '%s' is"
                                    + " insert-only: every row creates a new node, so there is no node"
                                    + " of that key to change. The row was not written.",
                            key, m.isDelete() ? "delete" : "conditional write", mode));
        }
        if (mode.isEphemeral()) {
            ZooKeeperCommittingSinkWriter.checkPathFitsState(
                    m,
                    rootPath,
                    "An ephemeral table keeps its nodes' paths in checkpoint state",
                    "");
        }
        if (m.getTtlMillis() != ZNodeMutation.TABLE_TTL) {
            if (!mode.isTtl()) {
                throw new IOException(
                        String.format(
                                "The row with key '%s' carries a TTL (metadata 'ttl'), but"
                                        + " 'sink.create-mode' = '%s' creates nodes without one.",
                                key, mode));
            }
            try {
                ZooKeeperWriteOptions.checkTtl(
                        m.getTtlMillis(), "The 'ttl' of the row with key '" + key + "'");
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage() + " The row was not written.", e);
            }
        } else if (mode.isTtl()
                && options.getTtl() == null
                && !m.isDelete()
                && !m.isConditional()) {
            // A conditional upsert never creates (it is a setData), so it needs no TTL.
            throw new IOException(
                    String.format(
                            "The row with key '%s' has no TTL: 'sink.create-mode' = '%s' needs one."
                                    + " Give the row a non-NULL 'ttl' metadata column, or set"
                                    + " 'sink.ttl'. The row was not written.",
                            key, mode));
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

    private void onWritten(
            List<ZNodeMutation> mutations, long dataBytes, long nanosSinceSent, long sessionId) {
        numRecordsSend.inc(mutations.size());
        numBytesSend.inc(dataBytes);
        lastSendTimeMs = nanosSinceSent / 1_000_000;
        if (ephemeral) {
            ephemerals.written(mutations, sessionId);
        }
    }

    /**
     * Re-creates the held ephemeral nodes that the current session does not own: after a session
     * expiry (ZooKeeper deleted them) and after a restore (the old session's copies are replaced,
     * see {@link ZNodeOpPlanner}). Waits for the transactions in flight first, so it knows the
     * session each of them was written on.
     */
    private void keepEphemeralsAlive() throws IOException {
        if (!ephemeral) {
            return;
        }
        long session = lease.client().getZookeeperClient().isConnected() ? sessionId() : 0;
        if (session == 0 || ephemerals.allOwnedBy(session)) {
            return;
        }
        batchWriter.awaitAll();
        session = sessionId();
        List<ZNodeMutation> lost = ephemerals.notOwnedBy(session);
        if (lost.isEmpty()) {
            return;
        }
        LOG.info(
                "Creating again {} ephemeral node(s) below '{}' on session 0x{}: they belonged to an"
                        + " expired session or to the attempt this writer was restored from.",
                lost.size(),
                rootPath,
                Long.toHexString(session));
        batchWriter.forgetKnownPaths();
        batchWriter.send(lost);
        batchWriter.awaitAll();
    }

    private long sessionId() throws IOException {
        return ZooKeeperCalls.handle(lease.client(), options.getConnection()).getSessionId();
    }

    private void scheduleEphemeralCheck() {
        timeService.registerTimer(
                timeService.getCurrentProcessingTime() + EPHEMERAL_CHECK_INTERVAL_MS,
                time -> {
                    batchWriter.pollCompleted();
                    keepEphemeralsAlive();
                    scheduleEphemeralCheck();
                });
    }

    @Override
    public List<ZooKeeperWriterState> snapshotState(long checkpointId) {
        // flush() has made every row before this checkpoint durable: later rows are not replays.
        batchWriter.setReplaying(false);
        if (!ephemeral) {
            return Collections.emptyList();
        }
        return Collections.singletonList(new ZooKeeperWriterState(ephemerals.all()));
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
