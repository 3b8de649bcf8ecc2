package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;

import org.apache.flink.api.connector.sink2.CommittingSinkWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The writer of {@code 'sink.delivery-guarantee' = 'exactly-once'}: it writes nothing to ZooKeeper.
 * It collapses the mutations of one checkpoint interval per path, with the same rule as the
 * at-least-once writer (an upsert never folds into a buffered delete of the same path; it starts a
 * new segment instead), and hands them to the committer at the checkpoint. Needs no session.
 */
final class ZooKeeperCommittingSinkWriter<IN>
        implements CommittingSinkWriter<IN, ZNodeCommittable> {
    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final ZNodeMutationSerializer<IN> serializer;
    private final int juteMaxBuffer;

    /** Segments already closed by a delete-then-upsert of one path, in order. */
    private final List<ZNodeMutation> closedSegments = new ArrayList<>();

    private LinkedHashMap<Object, ZNodeMutation> segment = new LinkedHashMap<>();
    private long bufferedBytes;

    ZooKeeperCommittingSinkWriter(
            ZooKeeperWriteOptions options,
            String rootPath,
            ZNodeMutationSerializer<IN> serializer) {
        this.options = options;
        this.rootPath = rootPath;
        this.serializer = serializer;
        this.juteMaxBuffer = options.getConnection().getJuteMaxBuffer();
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        ZNodeMutation mutation = serializer.toMutation(element);
        if (mutation == null) {
            return;
        }
        ZooKeeperSinkWriter.checkSize(mutation, rootPath, juteMaxBuffer);
        ZooKeeperSinkWriter.checkRow(mutation, rootPath, options);
        checkPathFitsState(mutation);
        if (options.getCreateMode().isSequential()) {
            mutation = mutation.withSequenceGuard(java.util.UUID.randomUUID().toString());
        }
        Object key =
                mutation.getSequenceGuard() != null
                        ? mutation.getSequenceGuard()
                        : mutation.getPath();
        ZNodeMutation earlier = segment.get(key);
        if (earlier != null && !ZooKeeperSinkWriter.foldsInto(mutation, earlier)) {
            closedSegments.addAll(segment.values());
            segment = new LinkedHashMap<>();
            earlier = null;
        }
        if (earlier != null) {
            segment.remove(key);
            bufferedBytes -= ZooKeeperSinkWriter.heapBytes(earlier);
        }
        segment.put(key, mutation);
        bufferedBytes += ZooKeeperSinkWriter.heapBytes(mutation);
        if (bufferedBytes > options.getBufferFlushMaxBytes()) {
            throw new IOException(
                    String.format(
                            "The changes of one checkpoint interval of this sink subtask exceed "
                                    + "'sink.buffer-flush.max-bytes' = %d bytes. With "
                                    + "'sink.delivery-guarantee' = 'exactly-once' they are held until "
                                    + "the checkpoint completes: checkpoint more often, or raise "
                                    + "'sink.buffer-flush.max-bytes' (and the TaskManager heap).",
                            options.getBufferFlushMaxBytes()));
        }
    }

    private void checkPathFitsState(ZNodeMutation m) throws IOException {
        checkPathFitsState(
                m,
                rootPath,
                "With 'sink.delivery-guarantee' = 'exactly-once' paths are kept in checkpoint state",
                " Shorten the key, or use 'at-least-once'.");
    }

    /**
     * Refuses a row whose path cannot be kept in checkpoint state ({@code keptBecause} says why it
     * would be). Caught here, naming the row, rather than as a failing checkpoint, again on each
     * restart.
     */
    static void checkPathFitsState(
            ZNodeMutation m, String rootPath, String keptBecause, String advice)
            throws IOException {
        int bytes = ZNodeCommittableSerializer.encodedLength(m.getPath());
        if (bytes > ZNodeCommittableSerializer.MAX_PATH_BYTES) {
            throw new IOException(
                    String.format(
                            "The row with key '%.200s...' maps to a path of %d bytes. %s, which"
                                    + " holds at most %d bytes per path. The row was not written.%s",
                            ZNodePaths.relativize(rootPath, m.getPath()),
                            bytes,
                            keptBecause,
                            ZNodeCommittableSerializer.MAX_PATH_BYTES,
                            advice));
        }
    }

    @Override
    public void flush(boolean endOfInput) {
        // Nothing is written here: prepareCommit hands the buffer to the committer.
    }

    @Override
    public Collection<ZNodeCommittable> prepareCommit() {
        if (closedSegments.isEmpty() && segment.isEmpty()) {
            return Collections.emptyList();
        }
        List<ZNodeMutation> all = new ArrayList<>(closedSegments.size() + segment.size());
        all.addAll(closedSegments);
        all.addAll(segment.values());
        closedSegments.clear();
        segment = new LinkedHashMap<>();
        bufferedBytes = 0;
        return Collections.singletonList(new ZNodeCommittable(all));
    }

    @Override
    public void close() {}
}
