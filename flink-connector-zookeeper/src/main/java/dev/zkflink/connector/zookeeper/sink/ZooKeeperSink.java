package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * Upsert sink on the Sink V2 API: each record becomes a set-data-or-create or a delete of one
 * znode, written in batched {@code multi()} transactions. Delivery is at-least-once (flush on
 * checkpoint) or none; because every write is an idempotent upsert or delete by key, replays after
 * a failure converge to the same tree.
 */
public final class ZooKeeperSink<IN> implements Sink<IN> {
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
        this.serializer = serializer;
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        openFormat(serializer, context);
        return new ZooKeeperSinkWriter<>(
                options,
                rootPath,
                serializer,
                context.getProcessingTimeService(),
                context.metricGroup());
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
