package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.test.junit5.InjectClusterClient;

import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code 'sink.create-mode' = 'ephemeral'} through SQL: a live job registers nodes owned by its
 * writer's session; they are re-created after a server-side session expiry and after a task
 * failover from a checkpoint, and they vanish when the job is cancelled.
 */
class ZooKeeperEphemeralWritesITCase extends ZooKeeperTableTestBase {
    private static final long WAIT_MS = 30_000;

    /** Passes the value through; throws once when armed (a task failover). */
    public static final class FailOnceWhenArmed extends ScalarFunction {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicInteger OPENS = new AtomicInteger();

        @Override
        public void open(FunctionContext context) {
            OPENS.incrementAndGet();
        }

        public String eval(String v) {
            if (ARMED.compareAndSet(true, false)) {
                throw new RuntimeException("Injected task failure");
            }
            return v;
        }
    }

    @Test
    void ephemeralsLiveWithTheJobAndComeBackAfterExpiryAndFailover(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String desired = newRoot("eph-desired");
        String registry = newRoot("eph-registry");
        trees.put(desired + "/a", "addr-a");
        trees.put(desired + "/b", "addr-b");
        StreamTableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE desired (id STRING, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + with(desired)
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE registry (svc STRING, id STRING, v STRING,"
                        + " PRIMARY KEY (svc, id) NOT ENFORCED) WITH ("
                        + with(
                                registry,
                                "'sink.create-mode' = 'ephemeral'",
                                "'sink.buffer-flush.interval' = '100ms'",
                                "'session.timeout' = '4s'")
                        + ")");
        TableResult job =
                tEnv.executeSql("INSERT INTO registry SELECT 'web', id, failOnce(v) FROM desired");
        try {
            String a = registry + "/web/a";
            long owner = awaitOwner(a, 0);
            assertThat(trees.get(a)).isEqualTo("addr-a");
            assertThat(trees.stat(registry + "/web/b").getEphemeralOwner()).isEqualTo(owner);
            assertThat(trees.stat(registry + "/web").getEphemeralOwner())
                    .as("parents are persistent")
                    .isZero();

            // Server-side expiry of the writer's session: ZooKeeper deletes its nodes; the
            // writer creates them again on its new session.
            assertThat(SessionHijack.expire(server.getConnectString(), owner, WAIT_MS)).isTrue();
            long second = awaitOwner(a, owner);
            assertThat(trees.stat(registry + "/web/b").getEphemeralOwner()).isEqualTo(second);
            assertThat(trees.get(a)).isEqualTo("addr-a");

            // A task failover from a checkpoint: the source does not replay rows before the
            // checkpoint, so only the writer's state can bring the nodes back.
            trees.put(desired + "/c", "addr-c");
            awaitOwner(registry + "/web/c", 0);
            checkpoint(cluster, job);
            int opens = FailOnceWhenArmed.OPENS.get();
            FailOnceWhenArmed.ARMED.set(true);
            trees.put(desired + "/d", "addr-d"); // the row that fails the task
            await(() -> FailOnceWhenArmed.OPENS.get() > opens, "the task restarted");
            long third = awaitOwner(a, second);
            assertThat(trees.stat(registry + "/web/b").getEphemeralOwner()).isEqualTo(third);
            assertThat(trees.stat(registry + "/web/c").getEphemeralOwner()).isEqualTo(third);
            assertThat(awaitOwner(registry + "/web/d", 0)).isEqualTo(third);
            assertThat(job.getJobClient().get().getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

            // Cancelled: the session closes and every node goes at once.
            job.getJobClient().get().cancel().get();
            await(() -> !trees.exists(a) && !trees.exists(registry + "/web/d"), "nodes gone");
            assertThat(trees.exists(registry + "/web")).isTrue();
        } finally {
            if (!job.getJobClient().get().getJobStatus().get().isGloballyTerminalState()) {
                job.getJobClient().get().cancel().get();
            }
        }
    }

    @Test
    void ephemeralSequentialRowsAreNamedByZooKeeperAndGoWithTheJob() throws Exception {
        String root = newRoot("eph-seq");
        StreamTableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE gen (v STRING) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '5', 'fields.v.length' = '4')");
        tEnv.executeSql(
                "CREATE TABLE members (grp STRING, name STRING, v STRING,"
                        + " PRIMARY KEY (grp, name) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'sink.create-mode' = 'ephemeral-sequential'",
                                "'sink.buffer-flush.interval' = '100ms'")
                        + ")");
        // Insert-only (a sequential table takes no updates): three rows, then a source that
        // keeps the job running and matches nothing.
        TableResult job =
                tEnv.executeSql(
                        "INSERT INTO members SELECT 'g', 'member-', v FROM (VALUES ('a'), ('b'),"
                                + " ('c')) AS t(v) UNION ALL SELECT 'g', 'member-', v FROM gen"
                                + " WHERE v = 'never-four-chars'");
        try {
            await(
                    () ->
                            trees.exists(root + "/g")
                                    && trees.client().getChildren().forPath(root + "/g").size()
                                            == 3,
                    "three members");
            java.util.Set<String> guards = new java.util.TreeSet<>();
            long owner = 0;
            for (String n : trees.client().getChildren().forPath(root + "/g")) {
                assertThat(n).matches("_c_[0-9a-f-]{36}-member-\\d{10}");
                owner = trees.stat(root + "/g/" + n).getEphemeralOwner();
                assertThat(owner).isNotZero();
                guards.add(n.substring(0, 40));
            }
            // After an expiry each member is created again: the same guard, a new counter.
            assertThat(SessionHijack.expire(server.getConnectString(), owner, WAIT_MS)).isTrue();
            long expired = owner;
            await(
                    () -> {
                        java.util.List<String> now =
                                trees.client().getChildren().forPath(root + "/g");
                        java.util.Set<String> g = new java.util.TreeSet<>();
                        for (String n : now) {
                            org.apache.zookeeper.data.Stat st =
                                    trees.client().checkExists().forPath(root + "/g/" + n);
                            if (st == null || st.getEphemeralOwner() == expired) {
                                return false;
                            }
                            g.add(n.substring(0, 40));
                        }
                        return now.size() == 3 && g.equals(guards);
                    },
                    "the three members back on a new session");
            job.getJobClient().get().cancel().get();
            await(
                    () -> trees.client().getChildren().forPath(root + "/g").isEmpty(),
                    "members gone with the job");
        } finally {
            if (!job.getJobClient().get().getJobStatus().get().isGloballyTerminalState()) {
                job.getJobClient().get().cancel().get();
            }
        }
    }

