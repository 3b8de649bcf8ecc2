package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.split.BucketSplit;
import dev.zkflink.connector.zookeeper.source.split.BucketSplitState;
import dev.zkflink.connector.zookeeper.source.split.TrackedNode;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

import org.apache.zookeeper.data.Stat;

import java.util.Iterator;
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
 * Records carry the node's {@code mtime} as their timestamp.
 */
final class ChangelogRecordEmitter<T>
        implements RecordEmitter<ZNodeObservation, T, BucketSplitState> {
    private final ZNodeTreeLayout layout;
    private final ZNodeDeserializer<T> deserializer;
    private final boolean trackChildren;
    private final ChangelogReaderMetrics metrics;
    private final TimestampedCollector<T> collector = new TimestampedCollector<>();

    ChangelogRecordEmitter(
            ZNodeTreeLayout layout,
            ZNodeDeserializer<T> deserializer,
            boolean trackChildren,
            ChangelogReaderMetrics metrics) {
        this.layout = layout;
        this.deserializer = deserializer;
        this.trackChildren = trackChildren;
        this.metrics = metrics;
    }

    @Override
    public void emitRecord(ZNodeObservation obs, SourceOutput<T> output, BucketSplitState state)
            throws Exception {
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
                tracked.remove(obs.relativePath);
                metrics.tracked(-1);
                emitDelete(obs.relativePath, known);
            }
            return;
        }
        if (known == null) {
            known = TrackedNode.of(stat);
            known.setEpoch(obs.epoch);
            tracked.put(obs.relativePath, known);
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
     * (because an event read it first) is followed like any other.
     */
    private boolean isBaseline(ZNodeObservation obs, BucketSplitState state) {
        long lastChange =
                trackChildren
                        ? Math.max(obs.stat.getMzxid(), obs.stat.getPzxid())
                        : obs.stat.getMzxid();
        return obs.fromWalk
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
        Iterator<Map.Entry<String, TrackedNode>> it = tracked.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, TrackedNode> e = it.next();
            if (e.getValue().getEpoch() < epoch) {
                it.remove();
                metrics.tracked(-1);
                emitDelete(e.getKey(), e.getValue());
            }
        }
        state.baselineDone();
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
        SourceOutput<T> output;
        long timestamp;

        @Override
        public void collect(T record) {
            output.collect(record, timestamp);
        }

        @Override
        public void close() {}
    }
}
