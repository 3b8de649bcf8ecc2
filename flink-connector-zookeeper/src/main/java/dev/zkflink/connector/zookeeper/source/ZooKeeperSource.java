package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The DataStream source of a znode tree, made by {@link #builder()}. Its startup mode picks the
 * implementation it runs: a bounded snapshot ({@link ZooKeeperSnapshotSource}) for {@link
 * StartupMode#SNAPSHOT}, or a live changelog ({@link ZooKeeperChangelogSource}) for {@link
 * StartupMode#INITIAL} and {@link StartupMode#LATEST}. This class only hands every call on.
 *
 * <pre>{@code
 * ZooKeeperSource<String> source =
 *         ZooKeeperSource.<String>builder()
 *                 .setHosts("zk1:2181,zk2:2181")
 *                 .setPath("/app/flags")
 *                 .setStartupMode(StartupMode.SNAPSHOT)
 *                 .setDeserializer(ZNodeDeserializer.valueOnly(new SimpleStringSchema()))
 *                 .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "flags");
 * }</pre>
 */
@PublicEvolving
public final class ZooKeeperSource<T>
        implements Source<T, SourceSplit, Object>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final Source<T, ?, ?> implementation;
    private final TypeInformation<T> producedType;

    ZooKeeperSource(Source<T, ?, ?> implementation, TypeInformation<T> producedType) {
        this.implementation = implementation;
        this.producedType = producedType;
    }

    /** A builder of a source that emits records of type {@code T}. */
    public static <T> ZooKeeperSourceBuilder<T> builder() {
        return new ZooKeeperSourceBuilder<>();
    }

    /** The source this one runs: a {@link ZooKeeperSnapshotSource} or a changelog source. */
    Source<T, ?, ?> getImplementation() {
        return implementation;
    }

    /**
     * The implementation with its split and checkpoint types erased. Safe: Flink hands this source
     * only splits and checkpoints that the implementation's own enumerator and serializers made.
     */
    @SuppressWarnings("unchecked")
    private Source<T, SourceSplit, Object> erased() {
        return (Source<T, SourceSplit, Object>) implementation;
    }

    @Override
    public Boundedness getBoundedness() {
        return implementation.getBoundedness();
    }

    @Override
    public SourceReader<T, SourceSplit> createReader(SourceReaderContext readerContext)
            throws Exception {
        return erased().createReader(readerContext);
    }

    @Override
    public SplitEnumerator<SourceSplit, Object> createEnumerator(
            SplitEnumeratorContext<SourceSplit> enumContext) throws Exception {
        return erased().createEnumerator(enumContext);
    }

    @Override
    public SplitEnumerator<SourceSplit, Object> restoreEnumerator(
            SplitEnumeratorContext<SourceSplit> enumContext, Object checkpoint) throws Exception {
        return erased().restoreEnumerator(enumContext, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SourceSplit> getSplitSerializer() {
        return erased().getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Object> getEnumeratorCheckpointSerializer() {
        return erased().getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }

    @Override
    public String toString() {
        return "ZooKeeperSource{" + implementation.getClass().getSimpleName() + "}";
    }
}
