package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lookup joins next to a plain ZooKeeper client doing the same work against the same in-JVM server,
 * in the same run. Arguments: {@code [rows=100000] [probes=20000] [runs=5]}:
 *
 * <ol>
 *   <li>uncached sync lookups through SQL against blocking {@code getData}, one at a time;
 *   <li>uncached async lookups through SQL against pipelined async {@code getData} with {@code
 *       table.exec.async-lookup.buffer-capacity} in flight;
 *   <li>cached lookups per second at the function level (FULL, PARTIAL all hits) against a {@code
 *       HashMap<String,RowData>}; and the FULL SQL job for context;
 *   <li>staleness of FULL and PARTIAL (TTL 1 h) in running jobs against a plain watch;
 *   <li>heap per row of a FULL cache of {@code rows} rows against the rows' raw bytes.
 * </ol>
 *
 * <p>SQL rates are first to last joined row (seen by a function applied to the joined value), so
 * the job's start-up and the FULL load are left out. Every SQL run checks that every probe was
 * joined and every value byte arrived; the function-level loops check every lookup found its row.
 * System properties: {@code bench.cached.keys} (10000), {@code bench.cached.lookups} (3000000),
 * {@code bench.full.probes} (500000), {@code bench.stale.flips} (200), {@code bench.stale.rate}
 * (probes per second, 10000).
 */
public final class LookupBenchmark {
    private static final int VALUE_BYTES = 100;
    private static final double RATIO_GOAL = 0.8;

    private final LookupTree tree;
    private final ZooKeeperTrees trees;
    private final int probes;
    private final int runs;
    private final List<String[]> summary = new ArrayList<>();

    private LookupBenchmark(LookupTree tree, ZooKeeperTrees trees, int probes, int runs) {
        this.tree = tree;
        this.trees = trees;
        this.probes = probes;
        this.runs = runs;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkLogs.toStderr();
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        LookupTree tree = new LookupTree("/bench/lookup", rows, VALUE_BYTES);
        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            System.out.printf(
                    Locale.ROOT,
                    "Lookup benchmark: %s; %,d probes per uncached run; %d runs; JDK %s, %d cores,"
                            + " max heap %,d MiB%n",
                    tree.describe(),
                    probes,
                    runs,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf(
                    Locale.ROOT,
                    "Created the tree with async multi of 500 creates, 8 in flight, in %.1f s%n",
                    tree.create(trees));
            new LookupBenchmark(tree, trees, probes, runs).run(server.getConnectString());
        }
        System.exit(0);
    }

