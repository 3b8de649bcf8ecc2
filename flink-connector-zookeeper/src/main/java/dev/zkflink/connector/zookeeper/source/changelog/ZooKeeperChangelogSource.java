package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ReaderContexts;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Live read of a znode tree as a changelog (unbounded). Every row node is an insert when first
 * seen, an update when its data changes and a delete when it goes away.
 *
 * <p>With {@code emitSnapshot} the rows already in the tree are emitted first ({@code initial});
 * without it they are only recorded, and only later changes are emitted ({@code latest}).
 */
@Internal
public final class ZooKeeperChangelogSource<T>
        implements Source<T, BucketSplit, ChangelogEnumeratorState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions readOptions;
    private final ZNodeDeserializer<T> deserializer;
    private final boolean emitSnapshot;
    private final boolean trackChildren;
    private final ZNodePathFilter filter;

    /**
     * @param trackChildren also emit a row when its children change (for the {@code num-children},
     *     {@code cversion} and {@code pzxid} metadata)
     */
    public ZooKeeperChangelogSource(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZNodeDeserializer<T> deserializer,
            boolean emitSnapshot,
            boolean trackChildren) {
        this(layout, readOptions, deserializer, emitSnapshot, trackChildren, ZNodePathFilter.all());
    }

    /**
     * @param filter the rows to follow: the walk reads only its subtrees, events outside it are
     *     dropped, and a filter with one root puts the watch on that root instead of the table's
     */
    public ZooKeeperChangelogSource(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZNodeDeserializer<T> deserializer,
            boolean emitSnapshot,
            boolean trackChildren,
            ZNodePathFilter filter) {
        this.filter = filter;
        this.layout = layout;
        this.readOptions = readOptions;
        this.deserializer = deserializer;
        this.emitSnapshot = emitSnapshot;
        this.trackChildren = trackChildren;
    }

    public ZNodeTreeLayout getLayout() {
        return layout;
    }

    public ZooKeeperReadOptions getReadOptions() {
        return readOptions;
    }

    /** {@code initial} emits the rows already in the tree, {@code latest} does not. */
    public boolean emitsSnapshot() {
        return emitSnapshot;
    }

    public boolean tracksChildren() {
        return trackChildren;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, BucketSplit> createReader(SourceReaderContext readerContext)
            throws Exception {
        ReaderContexts.open(deserializer, readerContext);
        return ChangelogSourceReader.create(
                layout, readOptions, filter, deserializer, trackChildren, readerContext);
    }

    @Override
    public SplitEnumerator<BucketSplit, ChangelogEnumeratorState> createEnumerator(
            SplitEnumeratorContext<BucketSplit> enumContext) {
        return new ChangelogEnumerator(enumContext, !emitSnapshot, null);
    }

    @Override
    public SplitEnumerator<BucketSplit, ChangelogEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<BucketSplit> enumContext, ChangelogEnumeratorState checkpoint) {
        return new ChangelogEnumerator(enumContext, !emitSnapshot, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<BucketSplit> getSplitSerializer() {
        return BucketSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<ChangelogEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new ChangelogEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
