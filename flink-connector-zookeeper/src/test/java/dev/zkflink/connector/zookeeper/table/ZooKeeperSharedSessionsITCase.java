package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 64 source readers and 64 sink writers of a table in one TaskManager share one session per side
 * and one watch on the root, and stay exact when those shared sessions expire on the server.
 */
class ZooKeeperSharedSessionsITCase {
    private static final int PARALLELISM = 64;
    private static final long SETTLE_MS = 120_000;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .setConfiguration(networkFor64x64())
                            .build());

    /** The key shuffle between 64 sources and 64 sinks needs 64 x 64 channels: small buffers. */
    private static Configuration networkFor64x64() {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("4kb"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("96mb"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("96mb"));
        return conf;
    }

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
    void sixtyFourReadersAndWritersHoldTwoSessionsAndOneWatch() throws Exception {
        String src = "/shared/src";
        String dst = "/shared/dst";
        trees.createGrid(src, PARALLELISM, 10);
        Set<String> sessionsBefore = ServerStats.sessions(server.getPort());
        int watchesBefore = ServerStats.totalWatches(server.getPort());

        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        // Exact means without a failover: any task failure fails the job and this test.
        tEnv.getConfig().set("restart-strategy.type", "none");
        String schema = " (p STRING, c STRING, v STRING, PRIMARY KEY (p, c) NOT ENFORCED)";
        tEnv.executeSql(
                "CREATE TABLE src"
                        + schema
                        + " WITH ("
                        + options(src, "'scan.parallelism' = '" + PARALLELISM + "'")
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE dst"
                        + schema
                        + " WITH ("
                        + options(
                                dst,
                                "'sink.parallelism' = '" + PARALLELISM + "'",
                                "'sink.buffer-flush.interval' = '50ms'")
                        + ")");
        TableResult insert = tEnv.executeSql("INSERT INTO dst SELECT * FROM src");
        try {
            awaitMirror(src, dst);
            Set<String> jobSessions = ServerStats.sessions(server.getPort());
            jobSessions.removeAll(sessionsBefore);
            assertThat(jobSessions)
                    .as("sessions of 64 readers and 64 writers in one TaskManager")
                    .hasSize(2);
            assertThat(ServerStats.totalWatches(server.getPort()) - watchesBefore)
                    .as("watches of 64 readers")
                    .isEqualTo(1);

            // Every subtask on both shared sessions must come through their expiry exactly.
            for (String session : jobSessions) {
                assertThat(
                                SessionHijack.expire(
                                        server.getConnectString(),
                                        SessionHijack.parseSessionId(session),
                                        10_000))
                        .as("session %s was alive", session)
                        .isTrue();
            }
            for (int p = 0; p < PARALLELISM; p++) {
                trees.put(String.format("%s/p-%d/n-%05d", src, p, 3), "changed-" + p);
                trees.put(String.format("%s/p-%d/n-new", src, p), "new-" + p);
            }
            trees.deleteAll(src + "/p-7");
            awaitMirror(src, dst);

            Set<String> afterExpiry = ServerStats.sessions(server.getPort());
            afterExpiry.removeAll(sessionsBefore);
            assertThat(afterExpiry).as("sessions after both expired").hasSize(2);
            assertThat(afterExpiry).doesNotContainAnyElementsOf(jobSessions);
            assertThat(ServerStats.totalWatches(server.getPort()) - watchesBefore)
                    .as("watches after the readers' session expired")
                    .isEqualTo(1);
            assertThat(insert.getJobClient().get().getJobStatus().get())
                    .isEqualTo(JobStatus.RUNNING);
        } finally {
            insert.getJobClient().get().cancel().get();
        }
    }

    private static void awaitMirror(String src, String dst) throws Exception {
        Callable<Map<String, String>> expected = () -> trees.level(src, 2);
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        while (!trees.level(dst, 2).equals(expected.call())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(trees.level(dst, 2)).isEqualTo(expected.call());
    }

    private static String options(String root, String... extra) {
        StringBuilder sb = new StringBuilder("'connector' = 'zookeeper', 'hosts' = '");
        sb.append(server.getConnectString()).append("', 'path' = '").append(root).append("'");
        for (String o : extra) {
            sb.append(", ").append(o);
        }
        return sb.toString();
    }
}
