package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A TaskManager with a small heap reads a tree of 0.9 MiB nodes at default read options. The pom
 * runs this class in its own failsafe execution with a small {@code -Xmx}; the ZooKeeper server
 * runs in its own JVM so that the heap measured is the TaskManager's.
 *
 * <p>The tree is skewed the way real trees are: eight top-level subtrees, one holding all {@value
 * #NODES} large nodes, so one split of one reader holds them all.
 */
class ZooKeeperReaderMemoryITCase {
    static final int NODES = 48;
    static final int NODE_BYTES = 900 * 1024;

    /** Above this the class runs in a JVM with an ordinary heap, where it proves nothing. */
    static final long SMALL_HEAP = 256L << 20;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .setConfiguration(smallTaskManager())
                            .build());

    @TempDir static Path dataDir;
    private static ZooKeeperServerProcess server;

    private static Configuration smallTaskManager() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("16m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("16m"));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("32m"));
        return conf;
    }

    @BeforeAll
    static void seed() throws Exception {
        assumeTrue(
                Runtime.getRuntime().maxMemory() <= SMALL_HEAP,
                "needs the small-heap failsafe execution");
        long t0 = System.nanoTime();
        server = ZooKeeperServerProcess.start(dataDir, 512);
        try (ZooKeeperTrees trees = new ZooKeeperTrees(server.connectString())) {
            for (int g = 1; g < 8; g++) {
                trees.put("/mem/g" + g, "");
            }
            for (int i = 0; i < NODES; i++) {
                byte[] data = new byte[NODE_BYTES];
                Arrays.fill(data, (byte) ('a' + i % 26));
                trees.put(String.format("/mem/g0/n%02d", i), data);
            }
        }
        System.out.printf("Seeded in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTreeOfLargeNodesIsReadWithASmallHeap() throws Exception {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long t0 = System.nanoTime();
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(
                        StreamExecutionEnvironment.getExecutionEnvironment(conf));
        tEnv.executeSql(
                "CREATE TABLE big (g STRING, n STRING, v STRING, PRIMARY KEY (g, n) NOT ENFORCED)"
                        + " WITH ('connector' = 'zookeeper', 'hosts' = '"
                        + server.connectString()
                        + "', 'path' = '/mem', 'scan.startup.mode' = 'snapshot')");
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT COUNT(*), SUM(CAST(CHAR_LENGTH(v) AS BIGINT)) FROM big")
                        .collect()) {
            it.forEachRemaining(rows::add);
        }
        System.out.printf(
                "Read %d nodes of %d bytes with -Xmx%dm in %d ms%n",
                NODES, NODE_BYTES, maxHeap >> 20, (System.nanoTime() - t0) / 1_000_000);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField(0)).isEqualTo((long) NODES);
        assertThat(rows.get(0).getField(1)).isEqualTo((long) NODES * NODE_BYTES);
    }
}
