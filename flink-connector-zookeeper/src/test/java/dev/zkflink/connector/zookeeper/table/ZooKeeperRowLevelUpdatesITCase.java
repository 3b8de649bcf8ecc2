package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SourceMetrics;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batch {@code UPDATE} and row-level {@code DELETE} through SQL. The statements are conditional on
 * the versions their scan read, shown by a plain client's {@code setData} made between the scan and
 * the write (from inside the statement, by a UDF): the change is never overwritten.
 */
class ZooKeeperRowLevelUpdatesITCase {
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

    /** The path a plain client changes, once, when the statement evaluates that row. */
    static final AtomicReference<String> RACE_PATH = new AtomicReference<>();

    /** Returns its argument; for the armed row, first lets a plain client change the node. */
    public static final class Race extends ScalarFunction {
        public String eval(String service, String flag, String value) throws Exception {
            String path = RACE_PATH.get();
            if (path != null
                    && path.endsWith("/" + service + "/" + flag)
                    && RACE_PATH.compareAndSet(path, null)) {
                trees.client()
                        .setData()
                        .forPath(path, "{\"enabled\":true,\"owner\":\"theirs\"}".getBytes());
            }
            return value;
        }
    }

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
    void updateSetsTheMatchingRowsConditionallyAndARacingChangeWins() throws Exception {
        for (String policy : new String[] {"fail", "skip"}) {
            String root = seed("update-" + policy);
            TableEnvironment tEnv = batch();
            createFlags(tEnv, root, "'sink.version-conflict' = '" + policy + "'");
            RACE_PATH.set(root + "/checkout/one-click");
            String update =
                    "UPDATE flags SET owner = race(service, flag, 'team-y'), enabled = FALSE"
                            + " WHERE owner = 'team-x'";
            if ("fail".equals(policy)) {
                assertThatThrownBy(() -> tEnv.executeSql(update).await())
                        .hasStackTraceContaining(
                                "Version conflict on znode '" + root + "/checkout/one-click'")
                        .hasStackTraceContaining(
                                "expected data version 0, but the node is at version 1");
            } else {
                TableResult r = tEnv.executeSql(update);
                r.await();
                assertThat(conflicts(r.getJobClient().get().getJobID())).isEqualTo(1);
                assertThat(json(root + "/checkout/dark-mode"))
                        .isEqualTo("{\"enabled\":false,\"owner\":\"team-y\"}");
                assertThat(json(root + "/search/typo"))
                        .isEqualTo("{\"enabled\":false,\"owner\":\"team-y\"}");
            }
            assertThat(json(root + "/checkout/one-click"))
                    .as("the plain client's change is kept")
                    .isEqualTo("{\"enabled\":true,\"owner\":\"theirs\"}");
            assertThat(json(root + "/search/legacy"))
                    .as("not matched")
                    .isEqualTo("{\"enabled\":true,\"owner\":\"team-z\"}");
            assertThat(trees.stat(root + "/search/legacy").getVersion()).isZero();
        }
    }

    @Test
    void rowLevelDeleteDeletesTheMatchingRowsConditionally() throws Exception {
        String root = seed("delete");
        TableEnvironment tEnv = batch();
        createFlags(tEnv, root, "'sink.version-conflict' = 'skip'");
        RACE_PATH.set(root + "/search/typo");
        TableResult r =
                tEnv.executeSql("DELETE FROM flags WHERE race(service, flag, owner) = 'team-x'");
        r.await();
        assertThat(trees.exists(root + "/checkout/one-click")).isFalse();
        assertThat(trees.exists(root + "/checkout/dark-mode")).isFalse();
        assertThat(json(root + "/search/typo"))
                .as("changed after it was read: kept")
                .isEqualTo("{\"enabled\":true,\"owner\":\"theirs\"}");
        assertThat(trees.exists(root + "/search/legacy")).isTrue();
        assertThat(conflicts(r.getJobClient().get().getJobID())).isEqualTo(1);
    }

