package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.LiveQueries;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.test.junit5.InjectClusterClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live read restored from a checkpoint (task failover) and from a savepoint (stop, change the
 * tree, start again). The job mirrors the table into a second tree and writes {@code COUNT(*) GROUP
 * BY v} into a third, both with the connector's sink; the oracle compares those trees with the
 * source tree. Creates, updates, deletes and delete+recreate happen while the job is down. 2,000
 * nodes never change: a restored job must not emit them again, which tells a real restore from a
 * fresh start.
 */
class ZooKeeperChangelogRecoveryITCase extends ZooKeeperTableTestBase {
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final int STATIC_NODES = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Passes values through and throws once per job when armed. {@code failOnce(v)} belongs to the
     * rows query and counts the rows it sees; {@code failOnce(v, 'counts')} to the counts query.
     */
    public static final class FailOnce extends ScalarFunction {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicBoolean COUNTS_ARMED = new AtomicBoolean();
        static final AtomicBoolean COUNTS_FAILED = new AtomicBoolean();
        static final AtomicLong ROWS = new AtomicLong();

        public String eval(String v) {
            ROWS.incrementAndGet();
            if (ARMED.compareAndSet(true, false)) {
                FAILED.set(true);
                throw new RuntimeException("Injected task failure");
            }
            return v;
        }

        public String eval(String v, String job) {
            if (COUNTS_ARMED.compareAndSet(true, false)) {
                COUNTS_FAILED.set(true);
                throw new RuntimeException("Injected task failure (" + job + ")");
            }
            return v;
        }
    }

