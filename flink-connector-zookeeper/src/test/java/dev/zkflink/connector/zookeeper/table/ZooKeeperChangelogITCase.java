package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.LiveQueries;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live reads ({@code initial}, {@code latest}) against a real server, checked by the oracle: the
 * changelog materialized by key equals a fresh read of the tree (data, czxid, mzxid), and a retract
 * aggregate over it equals the aggregate over the tree.
 */
class ZooKeeperChangelogITCase extends ZooKeeperTableTestBase {
    static final Duration SETTLE = Duration.ofSeconds(60);

    /** Two live queries at once fit the shared cluster's slots. */
    static StreamTableEnvironment liveTableEnv() {
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.getConfig().set("parallelism.default", "2");
        return tEnv;
    }

    @Test
    void snapshotThenMixedChangesAtParallelismFourWithNewTopLevelSubtrees() throws Exception {
        String root = newRoot("changelog-mix");
        TreeChurn churn = new TreeChurn(trees.client(), root, 42);
        churn.seed();
        try (LiveQueries live =
                new LiveQueries(liveTableEnv(), with(root, "'scan.parallelism' = '4'"), SETTLE)) {
            live.rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            assertThat(live.rows.current()).hasSize(TreeChurn.GROUPS * TreeChurn.NODES_PER_GROUP);

            assertThat(churn.apply(600)).isGreaterThan(300);
            live.awaitTree(trees, root);
            assertThat(live.rows.current().keySet()).anyMatch(k -> k.startsWith("x"));
        }
    }

    @Test
    void writesRacingTheSnapshotWalk() throws Exception {
        String root = newRoot("changelog-race");
        TreeChurn churn = new TreeChurn(trees.client(), root, 7);
        churn.seed();
        churn.start(); // the tree keeps changing while the job starts and walks it
        try (LiveQueries live =
                new LiveQueries(liveTableEnv(), with(root, "'scan.parallelism' = '2'"), SETTLE)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while ((live.rows.changes() < 500 || churn.applied() < 1500)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            long applied = churn.stop();
            assertThat(applied).isGreaterThanOrEqualTo(1500);
            live.awaitTree(trees, root);
        } finally {
            churn.stop();
        }
    }

    @Test
    void latestEmitsOnlyChangesAfterTheStart() throws Exception {
        String root = newRoot("changelog-latest");
        TreeChurn churn = new TreeChurn(trees.client(), root, 3);
        churn.seed();
        StreamTableEnvironment tEnv = liveTableEnv();
        LiveQueries.createTable(tEnv, "t", with(root, "'scan.startup.mode' = 'latest'"));
        try (MaterializedChangelog rows =
                MaterializedChangelog.of(
                        tEnv.executeSql("SELECT g, n, v, czxid, mzxid FROM t"), 2)) {
            // Once a probe write shows up, the baseline walk is done or under way; a later change
            // of any node is emitted.
            int probe = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (!rows.current().containsKey("probe/p")
                    && System.currentTimeMillis() < deadline) {
                trees.put(root + "/probe/p", "v" + (probe++ % 5));
                Thread.sleep(200);
            }
            assertThat(rows.current()).containsOnlyKeys("probe/p");

            Map<String, List<Object>> before = trees.rowsWithZxids(root, 2);
            List<String> touched = new ArrayList<>();
            for (int g = 0; g < 3; g++) {
                for (int n = 0; n < 10; n++) {
                    String key = String.format("g%02d/n%02d", g, n);
                    trees.put(root + "/" + key, "changed-" + g);
                    touched.add(key);
                }
            }
            trees.deleteAll(root + "/g00/n00"); // emitted before: deleted again
            trees.deleteAll(root + "/g05/n05"); // never emitted: nothing to delete downstream
            Map<String, List<Object>> expected = new TreeMap<>();
            Map<String, List<Object>> now = trees.rowsWithZxids(root, 2);
            for (String key : touched) {
                if (now.containsKey(key)) {
                    expected.put(key, now.get(key));
                }
            }
            expected.put("probe/p", now.get("probe/p"));
            assertThat(before).hasSizeGreaterThan(expected.size());
            rows.awaitEquals(() -> expected, SETTLE);
        }
    }

    @Test
    void ephemeralNodesComeAndGoWithTheirOwnersSession() throws Exception {
        String root = newRoot("changelog-ephemeral");
        trees.put(root + "/svc-a/static", "v0");
        StreamTableEnvironment tEnv = liveTableEnv();
        LiveQueries.createTable(tEnv, "t", with(root));
        try (MaterializedChangelog rows =
                        MaterializedChangelog.of(
                                tEnv.executeSql("SELECT g, n, v, czxid, mzxid FROM t"), 2);
                ZooKeeperTrees owner = new ZooKeeperTrees(server.getConnectString())) {
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            for (int i = 0; i < 200; i++) {
                owner.client()
                        .create()
                        .creatingParentsIfNeeded()
                        .withMode(CreateMode.EPHEMERAL)
                        .forPath(
                                String.format(
                                        "%s/svc-%s/instance-%03d", root, "bcd".charAt(i % 3), i),
                                ("v" + (i % 5)).getBytes(StandardCharsets.UTF_8));
            }
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            assertThat(rows.current()).hasSize(201);

            owner.close(); // the owner's session ends: the server deletes its ephemeral nodes
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            assertThat(rows.current()).containsOnlyKeys("svc-a/static");
        }
    }

    @Test
    void oneSessionAndOneWatchForAllReadersWhateverTheTreeSize() throws Exception {
        String root = newRoot("changelog-watches");
        trees.createGrid(root, 50, 100); // 5,000 row nodes
        Set<String> sessionsBefore = ServerStats.sessions(server.getPort());
        int watchesBefore = ServerStats.totalWatches(server.getPort());
        StreamTableEnvironment tEnv = liveTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (p STRING, c STRING, v STRING, PRIMARY KEY (p, c) NOT ENFORCED)"
                        + " WITH ("
                        + with(root, "'scan.parallelism' = '2'")
                        + ")");
        try (MaterializedChangelog rows =
                MaterializedChangelog.of(tEnv.executeSql("SELECT p, c, v FROM t"), 2)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (rows.current().size() < 5000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(rows.current()).hasSize(5000);
            Set<String> sessions = ServerStats.sessions(server.getPort());
            sessions.removeAll(sessionsBefore);
            assertThat(sessions).as("sessions opened by the job's two readers").hasSize(1);
            assertThat(ServerStats.totalWatches(server.getPort()) - watchesBefore)
                    .as("watches set by the job's two readers")
                    .isEqualTo(1);
        }
    }
}
