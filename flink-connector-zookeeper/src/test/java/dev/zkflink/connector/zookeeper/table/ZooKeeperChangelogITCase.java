package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live reads ({@code initial}, {@code latest}) against a real server, checked by the oracle: the
 * changelog materialized by key equals a fresh read of the tree (data, czxid, mzxid), and a retract
 * aggregate over it equals the aggregate over the tree.
 */
class ZooKeeperChangelogITCase extends ZooKeeperTableTestBase {
    static final Duration SETTLE = Duration.ofSeconds(60);

    static void createTable(StreamTableEnvironment tEnv, String name, String options) {
        tEnv.executeSql(
                "CREATE TABLE "
                        + name
                        + " (g STRING, n STRING, v STRING,"
                        + " czxid BIGINT METADATA VIRTUAL, mzxid BIGINT METADATA VIRTUAL,"
                        + " PRIMARY KEY (g, n) NOT ENFORCED) WITH ("
                        + options
                        + ")");
    }

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
        StreamTableEnvironment tEnv = liveTableEnv();
        createTable(tEnv, "t", with(root, "'scan.parallelism' = '4'"));
        try (MaterializedChangelog rows =
                        MaterializedChangelog.of(
                                tEnv.executeSql("SELECT g, n, v, czxid, mzxid FROM t"), 2);
                MaterializedChangelog counts =
                        MaterializedChangelog.of(
                                tEnv.executeSql("SELECT v, COUNT(*) FROM t GROUP BY v"), 1)) {
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            assertThat(rows.current()).hasSize(TreeChurn.GROUPS * TreeChurn.NODES_PER_GROUP);

            assertThat(churn.apply(600)).isGreaterThan(300);
            rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), SETTLE);
            counts.awaitEquals(() -> TreeChurn.countsByValue(trees.rowsWithZxids(root, 2)), SETTLE);
            assertThat(rows.current().keySet()).anyMatch(k -> k.startsWith("x"));
        }
    }
}