    private static StreamTableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("parallelism.default", "2");
        tEnv.createTemporarySystemFunction("failOnce", FailOnce.class);
        return tEnv;
    }

    private static TableResult startMirror(
            StreamTableEnvironment tEnv, String root, String mirror, String counts) {
        LiveQueries.createTable(tEnv, "src", with(root, "'scan.parallelism' = '2'"));
        tEnv.executeSql(
                "CREATE TABLE mirror (g STRING, n STRING, v STRING, czxid BIGINT, mzxid BIGINT,"
                        + " PRIMARY KEY (g, n) NOT ENFORCED) WITH ("
                        + with(
                                mirror,
                                "'format' = 'json'",
                                "'sink.buffer-flush.interval' = '100ms'")
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE counts (v STRING, c STRING, PRIMARY KEY (v) NOT ENFORCED) WITH ("
                        + with(counts, "'sink.buffer-flush.interval' = '100ms'")
                        + ")");
        StatementSet set = tEnv.createStatementSet();
        set.addInsertSql("INSERT INTO mirror SELECT g, n, failOnce(v), czxid, mzxid FROM src");
        set.addInsertSql(
                "INSERT INTO counts SELECT v, CAST(COUNT(*) AS STRING) FROM src GROUP BY v");
        return set.execute();
    }

    private static void seed(String root, TreeChurn churn) throws Exception {
        churn.seed();
        for (int s = 0; s < STATIC_NODES / 100; s++) {
            List<String> names = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                names.add(String.format("n%03d", i));
                data.add(("v" + (i % 5)).getBytes(StandardCharsets.UTF_8));
            }
            trees.createChildren(String.format("%s/s%02d", root, s), names, data);
        }
    }

    /** The mirror tree as [v, czxid, mzxid] per key, as the sink wrote it. */
    private static Map<String, List<Object>> mirrored(String mirror) throws Exception {
        Map<String, List<Object>> out = new TreeMap<>();
        for (Map.Entry<String, String> e : trees.level(mirror, 2).entrySet()) {
            JsonNode json = JSON.readTree(e.getValue());
            out.put(
                    e.getKey(),
                    Arrays.asList(
                            json.get("v").isNull() ? null : json.get("v").asText(),
                            json.get("czxid").asLong(),
                            json.get("mzxid").asLong()));
        }
        return out;
    }

    private static Map<String, List<Object>> countsTree(String counts) throws Exception {
        Map<String, List<Object>> out = new TreeMap<>();
        for (Map.Entry<String, String> e : trees.level(counts, 1).entrySet()) {
            out.put(e.getKey(), Collections.singletonList(Long.parseLong(e.getValue())));
        }
        return out;
    }

    private static void awaitOracle(String root, String mirror, String counts) throws Exception {
        awaitEqual(() -> trees.rowsWithZxids(root, 2), () -> mirrored(mirror), "mirror");
        awaitEqual(
                () -> TreeChurn.countsByValue(trees.rowsWithZxids(root, 2)),
                () -> countsTree(counts),
                "counts");
    }

    private static void awaitEqual(
            Callable<Map<String, List<Object>>> truth,
            Callable<Map<String, List<Object>>> actual,
            String what)
            throws Exception {
        String difference = MaterializedChangelog.pollUntilEqual(truth, actual, SETTLE, () -> {});
        if (difference != null) {
            throw new AssertionError(
                    what + " differs from the source tree after " + SETTLE + ": " + difference);
        }
    }

    private static void cancel(TableResult job) throws Exception {
        JobStatus status = job.getJobClient().get().getJobStatus().get();
        if (!status.isGloballyTerminalState()) {
            job.getJobClient().get().cancel().get();
        }
    }

    /**
     * Task failover. The changelog is materialized through {@code collect()}, which with
     * checkpointing hands out only results of completed checkpoints, so what it shows rolls back
     * with the job. (A sink that writes between checkpoints cannot roll back: a row created after
     * the checkpoint and deleted before the restored source reads the tree again stays in such a
     * sink. The docs say so; the savepoint test below uses the connector's sink, where a
     * stop-with-savepoint leaves no such gap.)
     */
    @Test
    void taskFailoverRestoresFromACheckpoint(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String root = newRoot("recovery-failover");
        TreeChurn churn = new TreeChurn(trees.client(), root, 21);
        seed(root, churn);
        FailOnce.FAILED.set(false);
        FailOnce.COUNTS_FAILED.set(false);
        StreamTableEnvironment tEnv = tableEnv();
        LiveQueries.createTable(tEnv, "src", with(root, "'scan.parallelism' = '2'"));
        TableResult rowsJob = tEnv.executeSql("SELECT g, n, failOnce(v), czxid, mzxid FROM src");
        JobID id = rowsJob.getJobClient().get().getJobID();
        try (MaterializedChangelog rows = MaterializedChangelog.of(rowsJob, 2);
                MaterializedChangelog counts =
                        MaterializedChangelog.of(
                                tEnv.executeSql(
                                        "SELECT w, COUNT(*) FROM"
                                                + " (SELECT failOnce(v, 'counts') AS w FROM src)"
                                                + " GROUP BY w"),
                                1)) {
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            assertThat(churn.apply(200)).isGreaterThan(100);
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            cluster.triggerCheckpoint(id, CheckpointType.DEFAULT).get();
            cluster.triggerCheckpoint(counts.jobId(), CheckpointType.DEFAULT).get();

            counts.awaitEquals(() -> TreeChurn.countsByValue(trees.rowsWithZxids(root, 2)), SETTLE);
            FailOnce.ROWS.set(0);
            FailOnce.ARMED.set(true);
            FailOnce.COUNTS_ARMED.set(true);
            churn.apply(5); // the first of these to reach failOnce fails each job's task
            long deadline = System.currentTimeMillis() + 30_000;
            while (!(FailOnce.FAILED.get() && FailOnce.COUNTS_FAILED.get())
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(FailOnce.FAILED).as("the rows job failed").isTrue();
            assertThat(FailOnce.COUNTS_FAILED).as("the counts job failed").isTrue();
            // While the job restarts from the checkpoint:
            assertThat(churn.apply(400)).isGreaterThan(200);
            churn.recreateSameVersion(2, 2);
            churn.recreateSameVersion(3, 3);
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            counts.awaitEquals(() -> TreeChurn.countsByValue(trees.rowsWithZxids(root, 2)), SETTLE);
            assertThat(rowsJob.getJobClient().get().getJobStatus().get())
                    .isEqualTo(JobStatus.RUNNING);
            assertThat(FailOnce.ROWS.get())
                    .as("rows after the restore: the changes, not the whole tree again")
                    .isLessThan(STATIC_NODES);
        }
    }

    @Test
    void stopWithSavepointThenRestoreWithChangesWhileDown(
            @InjectClusterClient ClusterClient<?> cluster, @TempDir Path savepoints)
            throws Exception {
        String root = newRoot("recovery-savepoint");
        String mirror = root + "-mirror";
        String counts = root + "-counts";
        TreeChurn churn = new TreeChurn(trees.client(), root, 22);
        seed(root, churn);
        for (int i = 0; i < 10; i++) {
            trees.put(root + "/same/k" + i, "v1"); // version 0, never updated
        }
        TableResult job = startMirror(tableEnv(), root, mirror, counts);
        String savepoint;
        try {
            awaitOracle(root, mirror, counts);
            assertThat(churn.apply(200)).isGreaterThan(100);
            awaitOracle(root, mirror, counts);
            savepoint =
                    cluster.stopWithSavepoint(
                                    job.getJobClient().get().getJobID(),
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get();
        } finally {
            cancel(job);
        }

        // While the job is down: creates, updates, deletes, whole groups recreated, and nodes
        // deleted and recreated with the same data and version.
        assertThat(churn.apply(500)).isGreaterThan(250);
        for (int g = 0; g < 6; g++) {
            churn.recreateSameVersion(g, 11);
        }
        // Same data, same version 0: only czxid tells the new nodes apart.
        trees.recreateSameVersion(root + "/same", 10);

        StreamTableEnvironment tEnv = tableEnv();
        tEnv.getConfig().set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        FailOnce.ROWS.set(0);
        TableResult restored = startMirror(tEnv, root, mirror, counts);
        try {
            awaitOracle(root, mirror, counts);
            assertThat(FailOnce.ROWS.get())
                    .as("rows after the restore: the changes made while down, not the whole tree")
                    .isGreaterThan(0)
                    .isLessThan(STATIC_NODES);
        } finally {
            cancel(restored);
        }
    }
}