    @Test
    void aPersistentNodeInTheWayIsReplacedByTheWritersEphemeral() throws Exception {
        String root = newRoot("eph-replace");
        trees.put(root + "/svc/x", "left by someone"); // persistent, owner 0
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE r (svc STRING, id STRING, v STRING, PRIMARY KEY (svc, id) NOT"
                        + " ENFORCED) WITH ("
                        + with(root, "'sink.create-mode' = 'ephemeral'")
                        + ")");
        // Had the writer only set the data, the persistent node would outlive the job.
        tEnv.executeSql("INSERT INTO r VALUES ('svc', 'x', 'mine')").await();
        assertThat(trees.exists(root + "/svc/x"))
                .as("the node became the job's ephemeral and went with it")
                .isFalse();
    }

    @Test
    void ephemeralTablesNeedLevelsKeysAndAtLeastOnce() {
        StreamTableEnvironment tEnv = tableEnv();
        String root = newRoot("eph-bad");
        tEnv.executeSql(
                "CREATE TABLE rel (p STRING, v STRING, PRIMARY KEY (p) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'key.mode' = 'relative-path'",
                                "'sink.create-mode' = 'ephemeral'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO rel VALUES ('a', 'b')").await())
                .hasStackTraceContaining("needs 'key.mode' = 'levels'")
                .hasStackTraceContaining("ephemeral nodes cannot have children");
        tEnv.executeSql(
                "CREATE TABLE eo (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'sink.create-mode' = 'ephemeral-sequential'",
                                "'sink.delivery-guarantee' = 'exactly-once'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO eo VALUES ('a', 'b')").await())
                .hasStackTraceContaining("'sink.create-mode' = 'ephemeral-sequential' cannot be")
                .hasStackTraceContaining("'exactly-once'");
    }

    /** Waits until the node exists, owned by a session other than {@code not}; returns it. */
    private static long awaitOwner(String path, long not) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Stat stat = trees.client().checkExists().forPath(path);
            if (stat != null && stat.getEphemeralOwner() != 0 && stat.getEphemeralOwner() != not) {
                return stat.getEphemeralOwner();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "No ephemeral '" + path + "' owned by a session other than " + not);
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void checkpoint(ClusterClient<?> cluster, TableResult job) throws Exception {
        for (int attempt = 0; attempt < 300; attempt++) {
            try {
                cluster.triggerCheckpoint(
                                job.getJobClient().get().getJobID(),
                                org.apache.flink.core.execution.CheckpointType.DEFAULT)
                        .get();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("No checkpoint completed");
    }

    private static StreamTableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofDays(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("parallelism.default", "1");
        tEnv.createTemporarySystemFunction("failOnce", FailOnceWhenArmed.class);
        return tEnv;
    }
}
