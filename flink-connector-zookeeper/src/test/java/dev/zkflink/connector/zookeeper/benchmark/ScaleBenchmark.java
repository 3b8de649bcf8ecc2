package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The connector at scale (default 1,000,000 row nodes, {@code p-<p>/n-<i>}, 1,000 per parent,
 * 100-byte values), each figure next to a plain ZooKeeper client doing the same work against the
 * same in-JVM server in the same run, and a summary table at the end. Run with (the heap must hold
 * the server's tree, the source's state and the anchors'):
 *
 * <pre>
 * ./mvnw -B -q -pl flink-connector-zookeeper -am -DskipTests install
 * ./mvnw -B -q -pl flink-connector-zookeeper -DskipTests exec:exec -Dexec.classpathScope=test \
 *     -Dexec.executable=java \
 *     -Dexec.args="-Xmx6g -cp %classpath dev.zkflink.connector.zookeeper.benchmark.ScaleBenchmark 1000000 100000"
 * </pre>
 *
 * <p>Arguments: row nodes (smoke-run with 20000) and changes for the change-throughput part. All
 * jobs run on one MiniCluster (4 slots), so job submission does not start a cluster each time.
 *
 * <ul>
 *   <li><b>Scan</b>: SQL {@code SELECT COUNT(*), SUM(CHAR_LENGTH(v))} in batch mode at {@code
 *       scan.parallelism} 1 and 4, net of the same job over 10 nodes run just before; against one
 *       plain client (and 4 clients on 4 threads, a quarter of the parents each) listing each
 *       parent and reading its children by multi reads of 100 getData.
 *   <li><b>Start-up</b>: a live {@code initial} source (DataStream API, parallelism 1) from job
 *       submission to the last row of its first walk; against a plain client that connects, sets a
 *       persistent recursive watch and walks the tree the same way, keeping every node's Stat.
 *   <li><b>Changes</b>: {@code setData} by async multis of 1,000, 4 in flight, spread over all
 *       nodes; the source's UPDATE rows against the raw watch's NodeDataChanged events.
 *   <li><b>Checkpoint</b>: one checkpoint of the running source (filesystem storage), size and
 *       end-to-end duration from the job's checkpoint statistics; against the bytes a plain client
 *       needs at least to resume by diff (each path plus czxid and mzxid).
 *   <li><b>Heap</b>: used heap after full GCs with the source holding every row, minus the same
 *       with the same job over 10 nodes, divided by rows; against the plain client's map of path to
 *       Stat, measured the same way.
 * </ul>
 */
public final class ScaleBenchmark {
    private static final String ROOT = "/bench/scale";
    private static final String TINY = "/bench/scale-tiny";
    private static final int PER_PARENT = 1000;
    private static final int VALUE_BYTES = 100;
    private static final int WRITE_BATCH = 1000;
    private static final int WRITES_IN_FLIGHT = 4;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final List<String[]> SUMMARY = new ArrayList<>();
    private static final List<String> PROBLEMS = new ArrayList<>();

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkLogs.toStderr();
        int requested = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int perParent = Math.min(PER_PARENT, requested);
        int parentCount = Math.max(1, requested / perParent);
        int nodes = parentCount * perParent;
        List<String> parents = new ArrayList<>(parentCount);
        for (int p = 0; p < parentCount; p++) {
            parents.add(String.format(Locale.ROOT, "%s/p-%04d", ROOT, p));
        }
        System.out.printf(
                Locale.ROOT,
                "Scale benchmark: %,d row nodes (%,d parents x %,d, levels depth 2), %d-byte values,"
                        + " %,d changes, JDK %s, %d cores, max heap %,d MiB%n",
                nodes,
                parentCount,
                perParent,
                VALUE_BYTES,
                changes,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        File checkpoints = Files.createTempDirectory("scale-checkpoints").toFile();
        try (TestingServer server = new TestingServer(true)) {
            String hosts = server.getConnectString();
            ZooKeeper zk = connect(hosts);
            createTree(zk, parents, perParent);

            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
            conf.set(RestOptions.BIND_PORT, "0");
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toURI().toString());
            try (MiniCluster cluster =
                    new MiniCluster(
                            new MiniClusterConfiguration.Builder()
                                    .setConfiguration(conf)
                                    .setNumTaskManagers(1)
                                    .setNumSlotsPerTaskManager(4)
                                    .build())) {
                cluster.start();
                TestStreamEnvironment.setAsContext(cluster, 1);

                scans(hosts, zk, parents, nodes);
                PlainWalk plain = plainStartUpAndChanges(hosts, parents, nodes, perParent, changes);
                connector(cluster, hosts, zk, parents, nodes, perParent, changes, plain);
                TestStreamEnvironment.unsetAsContext();
            }
            zk.close();
        }

        System.out.println();
        System.out.println("Summary (connector next to the plain client in the same run):");
        System.out.printf(
                Locale.ROOT,
                "| %-44s | %-24s | %-24s | %-6s |%n",
                "figure",
                "connector",
                "plain client",
                "ratio");
        System.out.printf(
                Locale.ROOT, "|%s|%s|%s|%s|%n", dashes(46), dashes(26), dashes(26), dashes(8));
        for (String[] row : SUMMARY) {
            System.out.printf(
                    Locale.ROOT, "| %-44s | %24s | %24s | %6s |%n", row[0], row[1], row[2], row[3]);
        }
        System.out.println(
                "ratio: connector / plain for rates; plain / connector for times, bytes and heap"
                        + " (so above 1 is better for the connector, always)");
        System.out.println();
        if (PROBLEMS.isEmpty()) {
            System.out.println(
                    "Checked: every run delivered every row, and every change's last mzxid.");
            System.exit(0);
        }
        for (String problem : PROBLEMS) {
            System.out.println("!!! " + problem);
        }
        System.exit(1);
    }

    // ---------------------------------------------------------------- tree

    private static void createTree(ZooKeeper zk, List<String> parents, int perParent)
            throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        zk.create("/bench", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(TINY, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.create(
                TINY + "/p-0000", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 10; i++) {
            zk.create(
                    String.format(Locale.ROOT, "%s/p-0000/n-%03d", TINY, i),
                    value,
                    ZooDefs.Ids.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
        }
        List<Op> parentOps = new ArrayList<>();
        for (String p : parents) {
            parentOps.add(
                    Op.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        }
        PlainClientAnchors.multiPipelined(zk, parentOps, 500, 8);
        long start = System.nanoTime();
        List<Op> ops = new ArrayList<>(500 * 8);
        int created = 0;
        for (String p : parents) {
            for (int i = 0; i < perParent; i++) {
                ops.add(
                        Op.create(
                                String.format(Locale.ROOT, "%s/n-%03d", p, i),
                                value,
                                ZooDefs.Ids.OPEN_ACL_UNSAFE,
                                CreateMode.PERSISTENT));
            }
            if (ops.size() >= 100_000) {
                created += ops.size();
                PlainClientAnchors.multiPipelined(zk, ops, 500, 8);
                ops.clear();
            }
        }
        created += ops.size();
        PlainClientAnchors.multiPipelined(zk, ops, 500, 8);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "Created %,d row nodes with async multi of 500 creates, 8 in flight: %.1f s (%,.0f/s)%n",
                created,
                seconds,
                created / seconds);
    }

    // ---------------------------------------------------------------- 1. scans

    private static void scans(String hosts, ZooKeeper zk, List<String> parents, int nodes)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
        SqlJobs.scan(tEnv, hosts, TINY, 1); // warm-up: planner, JIT
        System.out.println();
        for (int parallelism : new int[] {1, 4}) {
            double fixed = seconds(() -> SqlJobs.scan(tEnv, hosts, TINY, parallelism));
            long[] result = new long[2];
            double job =
                    seconds(
                            () -> {
                                long[] r = SqlJobs.scan(tEnv, hosts, ROOT, parallelism);
                                result[0] = r[0];
                                result[1] = r[1];
                            });
            double plain = plainScan(hosts, parents, parallelism);
            if (result[0] != nodes || result[1] != (long) nodes * VALUE_BYTES) {
                PROBLEMS.add(
                        String.format(
                                Locale.ROOT,
                                "scan, parallelism %d: %,d rows / %,d value bytes, expected %,d / %,d",
                                parallelism,
                                result[0],
                                result[1],
                                nodes,
                                (long) nodes * VALUE_BYTES));
            }
            double net = nodes / Math.max(1e-3, job - fixed);
            double anchor = nodes / plain;
            System.out.printf(
                    Locale.ROOT,
                    "Scan, SQL, scan.parallelism=%d: whole job %.2f s, same job over 10 nodes %.2f s,"
                            + " net %,.0f rows/s; plain client%s %,.0f nodes/s (%.2f s); ratio %.2f%n",
                    parallelism,
                    job,
                    fixed,
                    net,
                    parallelism == 1 ? "" : "s x " + parallelism,
                    anchor,
                    plain,
                    net / anchor);
            SUMMARY.add(
                    new String[] {
                        "snapshot scan, SQL, parallelism " + parallelism + " (net)",
                        rate(net, "rows/s"),
                        rate(anchor, "nodes/s")
                                + (parallelism == 1 ? "" : " (" + parallelism + " cl.)"),
                        ratio(net / anchor)
                    });
        }
    }

    /**
     * Lists each parent, reads its children by multi reads of 100; {@code clients} in parallel.
     * Returns the seconds from the first read to the last (the clients are connected before).
     */
    private static double plainScan(String hosts, List<String> parents, int clients)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            List<ZooKeeper> zks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                zks.add(connect(hosts));
            }
            System.gc();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                ZooKeeper zk = zks.get(c);
                List<String> mine =
                        parents.subList(
                                c * parents.size() / clients, (c + 1) * parents.size() / clients);
                parts.add(pool.submit(() -> PlainClientAnchors.readMulti(zk, mine)));
            }
            for (Future<Long> f : parts) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (ZooKeeper zk : zks) {
                zk.close();
            }
            return seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- 2. plain client: watch+walk

    private static final class PlainWalk {
        double startUpSeconds;
        double changesPerSecond;
        long heapBytes;
    }

    private static PlainWalk plainStartUpAndChanges(
            String hosts, List<String> parents, int nodes, int perParent, int changes)
            throws Exception {
        PlainWalk out = new PlainWalk();
        long before = usedHeapAfterGc();
        AtomicLong events = new AtomicLong();
        AtomicLong lastEvent = new AtomicLong();
        long start = System.nanoTime();
        ZooKeeper watcher = connect(hosts);
        watcher.addWatch(
                ROOT,
                event -> {
                    if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                        lastEvent.set(System.nanoTime());
                        events.incrementAndGet();
                    }
                },
                AddWatchMode.PERSISTENT_RECURSIVE);
        Map<String, Stat> tracked = new HashMap<>();
        List<Op> ops = new ArrayList<>();
        for (String parent : watcher.getChildren(ROOT, false)) {
            String p = ROOT + "/" + parent;
            for (String c : watcher.getChildren(p, false)) {
                ops.add(Op.getData(p + "/" + c));
                if (ops.size() == 100) {
                    keep(watcher.multi(ops), ops, tracked);
                    ops.clear();
                }
            }
        }
        if (!ops.isEmpty()) {
            keep(watcher.multi(ops), ops, tracked);
        }
        out.startUpSeconds = (System.nanoTime() - start) / 1e9;
        out.heapBytes = usedHeapAfterGc() - before;
        if (tracked.size() != nodes) {
            PROBLEMS.add("plain walk found " + tracked.size() + " of " + nodes + " nodes");
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Plain client: connect + persistent recursive watch + walk of %,d nodes: %.2f s"
                        + " (%,.0f nodes/s); its map of path -> Stat: %,.0f bytes of heap per node%n",
                nodes,
                out.startUpSeconds,
                nodes / out.startUpSeconds,
                (double) out.heapBytes / nodes);
        tracked = null;

        for (int rep = -1; rep < 1; rep++) { // run -1 warms up
            events.set(0);
            long[] expected = new long[nodes];
            long begin = writeChanges(watcher, parents, perParent, changes, "a" + rep, expected);
            if (!awaitCount(events::get, changes)) {
                PROBLEMS.add("raw watch: " + events.get() + " of " + changes + " events");
            }
            out.changesPerSecond = changes / ((lastEvent.get() - begin) / 1e9);
        }
        watcher.close();
        System.out.printf(
                Locale.ROOT,
                "Plain client: raw persistent recursive watch, %,d setData: %,.0f changes/s%n",
                changes,
                out.changesPerSecond);
        return out;
    }

    private static void keep(List<OpResult> results, List<Op> ops, Map<String, Stat> tracked) {
        for (int i = 0; i < results.size(); i++) {
            OpResult r = results.get(i);
            if (r instanceof OpResult.GetDataResult) {
                tracked.put(ops.get(i).getPath(), ((OpResult.GetDataResult) r).getStat());
            }
        }
    }

    /**
     * Writes {@code changes} setData, change {@code j} to node {@code (j * stride) mod N}, so they
     * spread over all parents; records each node's highest written mzxid. Returns the start nanos.
     */
    private static long writeChanges(
            ZooKeeper zk,
            List<String> parents,
            int perParent,
            int changes,
            String tag,
            long[] expected)
            throws Exception {
        int nodes = parents.size() * perParent;
        int stride = nodes > 7919 && nodes % 7919 != 0 ? 7919 : 1;
        List<Op> ops = new ArrayList<>(changes);
        int[] index = new int[changes];
        for (int j = 0; j < changes; j++) {
            int idx = (int) (((long) j * stride) % nodes);
            index[j] = idx;
            String path =
                    String.format(
                            Locale.ROOT,
                            "%s/n-%03d",
                            parents.get(idx / perParent),
                            idx % perParent);
            ops.add(Op.setData(path, value(tag + "-" + j + "-"), -1));
        }
        System.gc();
        long start = System.nanoTime();
        AtomicLongArray mzxids = new AtomicLongArray(changes);
        PlainClientAnchors.multiPipelined(zk, ops, WRITE_BATCH, WRITES_IN_FLIGHT, mzxids);
        for (int j = 0; j < changes; j++) {
            expected[index[j]] = Math.max(expected[index[j]], mzxids.get(j));
        }
        return start;
    }

    // ---------------------------------------------------------------- 3. the connector

    private static void connector(
            MiniCluster cluster,
            String hosts,
            ZooKeeper zk,
            List<String> parents,
            int nodes,
            int perParent,
            int changes,
            PlainWalk plain)
            throws Exception {
        System.out.println();
        // Baseline: the same job over 10 nodes, for the heap measurement.
        ScaleProbe.reset(nodes, perParent);
        JobClient tiny = startLive(hosts, TINY);
        if (!awaitCount(ScaleProbe.INSERTS::get, 10)) {
            PROBLEMS.add("the 10-node live job emitted " + ScaleProbe.INSERTS.get() + " rows");
        }
        long baseline = usedHeapAfterGc();
        tiny.cancel().get(60, TimeUnit.SECONDS);
        awaitEnd(tiny);

        ScaleProbe.reset(nodes, perParent);
        long submitted = System.nanoTime();
        JobClient job = startLive(hosts, ROOT);
        try {
            if (!awaitCount(ScaleProbe.INSERTS::get, nodes)) {
                PROBLEMS.add("initial walk emitted " + ScaleProbe.INSERTS.get() + " of " + nodes);
            }
            double startUp = (ScaleProbe.LAST_INSERT_NANOS.get() - submitted) / 1e9;
            double walk =
                    (ScaleProbe.LAST_INSERT_NANOS.get() - ScaleProbe.FIRST_INSERT_NANOS.get())
                            / 1e9;
            int missing = 0;
            for (int i = 0; i < nodes; i++) {
                if (ScaleProbe.mzxids.get(i) == 0) {
                    missing++;
                }
            }
            if (missing > 0) {
                PROBLEMS.add("initial walk: " + missing + " row nodes got no INSERT");
            }
            System.out.printf(
                    Locale.ROOT,
                    "Connector, initial, parallelism 1: submission -> last row of the first walk"
                            + " %.2f s (first -> last row %.2f s, %,.0f rows/s); plain %.2f s; ratio %.2f%n",
                    startUp,
                    walk,
                    nodes / walk,
                    plain.startUpSeconds,
                    plain.startUpSeconds / startUp);
            SUMMARY.add(
                    new String[] {
                        "initial: start-up to end of first walk",
                        String.format(Locale.ROOT, "%.2f s", startUp),
                        String.format(Locale.ROOT, "%.2f s", plain.startUpSeconds),
                        ratio(plain.startUpSeconds / startUp)
                    });

            long held = usedHeapAfterGc() - baseline;
            System.out.printf(
                    Locale.ROOT,
                    "Connector heap, source holding %,d rows: %,.1f MiB over the 10-node job, %,.0f"
                            + " bytes per row; plain map %,.0f bytes per node; ratio %.2f%n",
                    nodes,
                    held / 1048576.0,
                    (double) held / nodes,
                    (double) plain.heapBytes / nodes,
                    (double) plain.heapBytes / held);
            SUMMARY.add(
                    new String[] {
                        "heap per tracked row (used after GC)",
                        String.format(Locale.ROOT, "%,.0f B", (double) held / nodes),
                        String.format(
                                Locale.ROOT,
                                "%,.0f B (path->Stat)",
                                (double) plain.heapBytes / nodes),
                        ratio((double) plain.heapBytes / held)
                    });

            checkpoint(cluster, job.getJobID(), parents, perParent, nodes);

            double rate = 0;
            for (int rep = -1; rep < 1; rep++) {
                long updatesBefore = ScaleProbe.UPDATES.get();
                long[] expected = new long[nodes];
                long begin = writeChanges(zk, parents, perParent, changes, "c" + rep, expected);
                int behind = awaitCaughtUp(expected);
                if (behind > 0) {
                    PROBLEMS.add(
                            "changes run " + rep + ": " + behind + " nodes lack their last mzxid");
                }
                rate = changes / ((ScaleProbe.LAST_UPDATE_NANOS.get() - begin) / 1e9);
                System.out.printf(
                        Locale.ROOT,
                        "Connector change throughput run %d: %,d UPDATE rows for %,d setData, %,.0f"
                                + " changes/s%n",
                        rep,
                        ScaleProbe.UPDATES.get() - updatesBefore,
                        changes,
                        rate);
            }
            System.out.printf(
                    Locale.ROOT,
                    "Change throughput, %,d tracked rows: connector %,.0f/s, raw watch %,.0f/s, ratio %.2f%n",
                    nodes,
                    rate,
                    plain.changesPerSecond,
                    rate / plain.changesPerSecond);
            SUMMARY.add(
                    new String[] {
                        "change throughput (setData -> row/event)",
                        rate(rate, "/s"),
                        rate(plain.changesPerSecond, "/s (raw watch)"),
                        ratio(rate / plain.changesPerSecond)
                    });
            if (ScaleProbe.OTHERS.get() > 0) {
                PROBLEMS.add(ScaleProbe.OTHERS.get() + " DELETE or unknown rows");
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            awaitEnd(job);
        }
    }

    private static JobClient startLive(String hosts, String root) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(TimeUnit.HOURS.toMillis(1)); // triggered by hand below
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(ZooKeeperConnectionOptions.builder().setHosts(hosts).build())
                        .build();
        env.fromSource(
                        new ZooKeeperChangelogSource<>(
                                ZNodeTreeLayout.levels(root, 2),
                                options,
                                new ScaleProbe(),
                                true,
                                false),
                        WatermarkStrategy.noWatermarks(),
                        "zookeeper")
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("scale-live " + root);
    }

    /** Triggers one checkpoint and reads its size and duration from the job's statistics. */
    private static void checkpoint(
            MiniCluster cluster, JobID job, List<String> parents, int perParent, int nodes)
            throws Exception {
        cluster.triggerCheckpoint(job).get(5, TimeUnit.MINUTES);
        CompletedCheckpointStats stats = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stats == null && System.nanoTime() < deadline) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(30, TimeUnit.SECONDS);
            stats = graph.getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
            if (stats == null) {
                Thread.sleep(100);
            }
        }
        if (stats == null) {
            PROBLEMS.add("no completed checkpoint in the job's statistics");
            return;
        }
        long minimum = 0;
        for (String p : parents) {
            // "p-0000/n-000" plus two longs, what resuming by (path, czxid, mzxid) diff needs
            minimum += (long) perParent * ((p.length() - ROOT.length() - 1) + 1 + 5 + 16);
        }
        System.out.printf(
                Locale.ROOT,
                "Checkpoint %d of the live source holding %,d rows: state %,d bytes (%.1f per row),"
                        + " end-to-end %d ms; plain minimum (path + czxid + mzxid) %,d bytes; ratio %.2f%n",
                stats.getCheckpointId(),
                nodes,
                stats.getStateSize(),
                (double) stats.getStateSize() / nodes,
                stats.getEndToEndDuration(),
                minimum,
                (double) minimum / stats.getStateSize());
        SUMMARY.add(
                new String[] {
                    "checkpoint size",
                    String.format(
                            Locale.ROOT,
                            "%,.1f MB (%.1f B/row)",
                            stats.getStateSize() / 1e6,
                            (double) stats.getStateSize() / nodes),
                    String.format(Locale.ROOT, "%,.1f MB (raw minimum)", minimum / 1e6),
                    ratio((double) minimum / stats.getStateSize())
                });
        SUMMARY.add(
                new String[] {
                    "checkpoint duration (end to end)",
                    String.format(Locale.ROOT, "%,d ms", stats.getEndToEndDuration()),
                    "-",
                    "-"
                });
    }

    private static int awaitCaughtUp(long[] expected) throws Exception {
        long lastProgress = System.nanoTime();
        long lastUpdates = -1;
        while (true) {
            int behind = 0;
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] != 0 && ScaleProbe.mzxids.get(i) != expected[i]) {
                    behind++;
                }
            }
            if (behind == 0) {
                return 0;
            }
            long updates = ScaleProbe.UPDATES.get();
            if (updates != lastUpdates) {
                lastUpdates = updates;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                return behind;
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean awaitCount(LongSupplier count, long target) throws Exception {
        long last = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            long c = count.getAsLong();
            if (c >= target) {
                return true;
            }
            if (c != last) {
                last = c;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    private static void awaitEnd(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static ZooKeeper connect(String hosts) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk =
                new ZooKeeper(
                        hosts,
                        30_000,
                        event -> {
                            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                                connected.countDown();
                            }
                        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("No connection to " + hosts);
        }
        return zk;
    }

    private static byte[] value(String prefix) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'u');
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, value, 0, Math.min(head.length, VALUE_BYTES));
        return value;
    }

    interface Work {
        void run() throws Exception;
    }

    private static double seconds(Work work) throws Exception {
        System.gc();
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static String rate(double perSecond, String unit) {
        return String.format(Locale.ROOT, "%,.0f %s", perSecond, unit);
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    private static String dashes(int n) {
        char[] c = new char[n];
        Arrays.fill(c, '-');
        return new String(c);
    }
}
