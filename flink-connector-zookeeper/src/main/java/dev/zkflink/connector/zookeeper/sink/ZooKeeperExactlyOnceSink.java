package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;

/**
 * {@code 'sink.delivery-guarantee' = 'exactly-once'}: writers collect each checkpoint interval's
 * collapsed mutations as a committable, and the committer applies it only once that checkpoint has
 * completed. A failover therefore never leaves in ZooKeeper a change that the restored checkpoint
 * does not know about. Commits that Flink repeats after a failure are safe: upserts and deletes by
 * path are idempotent. Bounded jobs without checkpointing commit at the end of input.
 */
@PublicEvolving
public final class ZooKeeperExactlyOnceSink<IN>
        implements WriterInitContextSink<IN>, SupportsCommitter<ZNodeCommittable> {
    private static final long serialVersionUID = 1L;

    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final ZNodeMutationSerializer<IN> serializer;

    public ZooKeeperExactlyOnceSink(
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

    @Override
    public CommittingSinkWriter<IN, ZNodeCommittable> createWriter(WriterInitContext context)
            throws IOException {
        ZooKeeperSink.openFormat(serializer, context);
        return new ZooKeeperCommittingSinkWriter<>(options, rootPath, serializer);
    }

    @Override
    public Committer<ZNodeCommittable> createCommitter(CommitterInitContext context) {
        return new ZooKeeperCommitter(
                options,
                rootPath,
                context.metricGroup().counter("numVersionConflicts"),
                context.getRestoredCheckpointId().isPresent());
    }

    @Override
    public SimpleVersionedSerializer<ZNodeCommittable> getCommittableSerializer() {
        return new ZNodeCommittableSerializer();
    }
}