    private void run(String hosts) throws Exception {
        CachedLookupFigures cached = new CachedLookupFigures(hosts, tree, runs);
        cached.run(
                Integer.getInteger("bench.cached.keys", 10_000),
                Long.getLong("bench.cached.lookups", 3_000_000L));
        try (MiniCluster cluster = SqlJobs.startCluster(new Configuration(), 1)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            LookupSqlJobs jobs =
                    new LookupSqlJobs(env, tEnv, hosts, tree.root, tree.rows, tree.parents);
            int inFlight =
                    tEnv.getConfig()
                            .get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_LOOKUP_BUFFER_CAPACITY);
            uncached(jobs, false, inFlight);
            uncached(jobs, true, inFlight);
            double fullJob = fullSqlJob(jobs, Integer.getInteger("bench.full.probes", 500_000));
            summary.add(
                    row(
                            "cached, function level, FULL",
                            perSecond(cached.fullPerSecond)
                                    + ", CPU "
                                    + perSecond(cached.fullPerCpuSecond),
                            perSecond(cached.anchorPerSecond)
                                    + ", CPU "
                                    + perSecond(cached.anchorPerCpuSecond),
                            cached.fullPerSecond / cached.anchorPerSecond,
                            goalLine(cached.fullPerSecond, CachedLookupFigures.LOOKUPS_GOAL)));
            summary.add(
                    row(
                            "cached, function level, PARTIAL (hits)",
                            perSecond(cached.partialPerSecond)
                                    + ", CPU "
                                    + perSecond(cached.partialPerCpuSecond),
                            perSecond(cached.anchorPerSecond)
                                    + ", CPU "
                                    + perSecond(cached.anchorPerCpuSecond),
                            cached.partialPerSecond / cached.anchorPerSecond,
                            goalLine(cached.partialPerSecond, CachedLookupFigures.LOOKUPS_GOAL)));
            summary.add(row("cached, SQL job, FULL (context)", perSecond(fullJob), "-", 0, "-"));

            LookupStaleness staleness =
                    new LookupStaleness(
                            jobs,
                            trees.zk(),
                            hosts,
                            tree,
                            Integer.getInteger("bench.stale.flips", 200),
                            20,
                            Integer.getInteger("bench.stale.rate", 10_000));
            staleness.measure("FULL", "'lookup.cache' = 'FULL'");
            summary.add(staleRow("staleness, FULL (median / p99)", staleness));
            staleness.measure(
                    "PARTIAL, TTL 1 h",
                    "'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-write' = '1h',"
                            + " 'lookup.partial-cache.max-rows' = '1000'");
            summary.add(staleRow("staleness, PARTIAL (median / p99)", staleness));
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
        summary.add(
                row(
                        "heap per cached row, FULL",
                        String.format(Locale.ROOT, "%.0f B", cached.heapPerRow),
                        String.format(
                                Locale.ROOT,
                                "%.0f B raw (%.0f B plain map)",
                                cached.rawPerRow,
                                cached.plainMapPerRow),
                        cached.rawPerRow / cached.heapPerRow,
                        "-"));
        printSummary();
    }

