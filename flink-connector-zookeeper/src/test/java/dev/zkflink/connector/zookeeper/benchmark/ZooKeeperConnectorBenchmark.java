package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Snapshot-scan and sink throughput of the connector next to a plain ZooKeeper client doing the
 * same work against the same server in the same run. Run with:
 *
 * <pre>
 * ./mvnw -B -q -pl flink-connector-zookeeper -am -DskipTests install
 * ./mvnw -B -q -pl flink-connector-zookeeper exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.zkflink.connector.zookeeper.benchmark.ZooKeeperConnectorBenchmark \
 *     [-Dexec.args="100000"]
 * </pre>
 *
 * <p>A second argument {@code ratios} runs only the ratios issue 8 sets goals for (see {@link
 * SqlThroughputRatios}); the default {@code all} prints them after the other figures.
 *
 * <p>The server is a curator-test TestingServer in the same JVM as the Flink MiniCluster, so the
 * connector and the anchors share the same two cores. Connector times are end-to-end job times,
 * including job submission and scheduling (about a second on these machines).
 */
public final class ZooKeeperConnectorBenchmark {
    private static final int PARENTS = 100;
    private static final int VALUE_BYTES = 100;
    private static final int REPS = 3;

    public static void main(String[] args) throws Exception {
        BenchmarkLogs.toStderr();
        int requested = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String mode = args.length > 1 ? args[1] : "all";
        if (!mode.equals("all") && !mode.equals("ratios")) {
            throw new IllegalArgumentException("second argument: 'all' or 'ratios', was " + mode);
        }
        int ratioRuns = Integer.getInteger("bench.ratio.runs", 5);
        int perParent = requested / PARENTS;
        int nodes = perParent * PARENTS;
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');

        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            ZooKeeper zk = trees.zk();
            System.out.printf(
                    Locale.ROOT,
                    "ZooKeeper connector benchmark: %,d nodes (%d parents x %d), %d-byte values, JDK %s, %d cores%n",
                    nodes,
                    PARENTS,
                    perParent,
                    VALUE_BYTES,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());

            // ---- seed the scan tree
            List<String> parents = new ArrayList<>();
            for (int p = 0; p < PARENTS; p++) {
                String parent = String.format(Locale.ROOT, "/bench/scan/p-%03d", p);
                parents.add(parent);
                List<String> names = new ArrayList<>();
                List<byte[]> data = new ArrayList<>();
                for (int i = 0; i < perParent; i++) {
                    names.add(String.format(Locale.ROOT, "n-%05d", i));
                    data.add(value);
                }
                trees.createChildren(parent, names, data);
            }

            TableEnvironment batch = tableEnv(RuntimeExecutionMode.BATCH);
            String hosts = server.getConnectString();
            if (mode.equals("ratios")) {
                printRatios(hosts, trees, parents, nodes, ratioRuns);
                System.exit(0);
            }
            // Warm up the planner and the JIT once, outside the measurements.
            scanWithConnector(batch, hosts, "/bench/scan", 1);

            System.out.println();
            System.out.printf(
                    Locale.ROOT, "Each line: median of %d runs (min - max in brackets).%n", REPS);
            System.out.println();
            System.out.println("Snapshot scan (read every node's data):");
            int sample = Math.min(nodes, 10_000);
            List<String> sampleParents = parents.subList(0, Math.max(1, sample / perParent));
            int sampleNodes = sampleParents.size() * perParent;
            measure(
                    "plain client, blocking getData per node",
                    sampleNodes,
                    rep -> wall(() -> PlainClientAnchors.readSync(zk, sampleParents)));
            measure(
                    "plain client, pipelined async getData",
                    nodes,
                    rep -> wall(() -> PlainClientAnchors.readPipelined(zk, parents)));
            measure(
                    "plain client, multi read of 100 getData",
                    nodes,
                    rep -> wall(() -> PlainClientAnchors.readMulti(zk, parents)));
            for (int parallelism = 1; parallelism <= 2; parallelism++) {
                int p = parallelism;
                measure(
                        "connector source, first to last row, parallelism=" + p,
                        nodes,
                        rep -> sourceActiveSeconds(hosts, "/bench/scan", 2, p));
            }
            trees.put("/bench/empty", "");
            measure(
                    "connector, SQL job over an empty tree (fixed job cost)",
                    0,
                    rep -> wall(() -> scanWithConnector(batch, hosts, "/bench/empty", 1)));
            for (int parallelism = 1; parallelism <= 2; parallelism++) {
                int p = parallelism;
                measure(
                        "connector, whole SQL batch job, scan.parallelism=" + p,
                        nodes,
                        rep -> wall(() -> scanWithConnector(batch, hosts, "/bench/scan", p)));
            }

            System.out.println();
            System.out.println("Snapshot scan of a flat tree (all nodes children of one parent):");
            List<String> flatNames = new ArrayList<>();
            List<byte[]> flatData = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                flatNames.add(String.format(Locale.ROOT, "n-%06d", i));
                flatData.add(value);
            }
            trees.createChildren("/bench/flat", flatNames, flatData);
            List<String> flatParent = List.of("/bench/flat");
            // The parent's children list is over 1 MiB: a plain client needs a larger
            // jute.maxbuffer or it loops in ConnectionLoss. The connector raises its own.
            ZKClientConfig bigResponses = new ZKClientConfig();
            bigResponses.setProperty("jute.maxbuffer", String.valueOf(8 << 20));
            ZooKeeper wideZk = new ZooKeeper(hosts, 30_000, event -> {}, bigResponses);
            measure(
                    "plain client (jute.maxbuffer 8 MiB), multi read of 100 getData",
                    nodes,
                    rep -> wall(() -> PlainClientAnchors.readMulti(wideZk, flatParent)));
            wideZk.close();
            measure(
                    "connector source, first to last row, parallelism=1",
                    nodes,
                    rep -> sourceActiveSeconds(hosts, "/bench/flat", 1, 1));
            measure(
                    "connector, whole SQL batch job, scan.parallelism=1",
                    nodes,
                    rep -> wall(() -> scanFlatWithConnector(batch, hosts, "/bench/flat", 1)));

