package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.core.io.InputStatus;

import java.util.List;
import java.util.Map;

/**
 * Live reader: one fetcher thread watches and reads the tree, the task thread turns what it saw
 * into inserts, updates and deletes. Buckets never finish.
 */
@Internal
public final class ChangelogSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                ZNodeObservation, T, BucketSplit, BucketSplitState> {
    private final ChangelogReaderMetrics metrics;

    /**
     * Whether the enumerator has answered this reader (it answers every reader, with an empty
     * assignment if it has no buckets for it). Before that, having no buckets only means they are
     * on their way: marking idle then would let other inputs' watermarks pass this reader's first
     * rows, which would then arrive late.
     */
    private boolean assignmentReceived;

    public static <T> ChangelogSourceReader<T> create(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ZNodePathFilter filter,
            ZNodeDeserializer<T> deserializer,
            boolean trackChildren,
            SourceReaderContext context) {
        ChangelogReaderMetrics metrics = ChangelogReaderMetrics.of(context.metricGroup());
        return new ChangelogSourceReader<>(
                layout,
                options,
                filter,
                deserializer,
                trackChildren,
                context,
                metrics,
                new SubtreeRereads());
    }

    private ChangelogSourceReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ZNodePathFilter filter,
            ZNodeDeserializer<T> deserializer,
            boolean trackChildren,
            SourceReaderContext context,
            ChangelogReaderMetrics metrics,
            SubtreeRereads rereads) {
        super(
                () ->
                        new ChangelogSplitReader(
                                layout, options, filter, trackChildren, metrics, rereads),
                new ChangelogRecordEmitter<>(layout, deserializer, trackChildren, metrics, rereads),
                context.getConfiguration(),
                context);
        this.metrics = metrics;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        InputStatus status = super.pollNext(output);
        if (assignmentReceived && getNumberOfCurrentlyAssignedSplits() == 0) {
            // More readers than buckets (after scaling out): never hold back watermarks.
            output.markIdle();
        }
        return status;
    }

    @Override
    public void addSplits(List<BucketSplit> splits) {
        assignmentReceived = true;
        if (!splits.isEmpty()) {
            super.addSplits(splits);
        }
    }

    @Override
    protected void onSplitFinished(Map<String, BucketSplitState> finishedSplitIds) {
        // Buckets of a live read never finish.
    }

    @Override
    protected BucketSplitState initializedState(BucketSplit split) {
        metrics.tracked(split.getTracked().size());
        return new BucketSplitState(split);
    }

    @Override
    protected BucketSplit toSplitType(String splitId, BucketSplitState state) {
        return state.toSplit();
    }
}
