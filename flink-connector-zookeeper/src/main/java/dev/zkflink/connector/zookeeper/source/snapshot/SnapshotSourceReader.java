package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ReadScope;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Snapshot reader: one fetcher thread reads splits; the task thread decodes and emits rows. */
@Internal
public final class SnapshotSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                ZNodeRecord, T, SnapshotSplit, SnapshotSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSourceReader.class);

    private final ZNodeTreeLayout layout;

    public SnapshotSourceReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ReadScope scope,
            ZNodeDeserializer<T> deserializer,
            SourceReaderContext context) {
        this(layout, options, scope, deserializer, context, new AtomicLong());
    }

    /**
     * @param emitted rows read so far, shared by the split readers of this reader (the limit)
     */
    private SnapshotSourceReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ReadScope scope,
            ZNodeDeserializer<T> deserializer,
            SourceReaderContext context,
            AtomicLong emitted) {
        super(
                () -> new SnapshotSplitReader(layout, options, scope, emitted),
                new SnapshotRecordEmitter<>(deserializer),
                context.getConfiguration(),
                context);
        this.layout = layout;
    }

    /** Splits restored from older state are made resumable before the state and reader see them. */
    @Override
    public void addSplits(List<SnapshotSplit> splits) {
        List<SnapshotSplit> resumable = new ArrayList<>(splits.size());
        for (SnapshotSplit split : splits) {
            SnapshotSplit r = split.resumableIn(layout.getKeyMode());
            if (r != split) {
                LOG.warn(
                        "Split {} was checkpointed by an earlier version that walked {} in another"
                                + " order; reading it again from its first node (its first {}"
                                + " rows may be emitted twice).",
                        split.splitId(),
                        layout,
                        split.getNodesEmitted());
            }
            resumable.add(r);
        }
        super.addSplits(resumable);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, SnapshotSplitState> finishedSplitIds) {
        context.sendSplitRequest();
    }

    @Override
    protected SnapshotSplitState initializedState(SnapshotSplit split) {
        return new SnapshotSplitState(split);
    }

    @Override
    protected SnapshotSplit toSplitType(String splitId, SnapshotSplitState state) {
        return state.toSplit();
    }
}