    @Test
    void statementsTheTableCannotTakeFailAtPlanningWithTheReason() {
        String root = seed("refused");
        TableEnvironment tEnv = batch();
        createFlags(tEnv, root);
        assertThatThrownBy(() -> tEnv.executeSql("UPDATE flags SET flag = 'x' WHERE owner = 'a'"))
                .hasStackTraceContaining("UPDATE cannot set the PRIMARY KEY column 'flag'");
        tEnv.executeSql(
                "CREATE TABLE rel (p STRING, v STRING, PRIMARY KEY (p) NOT ENFORCED) WITH ("
                        + options(root, "'key.mode' = 'relative-path'", "'format' = 'raw'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("DELETE FROM rel WHERE v = 'x'"))
                .hasStackTraceContaining("'key.mode' = 'relative-path'")
                .hasStackTraceContaining("rows the statement does not match");
        tEnv.executeSql(
                "CREATE TABLE seq (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + options(
                                root,
                                "'sink.create-mode' = 'persistent-sequential'",
                                "'format' = 'raw'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("UPDATE seq SET v = 'x' WHERE v = 'y'"))
                .hasStackTraceContaining(
                        "UPDATE is not supported with 'sink.create-mode' = 'persistent-sequential'");
        tEnv.executeSql(
                "CREATE TABLE eph (a STRING, k STRING, v STRING, PRIMARY KEY (a, k) NOT ENFORCED)"
                        + " WITH ("
                        + options(root, "'sink.create-mode' = 'ephemeral'", "'format' = 'raw'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("UPDATE eph SET v = 'x' WHERE v = 'y'"))
                .hasStackTraceContaining("vanish when it ends");

        TableEnvironment streaming = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        createFlags(streaming, root);
        assertThatThrownBy(() -> streaming.executeSql("UPDATE flags SET enabled = FALSE"))
                .hasStackTraceContaining("UPDATE statement is not supported for streaming mode");
        assertThatThrownBy(() -> streaming.executeSql("DELETE FROM flags WHERE owner = 'x'"))
                .hasStackTraceContaining("DELETE statement is not supported for streaming mode");
    }

    /** Four flags of two services, all at version 0; team-x owns three. */
    private static String seed(String name) {
        String root = "/rl/" + name + "-" + ROOTS.incrementAndGet();
        try {
            trees.put(root + "/checkout/one-click", "{\"enabled\":true,\"owner\":\"team-x\"}");
            trees.put(root + "/checkout/dark-mode", "{\"enabled\":true,\"owner\":\"team-x\"}");
            trees.put(root + "/search/typo", "{\"enabled\":true,\"owner\":\"team-x\"}");
            trees.put(root + "/search/legacy", "{\"enabled\":true,\"owner\":\"team-z\"}");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return root;
    }

    private static String json(String path) throws Exception {
        return new String(trees.client().getData().forPath(path), StandardCharsets.UTF_8);
    }

    private static long conflicts(JobID job) {
        return SourceMetrics.counter(METRICS, job, "numVersionConflicts");
    }

    private static String options(String root, String... extra) {
        StringBuilder sb =
                new StringBuilder("'connector' = 'zookeeper', 'hosts' = '")
                        .append(server.getConnectString())
                        .append("', 'path' = '")
                        .append(root)
                        .append("', 'scan.startup.mode' = 'snapshot'");
        for (String o : extra) {
            sb.append(", ").append(o);
        }
        return sb.toString();
    }

    private static void createFlags(TableEnvironment tEnv, String root, String... extra) {
        String[] all = new String[extra.length + 1];
        all[0] = "'format' = 'json'";
        System.arraycopy(extra, 0, all, 1, extra.length);
        tEnv.executeSql(
                "CREATE TABLE flags (service STRING, flag STRING, enabled BOOLEAN, owner STRING,"
                        + " version INT METADATA, PRIMARY KEY (service, flag) NOT ENFORCED) WITH ("
                        + options(root, all)
                        + ")");
    }

    private static TableEnvironment batch() {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        tEnv.getConfig().set("parallelism.default", "1");
        tEnv.createTemporarySystemFunction("race", Race.class);
        return tEnv;
    }
}
