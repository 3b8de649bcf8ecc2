package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.zkflink.connector.zookeeper.testutils.FlinkSql.ON_CONFLICT_DEDUPLICATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink under faults injected for real: server-side session expiry and leader failover. */
class ZooKeeperSinkFaultsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static TableResult startWriting(String hosts, String root, int rows, String... options)
            throws Exception {
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        tEnv.executeSql(
                "CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + rows
                        + "', 'rows-per-second' = '2000')");
        StringBuilder with =
                new StringBuilder("'connector' = 'zookeeper', 'hosts' = '")
                        .append(hosts)
                        .append("', 'path' = '")
                        .append(root)
                        .append("', 'sink.buffer-flush.max-rows' = '200'");
        for (String o : options) {
            with.append(", ").append(o);
        }
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with
                        + ")");
        return tEnv.executeSql(
                "INSERT INTO t SELECT CAST(id AS STRING), CONCAT('v', CAST(id AS STRING))"
                        + " FROM gen"
                        + ON_CONFLICT_DEDUPLICATE);
    }

    /** A failed assertion must not leave the job holding the slots for the next test. */
    private static void cancel(TableResult job) {
        job.getJobClient()
                .ifPresent(
                        client -> {
                            try {
                                if (!client.getJobStatus().get().isGloballyTerminalState()) {
                                    client.cancel().get();
                                }
                            } catch (Exception e) {
                                // already gone
                            }
                        });
    }

    private static int waitForNodes(ZooKeeperTrees trees, String root, int atLeast)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        int n = 0;
        while (n < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            n = trees.exists(root) ? trees.stat(root).getNumChildren() : 0;
        }
        return n;
    }

    private static void assertAllWritten(ZooKeeperTrees trees, String root, int rows)
            throws Exception {
        Map<String, String> tree = trees.tree(root);
        assertThat(tree).hasSize(rows);
        for (int i = 1; i <= rows; i++) {
            assertThat(tree.get(String.valueOf(i))).isEqualTo("v" + i);
        }
    }

    @Test
    void serverSideSessionExpiryDuringWrites() throws Exception {
        int rows = 12_000;
        try (TestingServer server = new TestingServer(ServerStats.withFourLetterWords(200), true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            Set<String> before = ServerStats.sessions(server.getPort());
            TableResult job =
                    startWriting(
                            proxy.connectString(),
                            "/faults/expiry",
                            rows,
                            "'session.timeout' = '2s'",
                            "'connection.timeout' = '10s'");
            try {
                int written = waitForNodes(trees, "/faults/expiry", 2000);
                Set<String> sinkSessions = ServerStats.sessions(server.getPort());
                sinkSessions.removeAll(before);
                assertThat(sinkSessions).as("the sink's sessions, through the proxy").isNotEmpty();

                proxy.freeze(); // the server hears nothing from the sink: it expires the session
                Thread.sleep(6_000);
                assertThat(ServerStats.sessions(server.getPort()))
                        .doesNotContainAnyElementsOf(sinkSessions);
                proxy.unfreeze();
                job.await();

                assertThat(written).isBetween(1, rows - 1);
                Set<String> after = ServerStats.sessions(server.getPort());
                assertThat(after).doesNotContainAnyElementsOf(sinkSessions);
                assertAllWritten(trees, "/faults/expiry", rows);
            } finally {
                cancel(job);
            }
        }
    }

    @Test
    void closedSocketsDuringWrites() throws Exception {
        int rows = 8_000;
        try (TestingServer server = new TestingServer(true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TableResult job = startWriting(proxy.connectString(), "/faults/sockets", rows);
            try {
                int written = waitForNodes(trees, "/faults/sockets", 1000);
                proxy.dropConnections();
                waitForNodes(trees, "/faults/sockets", written + 2000);
                proxy.dropConnections();
                job.await();
                assertThat(written).isBetween(1, rows - 1);
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(3);
                assertAllWritten(trees, "/faults/sockets", rows);
            } finally {
                cancel(job);
            }
        }
    }

    @Test
    void leaderKilledDuringWrites() throws Exception {
        int rows = 12_000;
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (ZooKeeperTrees trees = new ZooKeeperTrees(cluster.getConnectString())) {
                TableResult job = startWriting(cluster.getConnectString(), "/faults/leader", rows);
                try {
                    int written = waitForNodes(trees, "/faults/leader", 2000);
                    InstanceSpec leader = ServerStats.leaderOf(cluster);
                    assertThat(leader).as("the ensemble's leader").isNotNull();
                    assertThat(cluster.killServer(leader)).isTrue();
                    job.await();
                    assertThat(written).isBetween(1, rows - 1);
                    assertAllWritten(trees, "/faults/leader", rows);
                } finally {
                    cancel(job);
                }
            }
        }
    }

    /** Cancels the job and returns how long it took to reach a terminal state. */
    private static long millisToCancel(TableResult job) throws Exception {
        JobClient client = job.getJobClient().get();
        long start = System.nanoTime();
        client.cancel().get(60, TimeUnit.SECONDS);
        while (!client.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void cancelIsPromptWhileTheSinkWaitsOnAFrozenConnection() throws Exception {
        try (TestingServer server = new TestingServer(true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TableResult job = startWriting(proxy.connectString(), "/faults/frozen", 1_000_000);
            try {
                assertThat(waitForNodes(trees, "/faults/frozen", 1000)).isGreaterThan(0);
                proxy.freeze(); // requests are sent, no answer comes back
                Thread.sleep(3_000);
                assertThat(millisToCancel(job)).as("ms from cancel to CANCELED").isLessThan(5_000);
            } finally {
                proxy.unfreeze();
                cancel(job);
            }
        }
    }

    @Test
    void cancelIsPromptWhileTheSinkRetriesAStoppedServer() throws Exception {
        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TableResult job = startWriting(server.getConnectString(), "/faults/stopped", 1_000_000);
            try {
                assertThat(waitForNodes(trees, "/faults/stopped", 1000)).isGreaterThan(0);
                server.stop();
                Thread.sleep(3_000); // ConnectionLoss, then backoff and reconnect attempts
                assertThat(millisToCancel(job)).as("ms from cancel to CANCELED").isLessThan(5_000);
            } finally {
                cancel(job);
            }
        }
    }

    /**
     * A frozen connection answers nothing: each call would wait for the client's read timeout and
     * every retry for the connection timeout. The retry budget ends it with an error that says
     * where and how often.
     */
    @Test
    void unreachableEnsembleFailsTheJobWithinTheRetryTimeout() throws Exception {
        try (TestingServer server = new TestingServer(true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TableResult job =
                    startWriting(
                            proxy.connectString(),
                            "/faults/budget",
                            1_000_000,
                            "'sink.retry.timeout' = '3s'",
                            "'sink.max-retries' = '1000'");
            try {
                assertThat(waitForNodes(trees, "/faults/budget", 1000)).isGreaterThan(0);
                long start = System.nanoTime();
                proxy.freeze();
                assertThatThrownBy(job::await)
                        .satisfies(
                                e ->
                                        assertThat(ExceptionUtils.stringifyException(e))
                                                .contains(
                                                        "Writing to ZooKeeper at '"
                                                                + proxy.connectString()
                                                                + "' failed: ",
                                                        " attempts in ",
                                                        "without a successful write, last ",
                                                        "'sink.retry.timeout' = PT3S"));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertThat(ms).as("ms from the freeze to the failed job").isLessThan(15_000);
            } finally {
                proxy.unfreeze();
                cancel(job);
            }
        }
    }
}