    /** Sync or async uncached full-key lookups through SQL, each run next to the plain client. */
    private void uncached(LookupSqlJobs jobs, boolean async, int inFlight) throws Exception {
        String options = "'lookup.cache' = 'NONE', 'lookup.async' = '" + async + "'";
        List<String> paths = tree.probePaths(probes);
        ZooKeeper zk = trees.zk();
        jobs.joinAll(options, Math.min(probes, 1000)); // warm-up: planner, JIT, first job
        double[] connector = new double[runs];
        double[] anchor = new double[runs];
        double[] ratio = new double[runs];
        double[] jobSeconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            jobSeconds[r] = jobs.joinAll(options, probes);
            checkJoined(probes);
            connector[r] = LookupProbes.RowClock.rowsPerSecond();
            long start = System.nanoTime();
            long bytes =
                    async
                            ? PlainClientAnchors.getDataPipelined(zk, paths, inFlight)
                            : PlainClientAnchors.getDataEach(zk, paths);
            anchor[r] = probes / ((System.nanoTime() - start) / 1e9);
            if (bytes != (long) probes * VALUE_BYTES) {
                throw new IllegalStateException("the anchor read " + bytes + " bytes");
            }
            ratio[r] = connector[r] / anchor[r];
        }
        String anchorName =
                async
                        ? String.format(
                                Locale.ROOT, "plain client, async getData, %d in flight", inFlight)
                        : "plain client, blocking getData, one at a time";
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Uncached %s lookups (%s), full key, SQL job at parallelism 1, %,d probes per run"
                        + " (%d runs; every run joined every probe and counted its value bytes):%n",
                async ? "async" : "sync",
                options,
                probes,
                runs);
        System.out.printf(
                Locale.ROOT,
                "  whole job                                        median %.2f s [%.2f - %.2f]%n",
                RatioLine.median(jobSeconds),
                RatioLine.min(jobSeconds),
                RatioLine.max(jobSeconds));
        System.out.printf(
                Locale.ROOT,
                "  connector, first -> last joined row              %s%n",
                RatioLine.rates(connector));
        System.out.printf(Locale.ROOT, "  %-48s %s%n", anchorName, RatioLine.rates(anchor));
        System.out.printf(
                Locale.ROOT,
                "  %s lookups / anchor: %s%n",
                async ? "async" : "sync",
                RatioLine.format(ratio, RATIO_GOAL));
        double median = RatioLine.median(ratio);
        summary.add(
                row(
                        "uncached " + (async ? "async" : "sync") + ", SQL",
                        perSecond(RatioLine.median(connector)),
                        perSecond(RatioLine.median(anchor))
                                + (async ? " (async, " + inFlight + " in flight)" : " (blocking)"),
                        median,
                        String.format(
                                Locale.ROOT,
                                ">= %.1f: %s",
                                RATIO_GOAL,
                                median >= RATIO_GOAL ? "met" : "MISSED")));
    }

    /** The FULL cache through a whole SQL job, bounded by Flink's per-row work; for context. */
    private double fullSqlJob(LookupSqlJobs jobs, int fullProbes) throws Exception {
        String options = "'lookup.cache' = 'FULL'";
        jobs.joinAll(options, 10_000);
        double[] rates = new double[runs];
        double[] jobSeconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            jobSeconds[r] = jobs.joinAll(options, fullProbes);
            checkJoined(fullProbes);
            rates[r] = LookupProbes.RowClock.rowsPerSecond();
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "FULL through SQL (%s), full key, parallelism 1, %,d probes cycling over all %,d"
                        + " rows (%d runs; every run joined every probe):%n",
                options,
                fullProbes,
                tree.rows,
                runs);
        System.out.printf(
                Locale.ROOT,
                "  whole job, FULL load included                    median %.2f s [%.2f - %.2f]%n",
                RatioLine.median(jobSeconds),
                RatioLine.min(jobSeconds),
                RatioLine.max(jobSeconds));
        System.out.printf(
                Locale.ROOT,
                "  connector, first -> last joined row              %s%n",
                RatioLine.rates(rates));
        return RatioLine.median(rates);
    }

    private void checkJoined(long expected) {
        long rows = LookupProbes.RowClock.ROWS.get();
        long chars = LookupProbes.RowClock.CHARS.get();
        if (rows != expected || chars != expected * VALUE_BYTES) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "joined %,d rows with %,d value chars, expected %,d with %,d",
                            rows,
                            chars,
                            expected,
                            expected * VALUE_BYTES));
        }
    }

    private static String[] staleRow(String figure, LookupStaleness s) {
        return row(
                figure,
                String.format(Locale.ROOT, "%.2f / %.2f ms", s.staleMs[0], s.staleMs[1]),
                String.format(Locale.ROOT, "%.2f / %.2f ms (watch)", s.watchMs[0], s.watchMs[1]),
                0,
                "-");
    }

    private static String[] row(
            String figure, String connector, String anchor, double ratio, String goal) {
        return new String[] {
            figure,
            connector,
            anchor,
            ratio == 0 ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
            goal
        };
    }

    private static String perSecond(double rate) {
        return String.format(Locale.ROOT, "%,.0f /s", rate);
    }

    private static String goalLine(double rate, double goal) {
        return String.format(Locale.ROOT, ">= %,.0f/s: %s", goal, rate >= goal ? "met" : "MISSED");
    }

    private void printSummary() {
        System.out.println();
        System.out.println(
                "Summary (medians; connector next to the plain client in the same run):");
        String format = "| %-40s | %-34s | %-36s | %-5s | %-22s |%n";
        System.out.printf(Locale.ROOT, format, "figure", "connector", "anchor", "ratio", "goal");
        System.out.printf(
                Locale.ROOT,
                "|%s|%s|%s|%s|%s|%n",
                "-".repeat(42),
                "-".repeat(36),
                "-".repeat(38),
                "-".repeat(7),
                "-".repeat(24));
        for (String[] r : summary) {
            System.out.printf(Locale.ROOT, format, (Object[]) r);
        }
        System.out.println(
                "ratio: connector / anchor for rates (wall clock); raw bytes / connector for heap"
                        + " (above 1 is better for the connector); cached anchor: HashMap<String,RowData>"
                        + " with the key string built from the key row; CPU: per second of the"
                        + " looking-up thread's CPU time");
    }
}
