package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplitState;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

import java.util.Map;

/** Snapshot reader: one fetcher thread reads splits; the task thread decodes and emits rows. */
public final class ZooKeeperSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                ZNodeRecord, T, ZooKeeperSplit, ZooKeeperSplitState> {

    public ZooKeeperSourceReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ZNodeDeserializer<T> deserializer,
            SourceReaderContext context) {
        super(
                () -> new ZooKeeperSplitReader(layout, options),
                new ZooKeeperRecordEmitter<>(deserializer),
                context.getConfiguration(),
                context);
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
