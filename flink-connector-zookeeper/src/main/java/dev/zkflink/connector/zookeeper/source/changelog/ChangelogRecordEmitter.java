package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Turns observations into changes by comparing them with the split's tracked nodes, on the task
 * thread, so the tracked nodes in a checkpoint match exactly what was emitted before its barrier.
 *
 * <ul>
 *   <li>not tracked, present: insert (a {@code latest} baseline walk records nodes unchanged since
 *       its start point without emitting them).
 *   <li>tracked, other {@code czxid}: the node was deleted and created again: delete, then insert.
 *   <li>tracked, other {@code mzxid} (or {@code pzxid} when child metadata is read): update.
 *   <li>tracked, absent: delete.
 *   <li>anything else (a read that saw nothing new): nothing.
 * </ul>
 *
 * <p>When rows can lie below rows (relative-path keys), a delete of a row (gone, or deleted and
 * created again) is followed by deletes of the rows tracked below it, which are gone with it: a
 * consumer such as the relative-path sink deletes the whole subtree anyway. The fetcher is then
 * asked to read that subtree again ({@link SubtreeRereads}), so every row still below it is
 * inserted again after those deletes, whichever order the reads before happened in.
 *
 * <p>Records carry the node's {@code mtime} as their timestamp. Flink's {@code numRecordsIn} counts
 * the records emitted here, not the observations (see {@link ChangelogReaderMetrics}).
 */
