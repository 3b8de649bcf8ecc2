package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Upsert sink on the Sink V2 API: each record becomes a set-data-or-create or a delete of one
 * znode, written in batched {@code multi()} transactions. Delivery is at-least-once (flush on
 * checkpoint) or none; because every write is an idempotent upsert or delete by key, replays after
 * a failure converge to the same tree (conditional writes: see {@link VersionConflicts}). The
 * writer's state holds the ephemeral nodes of an ephemeral table, so a restored writer creates them
 * again.
 *
 * <p>DataStream programs make it with {@link #builder()}, which returns a {@link
 * ZooKeeperExactlyOnceSink} instead for {@code DeliveryGuarantee.EXACTLY_ONCE}:
 *
 * <pre>{@code
 * Sink<Flag> sink =
 *         ZooKeeperSink.<Flag>builder()
 *                 .setHosts("zk1:2181,zk2:2181")
 *                 .setPath("/app/flags")
 *                 .setSerializer(ZNodeMutationSerializer.keyValue(Flag::getName, new FlagSchema()))
 *                 .build();
 * }</pre>
 */
@PublicEvolving
public final class ZooKeeperSink<IN>
        implements WriterInitContextSink<IN>, SupportsWriterState<IN, ZooKeeperWriterState> {
    private static final long serialVersionUID = 1L;

    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final ZNodeMutationSerializer<IN> serializer;

    public ZooKeeperSink(
            ZooKeeperWriteOptions options,
            String rootPath,
            ZNodeMutationSerializer<IN> serializer) {
        this.options = options;
        this.rootPath = rootPath;
        this.serializer = serializer.forSinkPath(rootPath);
    }

    ZooKeeperWriteOptions getWriteOptions() {
        return options;
    }

    String getRootPath() {
        return rootPath;
    }

    ZNodeMutationSerializer<IN> getSerializer() {
        return serializer;
    }

    /**
     * A builder of a sink for records of type {@code IN}; see {@link ZooKeeperSinkBuilder} for its
     * settings and their defaults.
     */
    public static <IN> ZooKeeperSinkBuilder<IN> builder() {
        return new ZooKeeperSinkBuilder<>();
    }

    @Override
    public StatefulSinkWriter<IN, ZooKeeperWriterState> createWriter(WriterInitContext context)
            throws IOException {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSinkWriter<IN, ZooKeeperWriterState> restoreWriter(
            WriterInitContext context, Collection<ZooKeeperWriterState> recoveredState)
            throws IOException {
        openFormat(serializer, context);
        List<ZNodeMutation> ephemerals = new ArrayList<>();
        for (ZooKeeperWriterState state : recoveredState) {
            ephemerals.addAll(state.getEphemeralNodes());
        }
        return new ZooKeeperSinkWriter<>(
                options,
                rootPath,
                serializer,
                context.getProcessingTimeService(),
                context.metricGroup(),
                ephemerals,
                context.getRestoredCheckpointId().isPresent());
    }

    @Override
    public SimpleVersionedSerializer<ZooKeeperWriterState> getWriterStateSerializer() {
        return new ZooKeeperWriterStateSerializer();
    }

    /** Opens the value format of a writer's serializer; shared by both sinks. */
    static void openFormat(ZNodeMutationSerializer<?> serializer, WriterInitContext context)
            throws IOException {
        try {
            serializer.open(context.asSerializationSchemaInitializationContext());
        } catch (Exception e) {
            throw new IOException("Opening the value format failed: " + e.getMessage(), e);
        }
    }
}
