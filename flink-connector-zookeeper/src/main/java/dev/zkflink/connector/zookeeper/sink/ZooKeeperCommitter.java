package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Applies the committables of completed checkpoints, in checkpoint order, through the same batch
 * writer as the at-least-once sink (cut into transactions by {@link TransactionChunker}). A commit
 * that is repeated after a failure, because Flink restored a checkpoint whose commit had already
 * run, is safe: upserts and deletes by path are idempotent, so it leaves the same tree.
 */
final class ZooKeeperCommitter implements Committer<ZNodeCommittable> {
    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private ZooKeeperClientLease lease;
    private ZNodeBatchWriter batchWriter;

    private final Counter numVersionConflicts;

    /** A restored committer's first commit holds the committables of the restored checkpoint. */
    private boolean replaying;

    ZooKeeperCommitter(
            ZooKeeperWriteOptions options,
            String rootPath,
            Counter numVersionConflicts,
            boolean restored) {
        this.options = options;
        this.rootPath = rootPath;
        this.numVersionConflicts = numVersionConflicts;
        this.replaying = restored;
    }

    @Override
    public void commit(Collection<CommitRequest<ZNodeCommittable>> requests)
            throws IOException, InterruptedException {
        ZNodeBatchWriter writer = writer();
        writer.setReplaying(replaying);
        for (CommitRequest<ZNodeCommittable> request : requests) {
            // A failure fails the job: the restored checkpoint hands the committable back.
            writer.applyReplayable(request.getCommittable().getMutations());
        }
        replaying = false;
    }

    private ZNodeBatchWriter writer() throws IOException {
        if (batchWriter == null) {
            lease = ZooKeeperSinkWriter.openWriterClient(options);
            ZNodeBatchWriter writer =
                    new ZNodeBatchWriter(
                            lease.client(),
                            options,
                            rootPath,
                            new ZNodeBatchWriter.WriteListener() {
                                @Override
                                public void written(
                                        List<ZNodeMutation> mutations,
                                        long bytes,
                                        long nanos,
                                        long sessionId) {}

                                @Override
                                public void versionConflictSkipped(ZNodeMutation mutation) {
                                    numVersionConflicts.inc();
                                }
                            });
            try {
                ZooKeeperSinkWriter.ensureRoot(lease.client(), writer, rootPath, options);
            } catch (IOException | RuntimeException e) {
                lease.close();
                lease = null;
                throw e;
            }
            batchWriter = writer;
        }
        return batchWriter;
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
        }
    }
}
