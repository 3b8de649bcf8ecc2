package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.time.Duration;

/**
 * The two running queries the live-read oracle compares with the tree: the table's rows (key, data,
 * czxid, mzxid) and the retract aggregate {@code COUNT(*) GROUP BY v}, each materialized from its
 * own job, over a table {@code t} of {@code root/g/n} nodes.
 */
public final class LiveQueries implements AutoCloseable {
    public final MaterializedChangelog rows;
    public final MaterializedChangelog counts;
    private final Duration settle;

    public LiveQueries(StreamTableEnvironment tEnv, String options, Duration settle) {
        createTable(tEnv, "t", options);
        this.rows =
                MaterializedChangelog.of(tEnv.executeSql("SELECT g, n, v, czxid, mzxid FROM t"), 2);
        this.counts =
                MaterializedChangelog.of(
                        tEnv.executeSql("SELECT v, COUNT(*) FROM t GROUP BY v"), 1);
        this.settle = settle;
    }

    /** A live table of {@code root/g/n} nodes with raw values and the zxids as metadata. */
    public static void createTable(StreamTableEnvironment tEnv, String name, String options) {
        tEnv.executeSql(
                "CREATE TABLE "
                        + name
                        + " (g STRING, n STRING, v STRING,"
                        + " czxid BIGINT METADATA VIRTUAL, mzxid BIGINT METADATA VIRTUAL,"
                        + " PRIMARY KEY (g, n) NOT ENFORCED) WITH ("
                        + options
                        + ")");
    }

    /** Waits until both queries equal the tree under {@code root}. */
    public void awaitTree(ZooKeeperTrees trees, String root) throws Exception {
        rows.awaitEquals(() -> trees.rowsWithZxids(root, 2), settle);
        counts.awaitEquals(() -> TreeChurn.countsByValue(trees.rowsWithZxids(root, 2)), settle);
    }

    @Override
    public void close() throws Exception {
        rows.close();
        counts.close();
    }
}
