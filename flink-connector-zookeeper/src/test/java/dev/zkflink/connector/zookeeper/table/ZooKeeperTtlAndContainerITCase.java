package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TTL and container create modes against a server (its own JVM) started with {@code
 * zookeeper.extendedTypesEnabled=true} and a 200 ms reaper interval. The server hides TTL and
 * container markers from clients ({@code ephemeralOwner} reads 0), so the test watches the reaper:
 * a node goes only when its kind says so. A server without the flag refuses TTL nodes, and the
 * error names the option and the flag.
 */
class ZooKeeperTtlAndContainerITCase extends ZooKeeperTableTestBase {
    @TempDir static Path dataDir;
    private static ZooKeeperServerProcess extended;
    private static ZooKeeperTrees extendedTrees;

    @BeforeAll
    static void startExtendedServer() throws Exception {
        extended =
                ZooKeeperServerProcess.start(
                        dataDir,
                        256,
                        "-Dzookeeper.extendedTypesEnabled=true",
                        "-Dznode.container.checkIntervalMs=200");
        extendedTrees = new ZooKeeperTrees(extended.connectString());
    }

    @AfterAll
    static void stopExtendedServer() throws Exception {
        if (extendedTrees != null) {
            extendedTrees.close();
        }
        if (extended != null) {
            extended.close();
        }
    }

    private static String withExtended(String root, String... options) {
        return with(root, options).replace(server.getConnectString(), extended.connectString());
    }

    @Test
    void ttlNodesGoAfterTheirTtlAndOthersStay() throws Exception {
        String root = newRoot("ttl");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, ttl BIGINT METADATA,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + withExtended(
                                root,
                                "'sink.create-mode' = 'persistent-with-ttl'",
                                "'sink.ttl' = '1h'")
                        + ")");
        tEnv.executeSql(
                        "INSERT INTO t VALUES ('short', 'a', CAST(300 AS BIGINT)),"
                                + " ('table-ttl', 'b', CAST(NULL AS BIGINT))")
                .await();
        assertThat(extendedTrees.exists(root + "/short")).isTrue();
        awaitGone(root + "/short");
        assertThat(extendedTrees.get(root + "/table-ttl"))
                .as("'sink.ttl' = 1h keeps it")
                .isEqualTo("b");
    }

    @Test
    void sequentialTtlNodesAreNamedByZooKeeperAndGoAfterTheirTtl() throws Exception {
        String root = newRoot("seq-ttl");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + withExtended(
                                root,
                                "'sink.create-mode' = 'persistent-sequential-with-ttl'",
                                "'sink.ttl' = '300 ms'")
                        + ")");
        tEnv.executeSql("INSERT INTO t VALUES ('lease-', 'a'), ('lease-', 'b')").await();
        java.util.List<String> names = extendedTrees.client().getChildren().forPath(root);
        assertThat(names).hasSize(2);
        for (String n : names) {
            assertThat(n).matches("_c_[0-9a-f-]{36}-lease-\\d{10}");
        }
        for (String n : names) {
            awaitGone(root + "/" + n);
        }
    }

    @Test
    void containersGoWithTheirLastChild() throws Exception {
        String root = newRoot("container");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE c (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + withExtended(root, "'sink.create-mode' = 'container'")
                        + ")");
        tEnv.executeSql("INSERT INTO c VALUES ('group', 'g')").await();
        extendedTrees.put(root + "/group/member", "m");
        extendedTrees.client().delete().forPath(root + "/group/member");
        awaitGone(root + "/group");
        assertThat(extendedTrees.exists(root)).as("the root is persistent").isTrue();
    }

    @Test
    void ttlErrorsNameTheOptionAndTheServerFlag() throws Exception {
        StreamTableEnvironment tEnv = batchTableEnv();
        // The shared test server runs without extended types.
        tEnv.executeSql(
                "CREATE TABLE plain (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                newRoot("ttl-off"),
                                "'sink.create-mode' = 'persistent-with-ttl'",
                                "'sink.ttl' = '1min'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO plain VALUES ('a', 'b')").await())
                .hasStackTraceContaining("'sink.create-mode' = 'persistent-with-ttl'")
                .hasStackTraceContaining("zookeeper.extendedTypesEnabled=true");

        String[][] planning = {
            {"'sink.create-mode' = 'persistent-with-ttl'", "needs a TTL: set 'sink.ttl'"},
            {
                "'sink.create-mode' = 'persistent-with-ttl', 'sink.ttl' = '0 ms'",
                "'sink.ttl' must be between 1 ms"
            },
            {
                "'sink.create-mode' = 'persistent-with-ttl', 'sink.ttl' = '-1s'",
                "Invalid value for option 'sink.ttl'"
            },
            {"'sink.ttl' = '1min'", "'sink.ttl' is set, but 'sink.create-mode' = 'persistent'"},
        };
        int i = 0;
        for (String[] c : planning) {
            String name = "bad" + i++;
            tEnv.executeSql(
                    "CREATE TABLE "
                            + name
                            + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                            + with(newRoot("ttl-bad"), c[0])
                            + ")");
            assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO " + name + " VALUES ('a', 'b')"))
                    .as(c[0])
                    .hasStackTraceContaining(c[1]);
        }
        tEnv.executeSql(
                "CREATE TABLE rowttl (k STRING, v STRING, ttl BIGINT METADATA,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(newRoot("ttl-row"))
                        + ")");
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "INSERT INTO rowttl VALUES ('a', 'b', CAST(5 AS BIGINT))"))
                .hasStackTraceContaining(
                        "writes the 'ttl' metadata column, but 'sink.create-mode'");
        tEnv.executeSql(
                "CREATE TABLE negttl (k STRING, v STRING, ttl BIGINT METADATA,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + withExtended(
                                newRoot("ttl-neg"), "'sink.create-mode' = 'persistent-with-ttl'")
                        + ")");
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                                "INSERT INTO negttl VALUES ('bad-row', 'b', CAST(-5 AS BIGINT))")
                                        .await())
                .hasStackTraceContaining("'bad-row'")
                .hasStackTraceContaining("'ttl' = -5 ms");
    }

    private static void awaitGone(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (extendedTrees.exists(path)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(path + " was not reaped");
            }
            Thread.sleep(100);
        }
    }
}
