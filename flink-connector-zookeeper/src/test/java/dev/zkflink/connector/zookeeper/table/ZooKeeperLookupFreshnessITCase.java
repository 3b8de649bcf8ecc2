package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.SourceMetrics;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fresh lookups are, against a running streaming job that enriches events (nodes created in a
 * live ZooKeeper table) with flags through a PARTIAL cache with a one-hour TTL and a FULL cache
 * without reloads, side by side. With the watch every change is seen within a second, also after a
 * server-side session expiry and a leader kill; without it the caches keep the stale value, which
 * shows that the watch does the work.
 */
class ZooKeeperLookupFreshnessITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static final long FRESH_MS = 1000;

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

    private static final String PARTIAL =
            "'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-write' = '1h',"
                    + " 'lookup.partial-cache.max-rows' = '1000'";
    private static final String FULL = "'lookup.cache' = 'FULL'";

    @Test
    void watchedCachesSeeEveryChangeWithinASecondAndAfterASessionExpiry() throws Exception {
        String root = "/fresh/watched-" + ROOTS.incrementAndGet();
        try (Enrichment job =
                new Enrichment(server.getConnectString(), trees, root, PARTIAL, FULL)) {
            Set<String> before = ServerStats.sessions(server.getPort());
            job.start();
            job.assertFresh("on", "on"); // loads both caches

            trees.put(job.flag("dark-mode"), "{\"enabled\":false}");
            job.assertFresh("off", "off");
            job.awaitRow("new-flag", null, null, FRESH_MS); // caches the miss
            trees.put(job.flag("new-flag"), "{\"enabled\":true}");
            job.awaitRow("new-flag", "on", "on", FRESH_MS);
            trees.client().delete().forPath(job.flag("dark-mode"));
            job.assertFresh(null, null);

            assertThat(SourceMetrics.sum(METRICS, job.id(), "cache", "numWatchEvents"))
                    .isGreaterThan(0);
            assertThat(SourceMetrics.sum(METRICS, job.id(), "cache", "hitCount")).isGreaterThan(0);
            assertThat(SourceMetrics.sum(METRICS, job.id(), "cache", "numInvalidations"))
                    .isGreaterThan(0);

            // Every session of the job ends on the server; events sent meanwhile are lost.
            Set<String> jobSessions = ServerStats.sessions(server.getPort());
            jobSessions.removeAll(before);
            assertThat(jobSessions).isNotEmpty();
            for (String session : jobSessions) {
                SessionHijack.expire(
                        server.getConnectString(), SessionHijack.parseSessionId(session), 10_000);
            }
            trees.put(job.flag("dark-mode"), "{\"enabled\":true}");
            job.awaitRow("dark-mode", "on", "on", 30_000);
            trees.put(job.flag("dark-mode"), "{\"enabled\":false}");
            job.assertFresh("off", "off");
            assertThat(SourceMetrics.sum(METRICS, job.id(), "cache", "numResyncs"))
                    .as("the FULL cache walked the tree again on its new session")
                    .isGreaterThan(0);
        }
    }

    /** PARTIAL (1 h TTL) and FULL (reloaded every {@code reload}), both without the watch. */
    private static Enrichment unwatched(String root, String reload) throws Exception {
        return new Enrichment(
                server.getConnectString(),
                trees,
                root,
                PARTIAL + ", 'lookup.cache.watch' = 'false'",
                FULL
                        + ", 'lookup.cache.watch' = 'false',"
                        + " 'lookup.full-cache.periodic-reload.interval' = '"
                        + reload
                        + "'");
    }

    @Test
    void withoutTheWatchTheCachesKeepTheStaleValue() throws Exception {
        String root = "/fresh/unwatched-" + ROOTS.incrementAndGet();
        try (Enrichment job = unwatched(root, "1h")) {
            job.start();
            job.assertFresh("on", "on");
            trees.put(job.flag("dark-mode"), "{\"enabled\":false}");
            long until = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < until) {
                Row row = job.probe();
                assertThat(row.getField(1)).as("PARTIAL without a watch").isEqualTo("on");
                assertThat(row.getField(2)).as("FULL without a watch").isEqualTo("on");
            }
        }
    }

    @Test
    void fullCacheReloadsOnItsScheduleWithoutAWatch() throws Exception {
        String root = "/fresh/reloaded-" + ROOTS.incrementAndGet();
        try (Enrichment job = unwatched(root, "2s")) {
            job.start();
            job.assertFresh("on", "on");
            trees.put(job.flag("dark-mode"), "{\"enabled\":false}");
            Row row = job.awaitFull("off", 15_000);
            assertThat(row.getField(1)).as("PARTIAL, 1 h TTL, no watch").isEqualTo("on");
        }
    }

    @Test
    void watchedCachesConvergeAfterTheLeaderIsKilled() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (ZooKeeperTrees clusterTrees = new ZooKeeperTrees(cluster.getConnectString());
                    Enrichment job =
                            new Enrichment(
                                    cluster.getConnectString(),
                                    clusterTrees,
                                    "/fresh/leader",
                                    PARTIAL,
                                    FULL)) {
                job.start();
                job.assertFresh("on", "on");
                InstanceSpec leader = ServerStats.leaderOf(cluster);
                assertThat(leader).as("the ensemble's leader").isNotNull();
                assertThat(cluster.killServer(leader)).isTrue();
                putDuringElection(clusterTrees, job.flag("dark-mode"), "{\"enabled\":false}");
                job.awaitRow("dark-mode", "off", "off", 60_000);
                clusterTrees.put(job.flag("dark-mode"), "{\"enabled\":true}");
                job.assertFresh("on", "on");
            }
        }
    }

    /** The test's own write, retried while the remaining servers elect a new leader. */
    private static void putDuringElection(ZooKeeperTrees trees, String path, String data)
            throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                trees.put(path, data);
                return;
            } catch (KeeperException.ConnectionLossException e) {
                assertThat(System.currentTimeMillis())
                        .as("write after the leader kill")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /**
     * {@code SELECT e.id, p.state, f.state FROM events e LEFT JOIN flags_partial ... LEFT JOIN
     * flags_full ...}: one output row per event node created.
     */
    private static final class Enrichment implements AutoCloseable {
        private final ZooKeeperTrees trees;
        private final String root;
        private final StreamTableEnvironment tEnv;
        private TableResult result;
        private CloseableIterator<Row> rows;
        private int events;

        Enrichment(String hosts, ZooKeeperTrees trees, String root, String partial, String full)
                throws Exception {
            this.trees = trees;
            this.root = root;
            trees.put(root + "/flags/svc-a/dark-mode", "{\"enabled\":true}");
            trees.put(root + "/events", "");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            tEnv = StreamTableEnvironment.create(env);
            String common = "'connector' = 'zookeeper', 'hosts' = '" + hosts + "'";
            tEnv.executeSql(
                    "CREATE TABLE events (id STRING, service STRING, flag STRING,"
                            + " proc AS PROCTIME(), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                            + common
                            + ", 'path' = '"
                            + root
                            + "/events', 'format' = 'json')");
            for (String[] t : new String[][] {{"flags_partial", partial}, {"flags_full", full}}) {
                tEnv.executeSql(
                        "CREATE TABLE "
                                + t[0]
                                + " (service STRING, flag STRING, enabled BOOLEAN,"
                                + " PRIMARY KEY (service, flag) NOT ENFORCED) WITH ("
                                + common
                                + ", 'path' = '"
                                + root
                                + "/flags', 'format' = 'json', "
                                + t[1]
                                + ")");
            }
        }

        String flag(String name) {
            return root + "/flags/svc-a/" + name;
        }

        void start() {
            result =
                    tEnv.executeSql(
                            "SELECT e.id,"
                                    + " CASE WHEN p.enabled IS NULL THEN CAST(NULL AS STRING)"
                                    + "  WHEN p.enabled THEN 'on' ELSE 'off' END,"
                                    + " CASE WHEN f.enabled IS NULL THEN CAST(NULL AS STRING)"
                                    + "  WHEN f.enabled THEN 'on' ELSE 'off' END"
                                    + " FROM events AS e"
                                    + " LEFT JOIN flags_partial FOR SYSTEM_TIME AS OF e.proc AS p"
                                    + "  ON e.service = p.service AND e.flag = p.flag"
                                    + " LEFT JOIN flags_full FOR SYSTEM_TIME AS OF e.proc AS f"
                                    + "  ON e.service = f.service AND e.flag = f.flag");
            rows = result.collect();
        }

        JobID id() {
            return result.getJobClient().orElseThrow(IllegalStateException::new).getJobID();
        }

        /** Creates an event for svc-a/dark-mode and returns its joined row. */
        Row probe() throws Exception {
            return probe("dark-mode");
        }

        private Row probe(String flag) throws Exception {
            String id = String.format("e-%06d", ++events);
            putDuringElection(
                    trees,
                    root + "/events/" + id,
                    "{\"service\":\"svc-a\",\"flag\":\"" + flag + "\"}");
            while (true) {
                Row row = rows.next(); // every event yields exactly one row (left joins)
                if (id.equals(row.getField(0))) {
                    return row;
                }
            }
        }

        /** The next rows show the values within a second of the change that was just made. */
        void assertFresh(String partial, String full) throws Exception {
            awaitRow("dark-mode", partial, full, FRESH_MS);
        }

        /** Probes {@code flag} until both lookups show the values; fails after {@code withinMs}. */
        void awaitRow(String flag, String partial, String full, long withinMs) throws Exception {
            long started = System.currentTimeMillis();
            Row row = probe(flag);
            while (!(Objects.equals(row.getField(1), partial)
                    && Objects.equals(row.getField(2), full))) {
                assertThat(System.currentTimeMillis() - started)
                        .as("ms until lookups show (%s, %s); last row %s", partial, full, row)
                        .isLessThan(withinMs);
                Thread.sleep(10);
                row = probe(flag);
            }
        }

        Row awaitFull(String full, long withinMs) throws Exception {
            long deadline = System.currentTimeMillis() + withinMs;
            while (true) {
                Row row = probe();
                if (Objects.equals(row.getField(2), full)) {
                    return row;
                }
                assertThat(System.currentTimeMillis())
                        .as("FULL shows %s", full)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws Exception {
            if (rows != null) {
                rows.close();
            }
        }
    }
}