final class ChangelogRecordEmitter<T>
        implements RecordEmitter<ZNodeObservation, T, BucketSplitState> {
    private final ZNodeTreeLayout layout;
    private final ZNodeDeserializer<T> deserializer;
    private final boolean trackChildren;
    private final ChangelogReaderMetrics metrics;
    private final SubtreeRereads rereads;
    private final boolean rowsBelowRows;
    private final TimestampedCollector<T> collector;

    ChangelogRecordEmitter(
            ZNodeTreeLayout layout,
            ZNodeDeserializer<T> deserializer,
            boolean trackChildren,
            ChangelogReaderMetrics metrics,
            SubtreeRereads rereads) {
        this.layout = layout;
        this.deserializer = deserializer;
        this.trackChildren = trackChildren;
        this.metrics = metrics;
        this.rereads = rereads;
        this.rowsBelowRows = layout.getKeyMode() == KeyMode.RELATIVE_PATH;
        this.collector = new TimestampedCollector<>(metrics);
    }

    @Override
    public void emitRecord(ZNodeObservation obs, SourceOutput<T> output, BucketSplitState state)
            throws Exception {
        metrics.observationTaken(); // rows are counted as they are emitted
        collector.output = output;
        Map<String, TrackedNode> tracked = state.tracked();
        if (obs.resyncStart) {
            state.walkStarted(obs.watchZxid);
            return;
        }
        if (obs.resyncEnd) {
            endResync(obs.epoch, state, tracked);
            return;
        }
        TrackedNode known = tracked.get(obs.relativePath);
        Stat stat = obs.stat;
        boolean silent = known == null && stat != null && isBaseline(obs, state);
        if (stat == null) {
            if (known != null) {
                state.untrack(obs.relativePath);
                metrics.tracked(-1);
                emitDelete(obs.relativePath, known);
                deleteBelow(obs.relativePath, state);
            }
            return;
        }
        if (known == null) {
            known = TrackedNode.of(stat);
            known.setEpoch(obs.epoch);
            state.track(obs.relativePath, known);
            metrics.tracked(1);
            if (!silent) {
                emit(obs, ChangeKind.INSERT);
            }
            return;
        }
        known.setEpoch(Math.max(known.getEpoch(), obs.epoch));
        // Reads never go back in time (one session; a new session is synced before it is read
        // from), so any difference is a change. Comparing for inequality rather than "newer" also
        // holds after a restore against an ensemble rebuilt with lower zxids.
        if (known.getCzxid() != stat.getCzxid()) {
            TrackedNode previous =
                    new TrackedNode(
                            known.getCzxid(), known.getMzxid(), known.getPzxid(), known.getMtime());
            known.update(stat);
            emitDelete(obs.relativePath, previous);
            deleteBelow(obs.relativePath, state);
            emit(obs, ChangeKind.INSERT);
        } else if (stat.getMzxid() != known.getMzxid()
                || (trackChildren && stat.getPzxid() != known.getPzxid())) {
            known.update(stat);
            emit(obs, ChangeKind.UPDATE);
        }
    }

    /**
     * 'latest' records what its first walk finds without emitting it, but only the state a node had
     * at the start point: a node changed after it (the walk may read such a change before the
     * change's own event is read, which then sees nothing new) is emitted. A row already emitted
     * (because an event read it first) is followed like any other. An event read that finds a state
     * from before the start point is silent too: a reader that joins a shared watch receives events
     * from shortly before its start point. A row read again after the rows below a deleted row were
     * deleted downstream is never silent: it must come back.
     */
    private boolean isBaseline(ZNodeObservation obs, BucketSplitState state) {
        long lastChange =
                trackChildren
                        ? Math.max(obs.stat.getMzxid(), obs.stat.getPzxid())
                        : obs.stat.getMzxid();
        return !obs.reread
                && state.isBaselinePending()
                && state.baselineZxid() != BucketSplit.NO_ZXID
                && lastChange <= state.baselineZxid();
    }

    /**
     * Tracked nodes that no read saw since the walk began are gone. They are deleted downstream
     * even during a 'latest' baseline: a delete of a row that was never emitted is harmless.
     */
    private void endResync(long epoch, BucketSplitState state, Map<String, TrackedNode> tracked)
            throws Exception {
        List<String> unseen = new ArrayList<>();
        for (Map.Entry<String, TrackedNode> e : tracked.entrySet()) {
            if (e.getValue().getEpoch() < epoch) {
                unseen.add(e.getKey());
            }
        }
        Collections.sort(unseen); // parents first: their deletes take the rows below along
        for (String path : unseen) {
            TrackedNode node = state.untrack(path);
            if (node != null) {
                metrics.tracked(-1);
                emitDelete(path, node);
                deleteBelow(path, state);
            }
        }
        state.baselineDone();
    }

    /**
     * After a delete of {@code relativePath}: deletes of the rows tracked below it, and a request
     * to read its subtree again so the rows still there are inserted after them.
     */
    private void deleteBelow(String relativePath, BucketSplitState state) throws Exception {
        if (!rowsBelowRows) {
            return;
        }
        List<Map.Entry<String, TrackedNode>> below = state.untrackDescendants(relativePath);
        if (below.isEmpty()) {
            return;
        }
        metrics.tracked(-below.size());
        for (Map.Entry<String, TrackedNode> e : below) {
            emitDelete(e.getKey(), e.getValue());
        }
        rereads.request(relativePath);
    }

    private void emit(ZNodeObservation obs, ChangeKind kind) throws Exception {
        collector.timestamp = obs.stat.getMtime();
        deserializer.deserialize(
                new ZNodeRecord(
                        obs.relativePath,
                        layout.absolute(obs.relativePath),
                        obs.data,
                        obs.stat,
                        kind),
                collector);
    }

    private void emitDelete(String relativePath, TrackedNode node) throws Exception {
        collector.timestamp = node.getMtime();
        deserializer.deserialize(
                new ZNodeRecord(
                        relativePath,
                        layout.absolute(relativePath),
                        null,
                        node.toDeleteStat(),
                        ChangeKind.DELETE),
                collector);
    }

    private static final class TimestampedCollector<T> implements Collector<T> {
        private final ChangelogReaderMetrics metrics;
        SourceOutput<T> output;
        long timestamp;

        TimestampedCollector(ChangelogReaderMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void collect(T record) {
            metrics.rowEmitted();
            output.collect(record, timestamp);
        }

        @Override
        public void close() {}
    }
}
