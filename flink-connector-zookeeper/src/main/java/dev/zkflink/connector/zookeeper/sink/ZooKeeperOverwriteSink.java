package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * The sink of a batch {@code INSERT OVERWRITE}: writes like {@link ZooKeeperSink} (at-least-once or
 * none), and when the input has ended deletes every row of the table that the statement did not
 * write.
 *
 * <p>It must run as <b>one</b> writer ({@link #PARALLELISM}): only a writer that has seen every row
 * of the result knows which rows are stale, and only at its own end of input is every row of the
 * result durable. Several writers would each delete the rows the others wrote.
 */
@Internal
public final class ZooKeeperOverwriteSink<IN> implements WriterInitContextSink<IN> {
    private static final long serialVersionUID = 1L;

    /** The parallelism an overwrite must run at. */
    public static final int PARALLELISM = 1;

    private final ZooKeeperWriteOptions options;
    private final ZNodeTreeLayout layout;
    private final ZNodeMutationSerializer<IN> serializer;

    public ZooKeeperOverwriteSink(
            ZooKeeperWriteOptions options,
            ZNodeTreeLayout layout,
            ZNodeMutationSerializer<IN> serializer) {
        this.options = options;
        this.layout = layout;
        this.serializer = serializer;
    }

    String getRootPath() {
        return layout.getRootPath();
    }

    ZNodeTreeLayout getLayout() {
        return layout;
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        int subtasks = context.getTaskInfo().getNumberOfParallelSubtasks();
        if (subtasks != PARALLELISM) {
            // The planner sets the parallelism; a DataStream user might not.
            throw new IOException(
                    String.format(
                            "An overwrite of the table at '%s' must run as one writer, but runs as %d:"
                                    + " each would delete the rows the others wrote.",
                            layout.getRootPath(), subtasks));
        }
        ZooKeeperSink.openFormat(serializer, context);
        OverwriteSweep sweep = new OverwriteSweep(layout);
        ZooKeeperSinkWriter<IN> writer =
                new ZooKeeperSinkWriter<>(
                        options,
                        layout.getRootPath(),
                        OverwriteSinkWriter.recording(serializer, sweep),
                        context.getProcessingTimeService(),
                        context.metricGroup(),
                        java.util.Collections.emptyList(),
                        false);
        return new OverwriteSinkWriter<>(options, this, sweep, writer);
    }
}
