package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SourceMetrics;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Conditional writes through SQL: the writable {@code version} metadata column, {@code
 * 'sink.version-conflict'} under both policies, two writers racing for the same nodes, a
 * read-modify-write of a table from itself, conditional deletes and the collapsing rule.
 */
class ZooKeeperConditionalWritesITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static TestingServer server;
    private static ZooKeeperTrees trees;

    @BeforeAll
    static void start() throws Exception {
        server = new TestingServer(ServerStats.withFourLetterWords(-1), true);
        trees = new ZooKeeperTrees(server.getConnectString());
    }

    @AfterAll
    static void stop() throws Exception {
        trees.close();
        server.close();
    }

    @Test
    void aReadModifyWriteOfATableFromItselfIsConditionalOnTheVersionsItRead() throws Exception {
        String root = newRoot("rmw");
        trees.put(root + "/a", "on");
        trees.put(root + "/b", "off");
        trees.client().setData().forPath(root + "/b", "off".getBytes()); // b at version 1
        StreamTableEnvironment tEnv = batch();
        createFlags(tEnv, "flags", root);
        tEnv.executeSql(
                        "INSERT INTO flags SELECT k, CONCAT(v, '!'), version FROM flags"
                                + " WHERE k IN ('a', 'b')")
                .await();
        assertThat(trees.get(root + "/a")).isEqualTo("on!");
        assertThat(trees.get(root + "/b")).isEqualTo("off!");
        assertThat(trees.stat(root + "/a").getVersion()).isEqualTo(1);
        assertThat(trees.stat(root + "/b").getVersion()).isEqualTo(2);
    }

    @Test
    void aStaleVersionFailsNamingThePathAndBothVersions() throws Exception {
        String root = newRoot("stale-fail");
        trees.put(root + "/a", "v0");
        trees.client().setData().forPath(root + "/a", "v1".getBytes());
        trees.client().setData().forPath(root + "/a", "v2".getBytes()); // version 2
        StreamTableEnvironment tEnv = batch();
        createFlags(tEnv, "flags", root);
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO flags VALUES ('a', 'x', 0)").await())
                .hasStackTraceContaining("Version conflict on znode '" + root + "/a'")
                .hasStackTraceContaining("expected data version 0, but the node is at version 2")
                .hasStackTraceContaining("'sink.version-conflict' = 'fail'");
        assertThatThrownBy(
                        () -> tEnv.executeSql("INSERT INTO flags VALUES ('gone', 'x', 3)").await())
                .hasStackTraceContaining("expected data version 3, but the node does not exist");
        assertThat(trees.get(root + "/a")).isEqualTo("v2");
        assertThat(trees.exists(root + "/gone")).isFalse();
        // NULL and -1 are unconditional.
        tEnv.executeSql("INSERT INTO flags VALUES ('a', 'y', CAST(NULL AS INT)), ('n', 'z', -1)")
                .await();
        assertThat(trees.get(root + "/a")).isEqualTo("y");
        assertThat(trees.get(root + "/n")).isEqualTo("z");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO flags VALUES ('a', 'x', -2)").await())
                .hasStackTraceContaining("The row with key (k='a')")
                .hasStackTraceContaining("'version' = -2");
    }

    @Test
    void underSkipAStaleRowIsDroppedAndCounted() throws Exception {
        String root = newRoot("stale-skip");
        trees.put(root + "/a", "v0");
        trees.client().setData().forPath(root + "/a", "v1".getBytes());
        trees.put(root + "/b", "b0");
        StreamTableEnvironment tEnv = batch();
        createFlags(tEnv, "flags", root, "'sink.version-conflict' = 'skip'");
        TableResult r = tEnv.executeSql("INSERT INTO flags VALUES ('a', 'x', 0), ('b', 'y', 0)");
        r.await();
        assertThat(trees.get(root + "/a")).as("skipped").isEqualTo("v1");
        assertThat(trees.get(root + "/b")).as("written").isEqualTo("y");
        assertThat(conflicts(r.getJobClient().get().getJobID())).isEqualTo(1);
    }

    @Test
    void twoWritersRacingForTheSameVersionsNeverOverwriteEachOther() throws Exception {
        for (String policy : Arrays.asList("skip", "fail")) {
            String root = newRoot("race-" + policy);
            int keys = 200;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                names.add("k" + i);
                trees.put(root + "/k" + i, "initial"); // version 0
            }
            List<CompletableFuture<Void>> jobs = new ArrayList<>();
            List<JobID> ids = new ArrayList<>();
            for (String writer : Arrays.asList("A", "B")) {
                StreamTableEnvironment tEnv = batch();
                createFlags(
                        tEnv,
                        "flags",
                        root,
                        "'sink.version-conflict' = '" + policy + "'",
                        "'sink.buffer-flush.max-rows' = '10'");
                StringBuilder values = new StringBuilder();
                for (String k : names) {
                    values.append(values.length() == 0 ? "" : ", ")
                            .append("('")
                            .append(k)
                            .append("', '")
                            .append(writer)
                            .append("', 0)");
                }
                TableResult r = tEnv.executeSql("INSERT INTO flags VALUES " + values);
                ids.add(r.getJobClient().get().getJobID());
                jobs.add(r.getJobClient().get().getJobExecutionResult().thenApply(x -> null));
            }
            int failed = 0;
            for (CompletableFuture<Void> job : jobs) {
                try {
                    job.get();
                } catch (ExecutionException e) {
                    assertThat(e).hasStackTraceContaining("Version conflict on znode");
                    failed++;
                }
            }
            int a = 0;
            int b = 0;
            int untouched = 0;
            for (String k : names) {
                String v = trees.get(root + "/" + k);
                int version = trees.stat(root + "/" + k).getVersion();
                if ("initial".equals(v)) {
                    untouched++;
                    assertThat(version).isZero();
                } else {
                    assertThat(version).as("written once: " + k).isEqualTo(1);
                    if ("A".equals(v)) {
                        a++;
                    } else {
                        b++;
                    }
                }
            }
            if ("skip".equals(policy)) {
                assertThat(failed).isZero();
                assertThat(untouched).isZero();
                assertThat(a + b).isEqualTo(keys);
                assertThat(conflicts(ids.get(0)) + conflicts(ids.get(1)))
                        .as("every key was lost by exactly one writer")
                        .isEqualTo(keys);
            } else {
                assertThat(failed).as("a writer that lost a key fails").isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void aConditionalWriteWhoseAnswerWasLostIsNotAConflictWhenRetried() throws Exception {
        String root = newRoot("cond-lost");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            trees.put(root + "/k" + i, "old");
            rows.add("('k" + i + "', 'new" + i + "', 0)");
        }
        try (TcpProxy proxy = new TcpProxy(server.getPort())) {
            StreamTableEnvironment tEnv = batch();
            createFlags(
                    tEnv,
                    "flags",
                    root,
                    "'sink.buffer-flush.max-rows' = '5'",
                    "'hosts' = '" + proxy.connectString() + "'");
            // The server applies each transaction of 5 setData; the answer (5 stats, at least
            // 300 bytes) is lost. The retry meets version 1: the writer's own write, not a
            // conflict, since it holds the row's data.
            proxy.dropNextResponses(3, 300);
            tEnv.executeSql("INSERT INTO flags VALUES " + String.join(", ", rows)).await();
            assertThat(proxy.responsesDropped()).as("answers lost").isGreaterThanOrEqualTo(1);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(trees.get(root + "/k" + i)).isEqualTo("new" + i);
            assertThat(trees.stat(root + "/k" + i).getVersion()).isEqualTo(1);
        }
    }

    @Test
    void conditionalDeletesDeleteOnlyTheExpectedVersion() throws Exception {
        String root = newRoot("cond-delete");
        trees.put(root + "/d1", "x");
        trees.put(root + "/d2", "x");
        trees.put(root + "/d2/child", "c"); // a conditional delete of a subtree
        trees.put(root + "/d3", "x");
        trees.client().setData().forPath(root + "/d3", "y".getBytes()); // version 1
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> changes =
                env.fromData(
                        Arrays.asList(
                                Row.ofKind(RowKind.DELETE, "d1", null, 0),
                                Row.ofKind(RowKind.DELETE, "d2", null, 0),
                                Row.ofKind(RowKind.DELETE, "d3", null, 0),
                                Row.ofKind(RowKind.DELETE, "never", null, 4)),
                        Types.ROW_NAMED(
                                new String[] {"k", "v", "ver"},
                                Types.STRING,
                                Types.STRING,
                                Types.INT));
        tEnv.createTemporaryView(
                "changes",
                tEnv.fromChangelogStream(
                        changes,
                        Schema.newBuilder()
                                .column("k", DataTypes.STRING().notNull())
                                .column("v", DataTypes.STRING())
                                .column("ver", DataTypes.INT())
                                .primaryKey("k")
                                .build(),
                        ChangelogMode.all()));
        createFlags(tEnv, "flags", root, "'sink.version-conflict' = 'skip'");
        TableResult r = tEnv.executeSql("INSERT INTO flags SELECT k, v, ver FROM changes");
        r.await();
        assertThat(trees.exists(root + "/d1")).isFalse();
        assertThat(trees.exists(root + "/d2")).as("its subtree went with it").isFalse();
        assertThat(trees.get(root + "/d3")).as("another version: kept").isEqualTo("y");
        assertThat(conflicts(r.getJobClient().get().getJobID()))
                .as("d3; a delete of a node already gone is done")
                .isEqualTo(1);
    }

    @Test
    void conditionalRowsOfOneKeyKeepTheirOwnVersionsWhenBuffered() throws Exception {
        String root = newRoot("chain");
        trees.put(root + "/a", "v0");
        StreamTableEnvironment tEnv = batch();
        createFlags(tEnv, "flags", root, "'sink.buffer-flush.interval' = '0'");
        // One buffer: collapsing to the last row would send 'expect version 1' to a node at 0.
        tEnv.executeSql("INSERT INTO flags VALUES ('a', 'v1', 0), ('a', 'v2', 1), ('a', 'v3', 2)")
                .await();
        assertThat(trees.get(root + "/a")).isEqualTo("v3");
        assertThat(trees.stat(root + "/a").getVersion()).isEqualTo(3);
    }

    @Test
    void noAuthOnAConditionalWriteNamesThePathAndTheCredentials() throws Exception {
        String root = newRoot("cond-noauth");
        trees.put(root, "");
        String digest = DigestAuthenticationProvider.generateDigest("owner:pw");
        trees.client()
                .create()
                .withACL(
                        new ArrayList<>(
                                Arrays.asList(
                                        new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
                                        new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)))))
                .forPath(root + "/locked", "x".getBytes());
        StreamTableEnvironment tEnv = batch();
        createFlags(tEnv, "flags", root);
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql("INSERT INTO flags VALUES ('locked', 'y', 0)")
                                        .await())
                .hasStackTraceContaining("Writing znode '" + root + "/locked' failed")
                .hasStackTraceContaining("NOAUTH")
                .hasStackTraceContaining("set 'auth.digest.user'");
        assertThat(trees.get(root + "/locked")).isEqualTo("x");
    }

    private static long conflicts(JobID job) {
        return SourceMetrics.counter(METRICS, job, "numVersionConflicts");
    }

    private static void createFlags(
            StreamTableEnvironment tEnv, String name, String root, String... options) {
        String hosts = "'hosts' = '" + server.getConnectString() + "'";
        StringBuilder with = new StringBuilder("'connector' = 'zookeeper'");
        with.append(", 'path' = '").append(root).append("', 'scan.startup.mode' = 'snapshot'");
        for (String o : options) {
            if (o.startsWith("'hosts'")) {
                hosts = o;
            } else {
                with.append(", ").append(o);
            }
        }
        with.append(", ").append(hosts);
        tEnv.executeSql(
                "CREATE TABLE "
                        + name
                        + " (k STRING, v STRING, version INT METADATA,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with
                        + ")");
    }

    private static StreamTableEnvironment batch() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(
                        StreamExecutionEnvironment.getExecutionEnvironment(conf));
        tEnv.getConfig().set("parallelism.default", "1");
        return tEnv;
    }

    private static String newRoot(String name) {
        return "/cw/" + name + "-" + ROOTS.incrementAndGet();
    }
}
