package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A real ZooKeeper server and a real Flink MiniCluster, shared by the tests of a class. */
public abstract class ZooKeeperTableTestBase {

    @RegisterExtension
    public static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .build());

    private static final AtomicInteger ROOTS = new AtomicInteger();

    protected static TestingServer server;
    protected static ZooKeeperTrees trees;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(ServerStats.withFourLetterWords(-1), true);
        trees = new ZooKeeperTrees(server.getConnectString());
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        if (trees != null) {
            trees.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A fresh root path per test, so tests never see each other's nodes. */
    protected static String newRoot(String name) {
        return "/it/" + name + "-" + ROOTS.incrementAndGet();
    }

    protected static StreamTableEnvironment streamingTableEnv() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        return StreamTableEnvironment.create(env);
    }

    protected static StreamTableEnvironment batchTableEnv() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        return StreamTableEnvironment.create(env);
    }

    /** {@code 'hosts' = ..., 'path' = ...} plus extra options, ready for a WITH clause. */
    protected static String with(String root, String... extraOptions) {
        StringBuilder sb = new StringBuilder("'connector' = 'zookeeper', 'hosts' = '");
        sb.append(server.getConnectString()).append("', 'path' = '").append(root).append("'");
        for (String o : extraOptions) {
            sb.append(", ").append(o);
        }
        return sb.toString();
    }

    protected static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    protected static List<String> collectStrings(TableResult result) throws Exception {
        List<String> out = new ArrayList<>();
        for (Row r : collect(result)) {
            out.add(r.toString());
        }
        return out;
    }
}