            System.out.println();
            System.out.println("Sink (create new nodes, then update them):");
            measure(
                    "plain client, blocking create per node",
                    sample,
                    rep -> {
                        String parent = "/bench/anchor-sync-" + rep;
                        trees.put(parent, "");
                        List<String> paths = flatPaths(parent, sample);
                        return wall(() -> PlainClientAnchors.createSync(zk, paths, value));
                    });
            measure(
                    "plain client, pipelined async create",
                    nodes,
                    rep -> {
                        String parent = "/bench/anchor-async-" + rep;
                        trees.put(parent, "");
                        List<String> paths = flatPaths(parent, nodes);
                        return wall(() -> PlainClientAnchors.createPipelined(zk, paths, value));
                    });
            measure(
                    "plain client, multi of 1000 creates",
                    nodes,
                    rep -> {
                        String parent = "/bench/anchor-multi-" + rep;
                        trees.put(parent, "");
                        List<String> paths = flatPaths(parent, nodes);
                        return wall(() -> PlainClientAnchors.createMulti(zk, paths, value));
                    });
            measure(
                    "plain client, multi of 1000 setData",
                    nodes,
                    rep -> {
                        List<String> paths = flatPaths("/bench/anchor-multi-0", nodes);
                        return wall(() -> PlainClientAnchors.setDataMulti(zk, paths, value));
                    });
            measure(
                    "connector sink, first to last create (server clock)",
                    nodes,
                    rep -> {
                        sinkWithConnector(batch, hosts, "/bench/sink-" + rep, nodes, "a");
                        return serverWindowSeconds(zk, "/bench/sink-" + rep, true);
                    });
            measure(
                    "connector sink, first to last update (server clock)",
                    nodes,
                    rep -> {
                        sinkWithConnector(batch, hosts, "/bench/sink-0", nodes, "u" + rep);
                        return serverWindowSeconds(zk, "/bench/sink-0", false);
                    });
            measure(
                    "connector, SQL INSERT of 0 rows (fixed job cost)",
                    0,
                    rep ->
                            wall(
                                    () ->
                                            sinkWithConnector(
                                                    batch, hosts, "/bench/sink-empty", 0, "z")));
            measure(
                    "connector, whole SQL batch INSERT (updates), sink.parallelism=1",
                    nodes,
                    rep ->
                            wall(
                                    () ->
                                            sinkWithConnector(
                                                    batch,
                                                    hosts,
                                                    "/bench/sink-0",
                                                    nodes,
                                                    "w" + rep)));

