package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.test.junit5.InjectClusterClient;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof of {@code 'sink.delivery-guarantee' = 'exactly-once'}: a mirror job ({@code initial}
 * {@code relative-path} source table on root A, {@code relative-path} sink table on root B) fails a
 * task after a row was created in A after the last completed checkpoint and deleted again before
 * the restored source reads the tree. The restored checkpoint never knew that row, so no delete is
 * ever emitted for it: a sink that wrote it between checkpoints keeps it forever. With exactly-once
 * the row was never committed, and B equals A (paths and data) after the restore. The same scenario
 * with at-least-once must show the stale row, which is why exactly-once exists.
 *
 * <p>Timing is controlled, not waited for: periodic checkpoints are a day apart, every checkpoint
 * is triggered by the test, and the failure is thrown by a UDF on the first row of the stale key
 * after the test armed it, which is its delete, before the sink sees that delete.
 */
class ZooKeeperExactlyOnceFailoverITCase extends ZooKeeperTableTestBase {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int STATIC_NODES = 300;
    private static final String STALE = "apps/late";
    private static final String STALE_DATA = "created after the checkpoint";
    private static final String AFTER_RESTORE = "apps/after-restore";

    /** Passes the data through; throws once on the next row of the armed key. */
    public static final class FailOnNextRowOf extends ScalarFunction {
        static final AtomicReference<String> ARMED_KEY = new AtomicReference<>();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
        static final AtomicLong ROWS = new AtomicLong();
        static final AtomicInteger OPENS = new AtomicInteger();

        @Override
        public void open(FunctionContext context) {
            OPENS.incrementAndGet(); // once per subtask start: counts restarts
        }

        public String eval(String rel, String data) {
            ROWS.incrementAndGet();
            SEEN.add(rel);
            String armed = ARMED_KEY.get();
            if (rel.equals(armed) && ARMED_KEY.compareAndSet(armed, null)) {
                FAILED.set(true);
                throw new RuntimeException("Injected task failure on the next row of " + rel);
            }
            return data;
        }
    }

    @Test
    void exactlyOnceMirrorEqualsTheSourceAfterFailover(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Mirror m = new Mirror("eo-failover", "exactly-once", cluster);
        try {
            m.checkpointUntilMirrored();
            trees.put(m.a + "/" + STALE, STALE_DATA);
            awaitTrue(() -> FailOnNextRowOf.SEEN.contains(STALE), "the job read " + STALE);
            Thread.sleep(1_000); // ten flush intervals: an at-least-once sink would have written it
            assertThat(trees.exists(m.b + "/" + STALE))
                    .as("written to B before its checkpoint completed")
                    .isFalse();
            m.failOnTheDeleteOfTheStaleRow();
            m.awaitRestoredAndCheckpointed();

            String difference =
                    MaterializedChangelog.pollUntilEqual(
                            () -> rows(m.a), () -> rows(m.b), SETTLE, () -> {});
            assertThat(difference).as("B differs from A after the failover").isNull();
            m.assertRestoredFromTheCheckpoint();
        } finally {
            m.cancel();
        }
    }

    @Test
    void atLeastOnceMirrorKeepsTheStaleRowAfterFailover(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Mirror m = new Mirror("alo-failover", "at-least-once", cluster);
        try {
            m.checkpointUntilMirrored();
            trees.put(m.a + "/" + STALE, STALE_DATA);
            awaitTrue(() -> trees.exists(m.b + "/" + STALE), STALE + " written to B");
            m.failOnTheDeleteOfTheStaleRow();
            m.awaitRestoredAndCheckpointed();

            String difference =
                    MaterializedChangelog.pollUntilEqual(
                            () -> {
                                Map<String, List<Object>> expected = rows(m.a);
                                expected.put(STALE, Collections.singletonList(STALE_DATA));
                                return expected;
                            },
                            () -> rows(m.b),
                            SETTLE,
                            () -> {});
            assertThat(difference)
                    .as("B is A plus the stale row (the divergence exactly-once prevents)")
                    .isNull();
            assertThat(trees.exists(m.a + "/" + STALE)).isFalse();
            m.assertRestoredFromTheCheckpoint();
        } finally {
            m.cancel();
        }
    }

    /**
     * A commit that meets ConnectionLoss (the server is down when the checkpoint completes) is
     * retried in place under 'sink.max-retries' and 'sink.retry.timeout', as at-least-once writes
     * are: the commit lands once the server is back, without a task failover.
     */
    @Test
    void exactlyOnceCommitRidesOutAServerRestart(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        Mirror m = new Mirror("eo-commit-restart", "exactly-once", cluster);
        try {
            m.checkpointUntilMirrored();
            int opens = FailOnNextRowOf.OPENS.get();
            trees.put(m.a + "/" + STALE, STALE_DATA);
            awaitTrue(() -> FailOnNextRowOf.SEEN.contains(STALE), "the job read " + STALE);
            server.stop();
            try {
                m.checkpoint(); // completes without ZooKeeper; its commit cannot
                Thread.sleep(2_000); // the commit retries with backoff meanwhile
            } finally {
                server.restart();
            }
            awaitTrue(() -> trees.exists(m.b + "/" + STALE), STALE + " committed to B");
            assertThat(
                            MaterializedChangelog.pollUntilEqual(
                                    () -> rows(m.a), () -> rows(m.b), SETTLE, () -> {}))
                    .as("B differs from A")
                    .isNull();
            assertThat(FailOnNextRowOf.OPENS.get()).as("task restarts").isEqualTo(opens);
        } finally {
            m.cancel();
        }
    }

