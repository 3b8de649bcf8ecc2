package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ReadScope;
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
 * Bounded snapshot of a znode tree (FLIP-27). The enumerator cuts the tree into subtree splits that
 * readers pull; each reader reads its splits with batched, pipelined {@code multi} reads.
 *
 * <p>Each node is read once, at the moment it is read: this is not a point-in-time snapshot of the
 * whole tree. Nodes deleted during the read are skipped.
 *
 * <p>A {@link ReadScope} narrows the read to some subtrees, skips node data for keys-only rows and
 * lets each reader stop after a limit.
 */
@Internal
public final class ZooKeeperSnapshotSource<T>
        implements Source<T, SnapshotSplit, SnapshotEnumeratorState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions readOptions;
    private final ZNodeDeserializer<T> deserializer;
    private final ReadScope scope;

    public ZooKeeperSnapshotSource(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZNodeDeserializer<T> deserializer) {
        this(layout, readOptions, deserializer, ReadScope.everything());
    }

    public ZooKeeperSnapshotSource(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZNodeDeserializer<T> deserializer,
            ReadScope scope) {
        this.layout = layout;
        this.readOptions = readOptions;
        this.deserializer = deserializer;
        this.scope = scope;
    }

    public ZNodeTreeLayout getLayout() {
        return layout;
    }

    public ZooKeeperReadOptions getReadOptions() {
        return readOptions;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<T, SnapshotSplit> createReader(SourceReaderContext readerContext)
            throws Exception {
        ReaderContexts.open(deserializer, readerContext);
        return new SnapshotSourceReader<>(layout, readOptions, scope, deserializer, readerContext);
    }

    @Override
    public SplitEnumerator<SnapshotSplit, SnapshotEnumeratorState> createEnumerator(
            SplitEnumeratorContext<SnapshotSplit> enumContext) {
        return new SnapshotEnumerator(enumContext, layout, readOptions, scope.getFilter(), null);
    }

    @Override
    public SplitEnumerator<SnapshotSplit, SnapshotEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<SnapshotSplit> enumContext, SnapshotEnumeratorState checkpoint) {
        return new SnapshotEnumerator(
                enumContext, layout, readOptions, scope.getFilter(), checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SnapshotSplit> getSplitSerializer() {
        return SnapshotSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<SnapshotEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new SnapshotEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