            for (int rep = 0; rep < REPS; rep++) {
                int written = trees.stat("/bench/sink-" + rep).getNumChildren();
                if (written != nodes) {
                    throw new IllegalStateException("sink wrote " + written + " nodes");
                }
            }
            System.out.println();
            System.out.println("Checked: every connector sink run wrote all " + nodes + " nodes.");
            printRatios(hosts, trees, parents, nodes, ratioRuns);
        }
        System.exit(0);
    }

    /** The ratios issue 8 sets goals for, through SQL, each run next to its plain-client anchor. */
    private static void printRatios(
            String hosts, ZooKeeperTrees trees, List<String> parents, int nodes, int runs)
            throws Exception {
        System.out.println();
        System.out.println(
                "Ratios through SQL, jobs at parallelism 1 on one MiniCluster, net of the same job"
                        + " over 10 nodes run just before, each run next to the plain client in the"
                        + " same run ("
                        + SqlJobs.describeExtraOptions()
                        + "):");
        // One cluster for all these jobs, as a user's session cluster: a job does not start one.
        try (MiniCluster cluster = SqlJobs.startCluster(new Configuration(), 1)) {
            SqlThroughputRatios ratios =
                    new SqlThroughputRatios(
                            SqlJobs.batchEnvOnCluster(), hosts, trees, runs, VALUE_BYTES);
            ratios.scan("/bench/scan", parents, nodes);
            ratios.sink("/bench/ratio-sink", nodes);
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
    }

    private static TableEnvironment tableEnv(RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        return TableEnvironment.create(
                EnvironmentSettings.newInstance().withConfiguration(conf).build());
    }

    private static long scanWithConnector(
            TableEnvironment tEnv, String hosts, String root, int parallelism) throws Exception {
        String table = "scan_" + parallelism + "_" + System.nanoTime();
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + root
                        + "',"
                        + " 'scan.startup.mode' = 'snapshot', 'scan.parallelism' = '"
                        + parallelism
                        + "')");
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT COUNT(*), SUM(CHAR_LENGTH(v)) FROM " + table).collect()) {
            Object sum = it.next().getField(1);
            return sum == null ? 0 : ((Number) sum).longValue();
        }
    }

    private static long scanFlatWithConnector(
            TableEnvironment tEnv, String hosts, String root, int parallelism) throws Exception {
        String table = "flat_" + System.nanoTime();
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (n STRING, v STRING, PRIMARY KEY (n) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + root
                        + "', 'scan.startup.mode' = 'snapshot', 'scan.parallelism' = '"
                        + parallelism
                        + "')");
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT COUNT(*), SUM(CHAR_LENGTH(v)) FROM " + table).collect()) {
            return ((Number) it.next().getField(1)).longValue();
        }
    }

    private static long sinkWithConnector(
            TableEnvironment tEnv, String hosts, String root, int n, String tag) throws Exception {
        SqlJobs.sink(tEnv, hosts, root, n, tag, VALUE_BYTES, "");
        return 0;
    }

    /**
     * Runs the source alone (DataStream API) and returns the seconds from its first to last row.
     */
    private static double sourceActiveSeconds(
            String hosts, String root, int rowDepth, int parallelism) throws Exception {
        TimedDeserializer.reset();
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(ZooKeeperConnectionOptions.builder().setHosts(hosts).build())
                        .build();
        env.fromSource(
                        new ZooKeeperSnapshotSource<>(
                                ZNodeTreeLayout.levels(root, rowDepth),
                                options,
                                new TimedDeserializer()),
                        WatermarkStrategy.noWatermarks(),
                        "zookeeper")
                .setParallelism(parallelism)
                .sinkTo(new DiscardingSink<>());
        env.execute("source-only");
        return (TimedDeserializer.LAST_NANOS.get() - TimedDeserializer.FIRST_NANOS.get()) / 1e9;
    }

    /** Seconds between the first and the last write below {@code root}, by the server's clock. */
    private static double serverWindowSeconds(ZooKeeper zk, String root, boolean creates)
            throws Exception {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        List<String> children = zk.getChildren(root, false);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            ops.add(Op.getData(root + "/" + children.get(i)));
            if (ops.size() == 100 || i == children.size() - 1) {
                for (OpResult r : zk.multi(ops)) {
                    Stat stat = ((OpResult.GetDataResult) r).getStat();
                    long t = creates ? stat.getCtime() : stat.getMtime();
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
                ops.clear();
            }
        }
        return Math.max(1, last - first) / 1000.0;
    }

    private static List<String> flatPaths(String parent, int n) {
        List<String> paths = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            paths.add(parent + "/" + i);
        }
        return paths;
    }

    interface Work {
        void run() throws Exception;
    }

    interface Repetition {
        double seconds(int rep) throws Exception;
    }

    private static double wall(Work work) throws Exception {
        System.gc();
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static void measure(String what, int nodes, Repetition repetition) throws Exception {
        double[] seconds = new double[REPS];
        for (int rep = 0; rep < REPS; rep++) {
            seconds[rep] = repetition.seconds(rep);
        }
        Arrays.sort(seconds);
        double median = seconds[REPS / 2];
        if (nodes == 0) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-66s %6.2f s [%.2f - %.2f]%n",
                    what,
                    median,
                    seconds[0],
                    seconds[REPS - 1]);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "  %-66s %,9.0f nodes/s [%,.0f - %,.0f]%n",
                what,
                nodes / median,
                nodes / seconds[REPS - 1],
                nodes / seconds[0]);
    }
}