    /** One mirror job from root A to root B, started with the given guarantee. */
    private static final class Mirror {
        final String a;
        final String b;
        final ClusterClient<?> cluster;
        final TableResult job;
        final JobID id;

        Mirror(String name, String guarantee, ClusterClient<?> cluster) throws Exception {
            this.a = newRoot(name);
            this.b = a + "-mirror";
            this.cluster = cluster;
            seed(a);
            FailOnNextRowOf.ARMED_KEY.set(null);
            FailOnNextRowOf.FAILED.set(false);
            FailOnNextRowOf.SEEN.clear();
            StreamTableEnvironment tEnv = tableEnv();
            tEnv.executeSql(
                    "CREATE TABLE a (rel STRING, data STRING, PRIMARY KEY (rel) NOT ENFORCED)"
                            + " WITH ("
                            + with(a, "'key.mode' = 'relative-path'", "'scan.parallelism' = '2'")
                            + ")");
            tEnv.executeSql(
                    "CREATE TABLE b (rel STRING, data STRING, PRIMARY KEY (rel) NOT ENFORCED)"
                            + " WITH ("
                            + with(
                                    b,
                                    "'key.mode' = 'relative-path'",
                                    "'sink.buffer-flush.interval' = '100ms'",
                                    "'sink.delivery-guarantee' = '" + guarantee + "'")
                            + ")");
            job = tEnv.executeSql("INSERT INTO b SELECT rel, failOnNextRowOf(rel, data) FROM a");
            id = job.getJobClient().get().getJobID();
        }

        /** Checkpoints until B equals A, then once more: the last checkpoint covers the tree. */
        void checkpointUntilMirrored() throws Exception {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            String difference;
            do {
                checkpoint();
                difference =
                        MaterializedChangelog.pollUntilEqual(
                                () -> rows(a), () -> rows(b), Duration.ofSeconds(5), () -> {});
            } while (difference != null && System.nanoTime() < deadline);
            assertThat(difference).as("B differs from A before the failover").isNull();
            checkpoint();
        }

        /**
         * Arms the UDF for the stale key, then deletes it in A: its delete is the next row of that
         * key, so the task fails before the sink sees the delete, and before the next checkpoint.
         */
        void failOnTheDeleteOfTheStaleRow() throws Exception {
            FailOnNextRowOf.ARMED_KEY.set(STALE);
            trees.deleteAll(a + "/" + STALE);
            awaitTrue(FailOnNextRowOf.FAILED::get, "the injected task failure");
            FailOnNextRowOf.ROWS.set(0);
        }

        /** A change made after the failure, visible in B: the restored job runs and commits. */
        void awaitRestoredAndCheckpointed() throws Exception {
            trees.put(a + "/" + AFTER_RESTORE, "v");
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (!trees.exists(b + "/" + AFTER_RESTORE) && System.nanoTime() < deadline) {
                checkpoint();
                Thread.sleep(500);
            }
            assertThat(trees.exists(b + "/" + AFTER_RESTORE))
                    .as(AFTER_RESTORE + " in B after the restore")
                    .isTrue();
            assertThat(job.getJobClient().get().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        }

        /** A fresh start would emit the whole tree again; a restore emits the changes only. */
        void assertRestoredFromTheCheckpoint() {
            assertThat(FailOnNextRowOf.ROWS.get())
                    .as("rows after the restore: the changes, not the whole tree again")
                    .isLessThan(STATIC_NODES);
        }

        void checkpoint() throws Exception {
            for (int attempt = 0; attempt < 300; attempt++) {
                try {
                    cluster.triggerCheckpoint(id, CheckpointType.DEFAULT).get();
                    return;
                } catch (ExecutionException e) {
                    Thread.sleep(200); // tasks still deploying or restarting
                }
            }
            throw new AssertionError("No checkpoint of the mirror job completed");
        }

        void cancel() throws Exception {
            if (!job.getJobClient().get().getJobStatus().get().isGloballyTerminalState()) {
                job.getJobClient().get().cancel().get();
            }
        }
    }

    private static StreamTableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        // Checkpointing on, but only the test triggers checkpoints.
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("parallelism.default", "2");
        tEnv.createTemporarySystemFunction("failOnNextRowOf", FailOnNextRowOf.class);
        return tEnv;
    }

    /** Nested nodes (parents with data, empty data) and a grid that never changes. */
    private static void seed(String root) throws Exception {
        trees.put(root + "/apps", "apps");
        trees.put(root + "/apps/web/config", "{\"port\": 8080}");
        trees.put(root + "/apps/db", "");
        trees.createGrid(root + "/static", 3, STATIC_NODES / 3);
    }

    /** Every descendant of the root as relative path to [data], read afresh. */
    private static Map<String, List<Object>> rows(String root) throws Exception {
        Map<String, List<Object>> out = new TreeMap<>();
        for (Map.Entry<String, String> e : trees.tree(root).entrySet()) {
            out.put(e.getKey(), Collections.singletonList(e.getValue()));
        }
        return out;
    }

    private static void awaitTrue(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not reached within " + SETTLE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
