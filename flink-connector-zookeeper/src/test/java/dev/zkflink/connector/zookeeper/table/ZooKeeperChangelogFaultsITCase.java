package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.LiveQueries;
import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SourceMetrics;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live reads under faults injected for real: closed sockets, a server-side session expiry, a server
 * restarted within the session timeout while the others take writes, and a killed leader. After
 * each fault the materialized changelog must equal a fresh read of the tree (data, czxid, mzxid),
 * and a retract {@code COUNT(*) GROUP BY v} must equal the counts in the tree.
 */
class ZooKeeperChangelogFaultsITCase {
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static long sourceMetric(JobID job, String name) {
        return SourceMetrics.sum(METRICS, job, name);
    }

    /** Rows and counts of a live table on {@code hosts}, each from its own running query. */
    private static LiveQueries live(String hosts, String root, String... options) {
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        tEnv.getConfig().set("parallelism.default", "2");
        StringBuilder with =
                new StringBuilder("'connector' = 'zookeeper', 'hosts' = '")
                        .append(hosts)
                        .append("', 'path' = '")
                        .append(root)
                        .append("'");
        for (String o : options) {
            with.append(", ").append(o);
        }
        return new LiveQueries(tEnv, with.toString(), SETTLE);
    }

    @Test
    void serverSideSessionExpiryWithChangesMeanwhile() throws Exception {
        String root = "/faults/live-expiry";
        try (TestingServer server = new TestingServer(ServerStats.withFourLetterWords(200), true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TreeChurn churn = new TreeChurn(trees.client(), root, 11);
            churn.seed();
            Set<String> before = ServerStats.sessions(server.getPort());
            try (LiveQueries live =
                    live(
                            proxy.connectString(),
                            root,
                            "'session.timeout' = '2s'",
                            "'connection.timeout' = '10s'")) {
                live.awaitTree(trees, root);
                Set<String> jobSessions = ServerStats.sessions(server.getPort());
                jobSessions.removeAll(before);
                assertThat(jobSessions).as("the readers' sessions, through the proxy").isNotEmpty();

                proxy.freeze(); // the server hears nothing from the readers: it expires them
                long frozenAt = System.currentTimeMillis();
                assertThat(churn.apply(400)).isGreaterThan(200);
                churn.recreateSameVersion(0, 0);
                churn.recreateSameVersion(1, 1);
                Thread.sleep(Math.max(0, 6_000 - (System.currentTimeMillis() - frozenAt)));
                assertThat(ServerStats.sessions(server.getPort()))
                        .as("the readers' sessions expired on the server")
                        .doesNotContainAnyElementsOf(jobSessions);
                proxy.unfreeze();

                live.awaitTree(trees, root);
                assertThat(churn.apply(200)).isGreaterThan(100); // and the new watch works
                live.awaitTree(trees, root);
                JobID job = live.rows.jobId();
                assertThat(sourceMetric(job, "sessionsLost")).isGreaterThanOrEqualTo(1);
                assertThat(sourceMetric(job, "resyncs")).isGreaterThanOrEqualTo(1);
                assertThat(sourceMetric(job, "connected")).isEqualTo(2); // both readers
            }
        }
    }

    @Test
    void closedSocketsWhileTheTreeChanges() throws Exception {
        String root = "/faults/live-sockets";
        try (TestingServer server = new TestingServer(ServerStats.withFourLetterWords(200), true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            TreeChurn churn = new TreeChurn(trees.client(), root, 12);
            churn.seed();
            try (LiveQueries live = live(proxy.connectString(), root)) {
                live.awaitTree(trees, root);
                churn.start();
                for (int i = 0; i < 5; i++) {
                    long target = churn.applied() + 150;
                    while (churn.applied() < target) {
                        Thread.sleep(20);
                    }
                    // Drop only once the session has a connection again: a drop while it is
                    // still reconnecting finds nothing to drop.
                    int accepted = proxy.connectionsAccepted();
                    proxy.dropConnections();
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (proxy.connectionsAccepted() <= accepted
                            && System.currentTimeMillis() < deadline) {
                        Thread.sleep(10);
                    }
                }
                assertThat(churn.stop()).isGreaterThanOrEqualTo(750);
                live.awaitTree(trees, root);
                // All readers of both queries share one session: its first connection and one
                // reconnect after each of the five drops.
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(6);
                JobID job = live.rows.jobId();
                assertThat(sourceMetric(job, "reconnects")).isGreaterThanOrEqualTo(2);
                assertThat(sourceMetric(job, "resyncs")).isGreaterThanOrEqualTo(2);
                assertThat(sourceMetric(job, "sessionsLost")).isZero();
                assertThat(sourceMetric(job, "millisSinceLastEvent")).isLessThan(60_000);
            } finally {
                churn.stop();
            }
        }
    }

    @Test
    void serverRestartedWithinTheSessionTimeoutWhileOthersTakeWrites() throws Exception {
        String root = "/faults/live-restart";
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            InstanceSpec[] specs = cluster.getInstances().toArray(new InstanceSpec[0]);
            InstanceSpec watched = specs[0];
            String others = specs[1].getConnectString() + "," + specs[2].getConnectString();
            try (ZooKeeperTrees trees = new ZooKeeperTrees(others)) {
                TreeChurn churn = new TreeChurn(trees.client(), root, 13);
                churn.seed();
                for (int i = 0; i < 10; i++) {
                    trees.put(root + "/same/k" + i, "v1"); // version 0, never updated
                }
                Set<String> before = ServerStats.sessions(watched.getPort());
                try (LiveQueries live =
                        live(watched.getConnectString(), root, "'session.timeout' = '30s'")) {
                    live.awaitTree(trees, root);
                    Set<String> jobSessions = ServerStats.sessions(watched.getPort());
                    jobSessions.removeAll(before);
                    assertThat(jobSessions).isNotEmpty();

                    assertThat(cluster.killServer(watched)).isTrue();
                    assertThat(churn.apply(400)).isGreaterThan(200);
                    // Same data, same version 0: only czxid tells the new nodes apart.
                    trees.recreateSameVersion(root + "/same", 10);
                    assertThat(cluster.restartServer(watched)).isTrue();

                    live.awaitTree(trees, root);
                    assertThat(ServerStats.sessions(watched.getPort()))
                            .as("the readers came back with their sessions: no expiry")
                            .containsAll(jobSessions);
                }
            }
        }
    }

    @Test
    void leaderKilledWithAContinuousWriter() throws Exception {
        String root = "/faults/live-leader";
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (ZooKeeperTrees trees = new ZooKeeperTrees(cluster.getConnectString())) {
                TreeChurn churn = new TreeChurn(trees.client(), root, 14);
                churn.seed();
                try (LiveQueries live = live(cluster.getConnectString(), root)) {
                    live.awaitTree(trees, root);
                    churn.start();
                    while (churn.applied() < 200) {
                        Thread.sleep(20);
                    }
                    InstanceSpec leader = ServerStats.leaderOf(cluster);
                    assertThat(leader).as("the ensemble's leader").isNotNull();
                    long atKill = churn.applied();
                    assertThat(cluster.killServer(leader)).isTrue();
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (churn.applied() < atKill + 400
                            && System.currentTimeMillis() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(churn.stop()).isGreaterThanOrEqualTo(atKill + 400);
                    live.awaitTree(trees, root);
                } finally {
                    churn.stop();
                }
            }
        }
    }
}
