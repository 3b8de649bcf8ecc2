package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.LiveQueries;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SourceMetrics;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.zkflink.connector.zookeeper.testutils.FlinkSql.ON_CONFLICT_DEDUPLICATE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code latest} reports every change made after its start point, also while its first walk of the
 * tree still runs: the walk may read a node's new state before the read its watch event causes,
 * which then sees nothing new. Reproduced as a user saw it: wait until a probe write is reported,
 * then update every row node with a pipelined plain client, and expect every update.
 */
class ZooKeeperLatestStartITCase {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static final InMemoryReporter METRICS = InMemoryReporter.create();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(12)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    private static TestingServer server;
    private static ZooKeeperTrees trees;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(ServerStats.withFourLetterWords(-1), true);
        trees = new ZooKeeperTrees(server.getConnectString());
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        trees.close();
        server.close();
    }

    /**
     * The reported case at parallelism 1, with reads slowed down (batches of 5 nodes) so the walk
     * is sure to be running when the burst starts.
     */
    @Test
    void everyUpdateDuringTheFirstWalkIsReported() throws Exception {
        Burst burst = new Burst("/latest/reported", 20, 500, 1, "'scan.read.batch-size' = '5'");
        burst.run(0);
        assertThat(burst.walkRunningAtBurst)
                .as("the first walk was still running when the burst started")
                .isTrue();
    }

    /**
     * The same pattern again and again in one JVM at parallelisms 1, 2 and 4, next to a live job
     * over a churning tree and a sink job, on trees whose walk outlasts the start of the burst.
     */
    @Test
    void stressUpdatesDuringTheFirstWalkAtParallelismOneTwoAndFour() throws Exception {
        String churnRoot = "/latest/churn";
        TreeChurn churn = new TreeChurn(trees.client(), churnRoot, 7);
        churn.seed();
        // The other jobs run at parallelism 1, so the bursts always find free slots.
        StreamExecutionEnvironment otherEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        otherEnv.setParallelism(1);
        StreamTableEnvironment other = StreamTableEnvironment.create(otherEnv);
        int overlapping = 0;
        int runs = 51;
        try (LiveQueries background =
                new LiveQueries(
                        other,
                        "'connector' = 'zookeeper', 'hosts' = '"
                                + server.getConnectString()
                                + "', 'path' = '"
                                + churnRoot
                                + "'",
                        BOUND)) {
            churn.start();
            for (int run = 0; run < runs; run++) {
                int parallelism = new int[] {1, 2, 4}[run % 3];
                // One node per read request: the walk of 4,000 nodes outlasts the wait for the
                // probe, even at parallelism 4 on an idle machine.
                Burst burst =
                        new Burst(
                                "/latest/stress-" + run,
                                10,
                                400,
                                parallelism,
                                "'scan.read.batch-size' = '1', 'scan.read.max-in-flight' = '1'");
                TableResult sinkJob = run % 5 == 0 ? startSinkJob(other, run) : null;
                burst.run(run);
                if (burst.walkRunningAtBurst) {
                    overlapping++;
                }
                if (sinkJob != null) {
                    sinkJob.await();
                }
            }
            churn.stop();
            background.awaitTree(trees, churnRoot);
        } finally {
            churn.stop();
        }
        // The pattern is only tested where the walk was still running when the burst began.
        assertThat(overlapping).as("runs whose walk overlapped the burst").isGreaterThan(runs / 2);
    }

    /** A bounded sink job writing 2,000 rows next to the burst. */
    private static TableResult startSinkJob(StreamTableEnvironment tEnv, int run) {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE gen_"
                        + run
                        + " (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '2000')");
        tEnv.executeSql(
                "CREATE TABLE sink_"
                        + run
                        + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + server.getConnectString()
                        + "', 'path' = '/latest/sink-"
                        + run
                        + "', 'format' = 'raw')");
        return tEnv.executeSql(
                "INSERT INTO sink_"
                        + run
                        + " SELECT CAST(id AS STRING), 'x' FROM gen_"
                        + run
                        + ON_CONFLICT_DEDUPLICATE);
    }

    /** One latest table over a fresh grid, a probe until it is reported, then the burst. */
    private static final class Burst {
        private final String root;
        private final int parents;
        private final int perParent;
        private final int parallelism;
        private final String readOptions;
        boolean walkRunningAtBurst;

        Burst(String root, int parents, int perParent, int parallelism, String readOptions) {
            this.root = root;
            this.parents = parents;
            this.perParent = perParent;
            this.parallelism = parallelism;
            this.readOptions = readOptions;
        }

        void run(int run) throws Exception {
            trees.createGrid(root, parents, perParent);
            trees.put(root + "/a-probe/n0", "p");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            tEnv.executeSql(
                    "CREATE TABLE t (g STRING, n STRING, v STRING,"
                            + " PRIMARY KEY (g, n) NOT ENFORCED) WITH ("
                            + "'connector' = 'zookeeper', 'hosts' = '"
                            + server.getConnectString()
                            + "', 'path' = '"
                            + root
                            + "', 'format' = 'raw', 'scan.startup.mode' = 'latest', "
                            + readOptions
                            + ")");
            try (MaterializedChangelog rows =
                    MaterializedChangelog.of(tEnv.executeSql("SELECT g, n, v FROM t"), 2)) {
                awaitProbe(rows);
                walkRunningAtBurst =
                        SourceMetrics.sum(METRICS, rows.jobId(), "resyncInProgress") > 0;
                String value = "u" + run;
                List<String> paths = new ArrayList<>();
                Map<String, List<Object>> expected = new TreeMap<>();
                for (int p = 0; p < parents; p++) {
                    for (int i = 0; i < perParent; i++) {
                        String key = String.format("p-%d/n-%05d", p, i);
                        paths.add(root + "/" + key);
                        expected.put(key, List.of(value));
                    }
                }
                trees.setPipelined(paths, value.getBytes(StandardCharsets.UTF_8), 500, 8);
                String missing =
                        MaterializedChangelog.pollUntilEqual(
                                () -> expected,
                                () -> updated(rows, value),
                                BOUND,
                                rows::assertNotFailed);
                assertThat(missing)
                        .as(
                                "run %d at parallelism %d: updates never reported (walk running"
                                        + " at the burst: %s)",
                                run, parallelism, walkRunningAtBurst)
                        .isNull();
                System.out.printf(
                        "latest burst run %d: parallelism %d, %d updates all reported,"
                                + " walk running at the burst: %s%n",
                        run, parallelism, paths.size(), walkRunningAtBurst);
            }
        }

        private void awaitProbe(MaterializedChangelog rows) throws Exception {
            long deadline = System.nanoTime() + BOUND.toNanos();
            int i = 0;
            while (!rows.current().containsKey("a-probe/n0")) {
                assertThat(System.nanoTime()).as("probe reported").isLessThan(deadline);
                trees.put(root + "/a-probe/n0", "p" + i++);
                Thread.sleep(50);
            }
        }

        /** The rows that carry the burst's value (every other row is still at its start). */
        private static Map<String, List<Object>> updated(MaterializedChangelog rows, String value) {
            Map<String, List<Object>> out = new TreeMap<>();
            for (Map.Entry<String, List<Object>> e : rows.current().entrySet()) {
                if (e.getValue().equals(List.of(value))) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
        }
    }
}
