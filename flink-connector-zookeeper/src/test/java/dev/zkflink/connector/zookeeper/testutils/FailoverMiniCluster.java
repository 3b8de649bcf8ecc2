package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.time.Duration;
import java.util.Map;

/**
 * A real MiniCluster of its own with one TaskManager, which a failover terminates and replaces, so
 * a job restarts on a new TaskManager from its last completed checkpoint (held by the JobManager).
 * The mirror soak and the service-discovery test run their examples on it.
 */
public final class FailoverMiniCluster implements AutoCloseable {
    private static final int SLOTS = 4;
    private static final int PARALLELISM = 2;

    private final MiniCluster cluster;
    private int taskManager; // index of the live TaskManager: the MiniCluster appends new ones

    private FailoverMiniCluster(MiniCluster cluster) {
        this.cluster = cluster;
    }

    public static FailoverMiniCluster start() throws Exception {
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(new Configuration())
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(SLOTS)
                                .build());
        cluster.start();
        return new FailoverMiniCluster(cluster);
    }

    /** Runs the script's INSERT on this cluster, checkpointing every {@code interval}. */
    public JobClient submit(ExampleScript script, Duration checkpointInterval) {
        TestStreamEnvironment.setAsContext(cluster, PARALLELISM);
        try {
            StreamTableEnvironment tEnv =
                    StreamTableEnvironment.create(
                            StreamExecutionEnvironment.getExecutionEnvironment());
            TableResult insert =
                    script.run(
                            tEnv,
                            Map.of(
                                    "execution.checkpointing.interval",
                                    checkpointInterval.toMillis() + " ms",
                                    "restart-strategy.fixed-delay.attempts",
                                    "1000",
                                    "restart-strategy.fixed-delay.delay",
                                    "500 ms"));
            return insert.getJobClient().orElseThrow();
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
    }

    public long completedCheckpoints(JobID job) throws Exception {
        CheckpointStatsSnapshot stats =
                cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
        if (stats == null) {
            throw new IllegalStateException("The mirror job does not checkpoint");
        }
        return stats.getCounts().getNumberOfCompletedCheckpoints();
    }

    /**
     * Waits for the job's next completed checkpoint, then terminates the TaskManager and starts a
     * new one; returns the number of that checkpoint.
     */
    public long failOverAfterNextCheckpoint(JobID job) throws Exception {
        long before = completedCheckpoints(job);
        long deadline = System.currentTimeMillis() + 60_000;
        while (completedCheckpoints(job) == before) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("No checkpoint completed within 60 s");
            }
            Thread.sleep(50);
        }
        long checkpoint = completedCheckpoints(job);
        cluster.terminateTaskManager(taskManager).get();
        cluster.startTaskManager();
        taskManager++;
        return checkpoint;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
