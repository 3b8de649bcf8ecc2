package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ReadScope;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplitState;

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
public final class ZooKeeperSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                ZNodeRecord, T, ZooKeeperSplit, ZooKeeperSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSourceReader.class);

    private final ZNodeTreeLayout layout;

    public ZooKeeperSourceReader(
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
    private ZooKeeperSourceReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ReadScope scope,
            ZNodeDeserializer<T> deserializer,
            SourceReaderContext context,
            AtomicLong emitted) {
        super(
                () -> new ZooKeeperSplitReader(layout, options, scope, emitted),
                new ZooKeeperRecordEmitter<>(deserializer),
                context.getConfiguration(),
                context);
        this.layout = layout;
    }

    /** Splits restored from older state are made resumable before the state and reader see them. */
    @Override
    public void addSplits(List<ZooKeeperSplit> splits) {
        List<ZooKeeperSplit> resumable = new ArrayList<>(splits.size());
        for (ZooKeeperSplit split : splits) {
            ZooKeeperSplit r = split.resumableIn(layout.getKeyMode());
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
    protected void onSplitFinished(Map<String, ZooKeeperSplitState> finishedSplitIds) {
        context.sendSplitRequest();
    }

    @Override
    protected ZooKeeperSplitState initializedState(ZooKeeperSplit split) {
        return new ZooKeeperSplitState(split);
    }

    @Override
    protected ZooKeeperSplit toSplitType(String splitId, ZooKeeperSplitState state) {
        return state.toSplit();
    }
}
