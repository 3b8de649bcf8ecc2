package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Throughput of one shared session per table side against one session per subtask ({@code
 * 'connection.shared-session' = 'false'}), at parallelism P in one TaskManager, each next to a
 * plain client doing the same work in the same run: a snapshot scan and a sink through SQL (net of
 * a same-shaped job over an empty input), and change throughput of the live source.
 *
 * <p>Args: nodes (default 100,000), parallelism (default 8), repetitions (default 3).
 */
public final class SharedSessionBenchmark {
    private static final String ROOT = "/bench/shared";
    private static final int PARENTS = 100;
    private static final int VALUE_BYTES = 100;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static int sinkRuns;

    private SharedSessionBenchmark() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int perParent = nodes / PARENTS;
        nodes = perParent * PARENTS;
        try (TestingServer server = new TestingServer(ServerStats.withFourLetterWords(-1), true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            String hosts = server.getConnectString();
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'v');
            List<String> parents = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (int p = 0; p < PARENTS; p++) {
                String parent = String.format(Locale.ROOT, "%s/p-%03d", ROOT, p);
                List<String> names = new ArrayList<>();
                List<byte[]> data = new ArrayList<>();
                for (int i = 0; i < perParent; i++) {
                    names.add(String.format(Locale.ROOT, "n-%05d", i));
                    data.add(value);
                    paths.add(parent + "/" + names.get(i));
                }
                trees.createChildren(parent, names, data);
                parents.add(parent);
            }
            trees.client().create().creatingParentsIfNeeded().forPath("/bench/empty");
            System.out.printf(
                    Locale.ROOT,
                    "Shared session vs one session per subtask: %,d nodes, %d-byte values,"
                            + " parallelism %d in one TaskManager, JDK %s, %d cores, median of %d%n",
                    nodes,
                    VALUE_BYTES,
                    parallelism,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    reps);

            ZooKeeper zk = trees.zk();
            // Run 0 warms up the JIT and is left out.
            int runs = reps + 1;
            double[][] scan = new double[3][runs];
            double[][] sink = new double[3][runs];
            double[][] changes = new double[3][runs];
            int[][] sessions = new int[2][runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                PlainClientAnchors.readMulti(zk, parents);
                scan[0][r] = nodes / seconds(t0);
                sink[0][r] = nodes / writeSetData(zk, paths, "a" + r, 500, 8);
                for (int shared = 1; shared <= 2; shared++) {
                    boolean share = shared == 1;
                    double emptyScan = scanSeconds(hosts, "/bench/empty", parallelism, share, 0);
                    scan[shared][r] =
                            nodes
                                    / (scanSeconds(hosts, ROOT, parallelism, share, nodes)
                                            - emptyScan);
                    double emptySink = sinkSeconds(hosts, parallelism, share, 0);
                    sink[shared][r] =
                            nodes / (sinkSeconds(hosts, parallelism, share, nodes) - emptySink);
                    long before = ServerStats.sessions(server.getPort()).size();
                    changes[shared][r] =
                            changeRate(hosts, zk, paths, parallelism, share, "c" + r + shared);
                    sessions[shared - 1][r] = (int) (peakSessions - before);
                }
                double anchorChange = writeSetData(zk, paths, "w" + r, 500, 8);
                changes[0][r] = nodes / anchorChange;
            }
            scan = dropWarmUp(scan);
            sink = dropWarmUp(sink);
            changes = dropWarmUp(changes);
            line("snapshot scan, plain client multiRead of 100 (one client)", scan[0], "nodes/s");
            line("snapshot scan through SQL, shared session (net)", scan[1], "nodes/s");
            line("snapshot scan through SQL, one session per subtask (net)", scan[2], "nodes/s");
            line("sink, plain client async multi of 500 setData, 8 in flight", sink[0], "rows/s");
            line("sink through SQL (creates), shared session (net)", sink[1], "rows/s");
            line("sink through SQL (creates), one session per subtask (net)", sink[2], "rows/s");
            line("plain client writing the changes (async multi 500 x 8)", changes[0], "writes/s");
            line("live source, shared session: first write -> last +U", changes[1], "changes/s");
            line(
                    "live source, one session per subtask: first write -> last +U",
                    changes[2],
                    "changes/s");
            System.out.printf(
                    Locale.ROOT,
                    "  sessions opened by the live job, shared: %s; per subtask: %s%n",
                    Arrays.toString(Arrays.copyOfRange(sessions[0], 1, runs)),
                    Arrays.toString(Arrays.copyOfRange(sessions[1], 1, runs)));
            System.out.printf(
                    Locale.ROOT,
                    "  shared / per-subtask: scan %.2f, sink %.2f, changes %.2f%n",
                    median(scan[1]) / median(scan[2]),
                    median(sink[1]) / median(sink[2]),
                    median(changes[1]) / median(changes[2]));
        }
        System.exit(0);
    }

    private static long peakSessions;

    private static StreamTableEnvironment tableEnv(int parallelism, RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        // P x P channels for the key shuffle in front of the sink: small network buffers.
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("8kb"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("128mb"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("128mb"));
        return StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment(conf));
    }

    private static String with(String hosts, String root, boolean shared) {
        return "'connector' = 'zookeeper', 'hosts' = '"
                + hosts
                + "', 'path' = '"
                + root
                + "', 'connection.shared-session' = '"
                + shared
                + "'";
    }

    private static double scanSeconds(
            String hosts, String root, int parallelism, boolean shared, long expected)
            throws Exception {
        StreamTableEnvironment tEnv = tableEnv(parallelism, RuntimeExecutionMode.BATCH);
        tEnv.executeSql(
                "CREATE TABLE t (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED)"
                        + " WITH ("
                        + with(hosts, root, shared)
                        + ", 'scan.startup.mode' = 'snapshot', 'scan.parallelism' = '"
                        + parallelism
                        + "')");
        long start = System.nanoTime();
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT COUNT(*), SUM(CHAR_LENGTH(v)) FROM t").collect()) {
            long count = (Long) it.next().getField(0);
            if (count != expected) {
                throw new IllegalStateException("scan counted " + count + " of " + expected);
            }
        }
        return seconds(start);
    }

    private static double sinkSeconds(String hosts, int parallelism, boolean shared, int rows)
            throws Exception {
        StreamTableEnvironment tEnv = tableEnv(parallelism, RuntimeExecutionMode.BATCH);
        String root = "/bench/sink-" + (++sinkRuns);
        tEnv.executeSql(
                "CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '100000000', 'number-of-rows' = '"
                        + rows
                        + "', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + Math.max(1, rows) // a sequence needs one row; WHERE keeps none
                        + "')");
        tEnv.executeSql(
                "CREATE TABLE s (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(hosts, root, shared)
                        + ", 'sink.parallelism' = '"
                        + parallelism
                        + "')");
        long start = System.nanoTime();
        tEnv.executeSql(
                        "INSERT INTO s SELECT CAST(id AS STRING), REPEAT('v', "
                                + VALUE_BYTES
                                + ") FROM gen")
                .await();
        return seconds(start);
    }

    /** Live source at parallelism P: initial walk, then every node updated once. */
    private static double changeRate(
            String hosts,
            ZooKeeper zk,
            List<String> paths,
            int parallelism,
            boolean shared,
            String tag)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(hosts)
                                        .setSharedSession(shared)
                                        .build())
                        .build();
        ChangeProbe.reset();
        env.fromSource(
                        new ZooKeeperChangelogSource<>(
                                ZNodeTreeLayout.levels(ROOT, 2),
                                options,
                                new ChangeProbe(),
                                true,
                                false),
                        WatermarkStrategy.noWatermarks(),
                        "zookeeper")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("shared-session-changes");
        try {
            await(ChangeProbe.INSERTS::get, paths.size(), "initial rows");
            Thread.sleep(1000); // the first walks have ended; no resync runs
            int port = Integer.parseInt(hosts.substring(hosts.lastIndexOf(':') + 1));
            peakSessions = ServerStats.sessions(port).size();
            long start = System.nanoTime();
            writeSetData(zk, paths, tag, 500, 8);
            await(ChangeProbe.UPDATES::get, paths.size(), "+U rows");
            return paths.size() / ((ChangeProbe.LAST_UPDATE_NANOS.get() - start) / 1e9);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static void await(LongSupplier count, long target, String what) throws Exception {
        long last = -1;
        long progress = System.nanoTime();
        while (count.getAsLong() < target) {
            long c = count.getAsLong();
            if (c != last) {
                last = c;
                progress = System.nanoTime();
            } else if (System.nanoTime() - progress > STALL_NANOS) {
                throw new IllegalStateException(what + ": " + c + " of " + target);
            }
            Thread.sleep(2);
        }
    }

    /** Async multi of {@code batch} setData, {@code inFlight} outstanding; returns seconds. */
    private static double writeSetData(
            ZooKeeper zk, List<String> paths, String tag, int batch, int inFlight)
            throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'u');
        byte[] head = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, value, 0, head.length);
        List<List<Op>> batches = new ArrayList<>();
        for (int i = 0; i < paths.size(); i += batch) {
            List<Op> ops = new ArrayList<>();
            for (String p : paths.subList(i, Math.min(paths.size(), i + batch))) {
                ops.add(Op.setData(p, value, -1));
            }
            batches.add(ops);
        }
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(batches.size());
        AtomicLong errors = new AtomicLong();
        AsyncCallback.MultiCallback cb =
                (rc, path, ctx, results) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        errors.incrementAndGet();
                    }
                    window.release();
                    done.countDown();
                };
        long start = System.nanoTime();
        for (List<Op> ops : batches) {
            window.acquire();
            zk.multi(ops, cb, null);
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " multi setData failed");
        }
        return seconds(start);
    }

    private static double[][] dropWarmUp(double[][] rates) {
        double[][] kept = new double[rates.length][];
        for (int i = 0; i < rates.length; i++) {
            kept[i] = Arrays.copyOfRange(rates[i], 1, rates[i].length);
        }
        return kept;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void line(String what, double[] rates, String unit) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "  %-66s %,9.0f %s [%,.0f - %,.0f]%n",
                what,
                median(rates),
                unit,
                sorted[0],
                sorted[sorted.length - 1]);
    }
}
