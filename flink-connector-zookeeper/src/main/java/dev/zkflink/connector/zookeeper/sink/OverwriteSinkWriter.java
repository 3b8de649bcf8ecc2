package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.SinkWriter;

import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The one writer of an {@code INSERT OVERWRITE}: an ordinary {@link ZooKeeperSinkWriter} that also
 * records the path of every row it writes, and, at the end of input and once every write is
 * durable, deletes the rows of the table that the statement did not write ({@link OverwriteSweep}).
 * Before the sweep lists the tree it syncs with the leader, so it sees every write even when its
 * session is not the writer's.
 */
final class OverwriteSinkWriter<IN> implements SinkWriter<IN> {
    private static final Logger LOG = LoggerFactory.getLogger(OverwriteSinkWriter.class);

    private final ZooKeeperWriteOptions options;
    private final ZooKeeperOverwriteSink<IN> sink;
    private final OverwriteSweep sweep;
    private final ZooKeeperSinkWriter<IN> writer;
    @Nullable private ZooKeeperClientLease sweepLease;

    OverwriteSinkWriter(
            ZooKeeperWriteOptions options,
            ZooKeeperOverwriteSink<IN> sink,
            OverwriteSweep sweep,
            ZooKeeperSinkWriter<IN> writer) {
        this.options = options;
        this.sink = sink;
        this.sweep = sweep;
        this.writer = writer;
    }

    /** Wraps a serializer so that every mutation it makes is recorded in {@code sweep}. */
    static <IN> ZNodeMutationSerializer<IN> recording(
            ZNodeMutationSerializer<IN> serializer, OverwriteSweep sweep) {
        return new ZNodeMutationSerializer<IN>() {
            private static final long serialVersionUID = 1L;

            @Override
            public void open(SerializationSchema.InitializationContext context) throws Exception {
                serializer.open(context);
            }

            @Override
            public ZNodeMutation toMutation(IN element) throws IOException {
                ZNodeMutation m = serializer.toMutation(element);
                if (m != null) {
                    if (m.isDelete()) {
                        sweep.deleted(m.getPath());
                    } else {
                        sweep.written(m.getPath());
                    }
                }
                return m;
            }
        };
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        writer.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writer.flush(endOfInput);
        if (endOfInput) {
            sweepStaleRows();
        }
    }

    private void sweepStaleRows() throws IOException {
        String root = sink.getRootPath();
        sweepLease = ZooKeeperSinkWriter.openWriterClient(options);
        syncWithLeader(root);
        SubtreeDeleter deleter = new SubtreeDeleter(sweepLease.client(), options, sink.getLayout());
        try {
            deleter.sweep(sweep.decider());
        } catch (IOException e) {
            throw new IOException(
                    String.format(
                            "INSERT OVERWRITE of the table at '%s' wrote all %d rows of its result, then"
                                    + " failed deleting the rows not in it, after deleting %d of them: %s",
                            root, sweep.writtenRows(), deleter.rowsDeleted(), e.getMessage()),
                    e);
        }
        LOG.info(
                "INSERT OVERWRITE of the table at '{}': wrote {} rows, deleted {} rows not in the result.",
                root,
                sweep.writtenRows(),
                deleter.rowsDeleted());
    }

    private void syncWithLeader(String path) throws IOException {
        CompletableFuture<Void> synced =
                ZooKeeperAsyncCalls.sync(
                        ZooKeeperCalls.handle(sweepLease.client(), options.getConnection()), path);
        try {
            ZooKeeperCalls.await(synced, options.getConnection());
        } catch (KeeperException e) {
            throw new IOException(
                    "INSERT OVERWRITE could not sync with the ZooKeeper leader before deleting the"
                            + " rows not in its result ('"
                            + path
                            + "'): "
                            + e.code(),
                    e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            writer.close();
        } finally {
            if (sweepLease != null) {
                sweepLease.close();
            }
        }
    }
}
