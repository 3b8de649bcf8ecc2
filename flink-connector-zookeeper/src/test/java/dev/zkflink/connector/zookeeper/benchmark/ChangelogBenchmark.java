package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.changelog.BucketSplit;
import dev.zkflink.connector.zookeeper.source.changelog.BucketSplitSerializer;
import dev.zkflink.connector.zookeeper.source.changelog.TrackedNode;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The live ({@code initial}/{@code latest}) source: change throughput, change latency and
 * checkpoint state per row node, each next to a plain ZooKeeper client with a persistent recursive
 * watch on the same tree, against the same server, in the same run. Run with:
 *
 * <pre>
 * ./mvnw -B -q -pl flink-connector-zookeeper -am -DskipTests install
 * ./mvnw -B -q -pl flink-connector-zookeeper -DskipTests exec:exec -Dexec.classpathScope=test \
 *     -Dexec.executable=java \
 *     -Dexec.args="-cp %classpath dev.zkflink.connector.zookeeper.benchmark.ChangelogBenchmark 100000 100000"
 * </pre>
 *
 * <p>Arguments: the number of row nodes N (default 100,000), the number of changes per throughput
 * run M (default 100,000), and the start-up mode of the throughput part, {@code initial} (default)
 * or {@code latest} (then only the throughput part runs). Each throughput run writes to the raw
 * watch's own copy of the tree first, then to the connector's, and prints their ratio. The server
 * is a curator-test TestingServer in the same JVM as the Flink MiniCluster, so the writer, the
 * watchers, the connector and the server share the same cores, and {@link System#nanoTime()} is one
 * clock for sender and receiver.
 *
 * <p>The benchmark checks that the connector's last emitted {@code mzxid} for every row node equals
 * the node's current {@code mzxid}; it says so loudly and exits with status 1 when it does not.
 */
public final class ChangelogBenchmark {
    private static final String ROOT = "/bench/live";
    private static final String RAW_ROOT = "/bench/raw";
    private static final double CHANGELOG_GOAL = 0.7;
    private static final int PARENTS = 100;
    private static final int VALUE_BYTES = 100;
    private static final int REPS = 3;
    private static final int WRITE_BATCH = 1000;
    private static final int WRITES_IN_FLIGHT = 4;
    private static final int LATENCY_WARMUP = 200;
    private static final int LATENCY_WRITES = 2000;
    private static final long LATENCY_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int STATE_BUCKETS = 4;
    private static final int HEAP_SAMPLES = 5;

    /** A run gives up when nothing new arrived for this long. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(15);

    private static final List<String> PROBLEMS = new ArrayList<>();

    private ChangelogBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkLogs.toStderr();
        int requested = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String mode = args.length > 2 ? args[2] : "initial";
        if (!mode.equals("initial") && !mode.equals("latest")) {
            throw new IllegalArgumentException(
                    "third argument: 'initial' or 'latest', was " + mode);
        }
        boolean latest = mode.equals("latest");
        int perParent = Math.max(1, requested / PARENTS);
        int nodes = perParent * PARENTS;
        String[] rel = new String[nodes];
        String[] abs = new String[nodes];
        for (int p = 0; p < PARENTS; p++) {
            for (int i = 0; i < perParent; i++) {
                int idx = p * perParent + i;
                rel[idx] = String.format(Locale.ROOT, "p-%03d/n-%04d", p, i);
                abs[idx] = ROOT + "/" + rel[idx];
            }
        }

        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            String hosts = server.getConnectString();
            ZooKeeper writer = trees.zk();
            System.out.printf(
                    Locale.ROOT,
                    "Changelog benchmark: %,d row nodes (%d parents x %d, levels depth 2),"
                            + " %d-byte values, %,d changes per throughput run, JDK %s, %d cores%n",
                    nodes,
                    PARENTS,
                    perParent,
                    VALUE_BYTES,
                    changes,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());

            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'v');
            for (int p = 0; p < PARENTS; p++) {
                List<String> names = new ArrayList<>();
                List<byte[]> data = new ArrayList<>();
                for (int i = 0; i < perParent; i++) {
                    names.add(rel[p * perParent + i].substring(6));
                    data.add(value);
                }
                trees.createChildren(String.format(Locale.ROOT, "%s/p-%03d", ROOT, p), names, data);
                trees.createChildren(
                        String.format(Locale.ROOT, "%s/p-%03d", RAW_ROOT, p), names, data);
            }

            throughput(hosts, writer, rel, abs, changes, latest);
            if (latest) {
                System.out.println();
                System.out.println(
                        "(latency and state are measured in 'initial' mode: run without 'latest')");
                finish();
            }
            latency(hosts, writer, rel, abs, perParent);
            stateSize(writer, rel, abs);
        }

        finish();
    }

    private static void finish() {
        System.out.println();
        if (PROBLEMS.isEmpty()) {
            System.out.println("No correctness problems observed.");
            System.exit(0);
        }
        System.out.println("!!! CORRECTNESS PROBLEMS:");
        for (String problem : PROBLEMS) {
            System.out.println("!!!   " + problem);
        }
        System.exit(1);
    }

    // ---------------------------------------------------------------- 1. change throughput

    private static void throughput(
            String hosts, ZooKeeper writer, String[] rel, String[] abs, int changes, boolean latest)
            throws Exception {
        int nodes = rel.length;
        String[] rawAbs = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            rawAbs[i] = RAW_ROOT + "/" + rel[i];
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Change throughput: %,d setData per run from one plain client (async multi of %d"
                        + " setData, up to %d multis in flight), cycling over the %,d row nodes,"
                        + " every change a new value.%n",
                changes,
                WRITE_BATCH,
                WRITES_IN_FLIGHT,
                nodes);
        System.out.printf(
                Locale.ROOT,
                "Rate = changes / (first write sent -> last change observed). Each run: the anchor"
                        + " on %s, then the connector on %s (same shape); median of %d runs [min -"
                        + " max], after one unmeasured warm-up run (run -1).%n",
                RAW_ROOT,
                ROOT,
                REPS);

        // ---- anchor: raw client, one persistent recursive watch on its own copy of the tree
        AtomicLong events = new AtomicLong();
        AtomicLong lastEvent = new AtomicLong();
        ZooKeeper watcher = connect(hosts);
        watcher.addWatch(
                RAW_ROOT,
                event -> {
                    if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                        lastEvent.set(System.nanoTime());
                        events.incrementAndGet();
                    }
                },
                AddWatchMode.PERSISTENT_RECURSIVE);

        // ---- the connector's live source, running through all runs
        ChangeProbe.reset();
        JobClient job = startJob(hosts, false, !latest);
        boolean[] changed = new boolean[nodes];
        try {
            String startup;
            if (latest) {
                double ready = awaitWatching(job, writer, abs[0]);
                changed[0] = true;
                startup =
                        String.format(
                                Locale.ROOT,
                                "latest: first change seen %.2f s after submission",
                                ready);
            } else {
                awaitSnapshot(job, nodes);
                startup =
                        String.format(
                                Locale.ROOT,
                                "initial: snapshot of %,d rows in %.2f s, first to last row",
                                ChangeProbe.INSERTS.get(),
                                (ChangeProbe.LAST_INSERT_NANOS.get()
                                                - ChangeProbe.FIRST_INSERT_NANOS.get())
                                        / 1e9);
            }
            double[] anchorRate = new double[REPS];
            double[] anchorWriter = new double[REPS];
            long[] anchorEvents = new long[REPS];
            double[] connectorRate = new double[REPS];
            double[] connectorWriter = new double[REPS];
            long[] updates = new long[REPS];
            double[] ratio = new double[REPS];
            for (int rep = -1; rep < REPS; rep++) {
                // Run -1 warms up the JIT and the server; its figures are overwritten by run 0.
                int slot = Math.max(rep, 0);
                events.set(0);
                lastEvent.set(0);
                WriteRun raw =
                        writeChanges(
                                writer,
                                prepareChanges(rawAbs, changes, "a" + rep),
                                new long[nodes]);
                boolean complete = awaitCount(events::get, changes, null);
                anchorEvents[slot] = events.get();
                anchorRate[slot] = changes / ((lastEvent.get() - raw.startNanos) / 1e9);
                anchorWriter[slot] = changes / raw.writerSeconds();
                if (!complete) {
                    problem(
                            String.format(
                                    Locale.ROOT,
                                    "anchor run %d: only %,d of %,d NodeDataChanged events arrived",
                                    rep,
                                    anchorEvents[slot],
                                    changes));
                }

                long updatesBefore = ChangeProbe.UPDATES.get();
                long[] expected = new long[nodes];
                WriteRun run =
                        writeChanges(writer, prepareChanges(abs, changes, "c" + rep), expected);
                for (int i = 0; i < nodes; i++) {
                    changed[i] |= expected[i] != 0;
                }
                int behind = awaitCaughtUp(job, rel, expected, run.maxMzxid);
                updates[slot] = ChangeProbe.UPDATES.get() - updatesBefore;
                connectorRate[slot] =
                        changes / ((ChangeProbe.LAST_UPDATE_NANOS.get() - run.startNanos) / 1e9);
                connectorWriter[slot] = changes / run.writerSeconds();
                ratio[slot] = connectorRate[slot] / anchorRate[slot];
                if (behind > 0) {
                    problem(
                            String.format(
                                    Locale.ROOT,
                                    "connector throughput run %d: %,d row nodes never got a record"
                                            + " with their last written mzxid (gave up after %d s"
                                            + " without progress)",
                                    rep,
                                    behind,
                                    TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS)));
                }
            }
            System.out.println("  anchor: raw ZooKeeper client, addWatch(PERSISTENT_RECURSIVE)");
            rate("first write sent -> last NodeDataChanged event", anchorRate);
            rate("(writer alone: first write sent -> last write acked)", anchorWriter);
            counts("NodeDataChanged events received per run", anchorEvents, changes);
            System.out.printf(
                    Locale.ROOT,
                    "  connector: ZooKeeperChangelogSource, parallelism=1, DataStream API (%s)%n",
                    startup);
            rate("first write sent -> last UPDATE record emitted", connectorRate);
            rate("(writer alone: first write sent -> last write acked)", connectorWriter);
            counts("UPDATE records emitted per run (coalescing may give fewer)", updates, changes);
            System.out.printf(
                    Locale.ROOT,
                    "  %s changelog / raw watch: %s%n",
                    latest ? "latest" : "initial",
                    RatioLine.format(ratio, CHANGELOG_GOAL));
            checkFinalState(writer, rel, abs, latest ? changed : null, "after the throughput runs");
        } finally {
            watcher.close();
            cancel(job);
        }
    }

    /**
     * For {@code latest}: the source emits nothing until a node changes after it started watching,
     * so change one node every 100 ms until its UPDATE arrives. Returns seconds since submission.
     */
    private static double awaitWatching(JobClient job, ZooKeeper writer, String path)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        int i = 0;
        while (ChangeProbe.UPDATES.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The latest source saw no change within 120 s");
            }
            writer.setData(path, value("probe-" + i++ + "-"), -1);
            checkRunning(job);
            Thread.sleep(100);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static final class ChangeBatch {
        final List<Op> ops = new ArrayList<>(WRITE_BATCH);
        final int[] nodes;

        ChangeBatch(int size) {
            nodes = new int[size];
        }
    }

    private static final class WriteRun {
        final long startNanos;
        final long ackedNanos;
        final long maxMzxid;

        WriteRun(long startNanos, long ackedNanos, long maxMzxid) {
            this.startNanos = startNanos;
            this.ackedNanos = ackedNanos;
            this.maxMzxid = maxMzxid;
        }

        double writerSeconds() {
            return (ackedNanos - startNanos) / 1e9;
        }
    }

    /** Change {@code j} sets node {@code j mod N} to a value naming the run and the change. */
    private static List<ChangeBatch> prepareChanges(String[] abs, int changes, String tag) {
        List<ChangeBatch> batches = new ArrayList<>();
        for (int start = 0; start < changes; start += WRITE_BATCH) {
            ChangeBatch batch = new ChangeBatch(Math.min(WRITE_BATCH, changes - start));
            for (int k = 0; k < batch.nodes.length; k++) {
                int j = start + k;
                int idx = j % abs.length;
                batch.nodes[k] = idx;
                batch.ops.add(Op.setData(abs[idx], value(tag + "-" + j + "-"), -1));
            }
            batches.add(batch);
        }
        return batches;
    }

    /**
     * Sends the batches as async multis, at most {@link #WRITES_IN_FLIGHT} outstanding, and records
     * in {@code expected} the highest mzxid written to each node.
     */
    private static WriteRun writeChanges(ZooKeeper zk, List<ChangeBatch> batches, long[] expected)
            throws Exception {
        Semaphore window = new Semaphore(WRITES_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(batches.size());
        AtomicLong errors = new AtomicLong();
        AtomicLong maxMzxid = new AtomicLong();
        AsyncCallback.MultiCallback callback =
                (rc, path, ctx, results) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        errors.incrementAndGet();
                    } else {
                        int[] idx = (int[]) ctx;
                        for (int k = 0; k < idx.length; k++) {
                            long mzxid =
                                    ((OpResult.SetDataResult) results.get(k)).getStat().getMzxid();
                            expected[idx[k]] = Math.max(expected[idx[k]], mzxid);
                            maxMzxid.accumulateAndGet(mzxid, Math::max);
                        }
                    }
                    window.release();
                    done.countDown();
                };
        System.gc();
        long start = System.nanoTime();
        for (ChangeBatch batch : batches) {
            window.acquire();
            zk.multi(batch.ops, callback, batch.nodes);
        }
        done.await();
        long acked = System.nanoTime();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async multi setData failed");
        }
        return new WriteRun(start, acked, maxMzxid.get());
    }

    /**
     * Waits until every node written in the run has a record with its last written mzxid. Returns
     * how many nodes are still behind (0 when caught up).
     */
    private static int awaitCaughtUp(JobClient job, String[] rel, long[] expected, long maxMzxid)
            throws Exception {
        long lastUpdates = -1;
        long lastProgress = System.nanoTime();
        long lastJobCheck = lastProgress;
        while (true) {
            long now = System.nanoTime();
            if (ChangeProbe.MAX_UPDATE_MZXID.get() >= maxMzxid
                    || now - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
                int behind = behind(rel, expected);
                if (behind == 0 || now - lastProgress > STALL_NANOS) {
                    return behind;
                }
            }
            long updates = ChangeProbe.UPDATES.get();
            if (updates != lastUpdates) {
                lastUpdates = updates;
                lastProgress = now;
            }
            if (now - lastJobCheck > TimeUnit.SECONDS.toNanos(1)) {
                checkRunning(job);
                lastJobCheck = now;
            }
            Thread.sleep(5);
        }
    }

    private static int behind(String[] rel, long[] expected) {
        int behind = 0;
        for (int i = 0; i < rel.length; i++) {
            if (expected[i] != 0) {
                Long emitted = ChangeProbe.EMITTED.get(rel[i]);
                if (emitted == null || emitted != expected[i]) {
                    behind++;
                }
            }
        }
        return behind;
    }

    // ---------------------------------------------------------------- 2. latency

    private static void latency(
            String hosts, ZooKeeper writer, String[] rel, String[] abs, int perParent)
            throws Exception {
        int nodes = rel.length;
        int total = Math.min(nodes, LATENCY_WARMUP + LATENCY_WRITES);
        int warmup = Math.min(LATENCY_WARMUP, total / 10);
        int measured = total - warmup;
        // Spread the writes over parents (and so over buckets); each write hits another node.
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = (i % PARENTS) * perParent + (i / PARENTS) % perParent;
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Latency: %,d sequential blocking setData, one every %d ms, each to another row"
                        + " node, the value carrying System.nanoTime() at send; after %d"
                        + " warm-up writes.%n",
                measured,
                TimeUnit.NANOSECONDS.toMillis(LATENCY_SPACING_NANOS),
                warmup);

        // ---- anchor: raw client, one persistent recursive watch
        ConcurrentHashMap<String, Long> sent = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<long[]> anchorSamples = new ConcurrentLinkedQueue<>();
        ZooKeeper watcher = connect(hosts);
        watcher.addWatch(
                ROOT,
                event -> {
                    long now = System.nanoTime();
                    if (event.getType() == Watcher.Event.EventType.NodeDataChanged) {
                        Long at = sent.remove(event.getPath());
                        if (at != null) {
                            anchorSamples.add(new long[] {at, now - at});
                        }
                    }
                },
                AddWatchMode.PERSISTENT_RECURSIVE);
        Set<Long> warmupSends = sequentialWrites(writer, abs, order, 0, warmup, sent);
        awaitCount(() -> matching(anchorSamples, warmupSends).length, warmup, null);
        Set<Long> sends = sequentialWrites(writer, abs, order, warmup, measured, sent);
        awaitCount(() -> matching(anchorSamples, sends).length, measured, null);
        watcher.close();
        latencyLine(
                "anchor: raw client, persistent recursive watch, setData -> event",
                "NodeDataChanged events",
                matching(anchorSamples, sends),
                measured);

        // ---- connector: source -> keyBy (network shuffle) -> sink, buffer timeout 0
        ChangeProbe.reset();
        LatencySink.SAMPLES.clear();
        JobClient job = startJob(hosts, true, true);
        try {
            awaitSnapshot(job, nodes);
            Set<Long> connectorWarmupSends = sequentialWrites(writer, abs, order, 0, warmup, null);
            awaitCount(
                    () -> matching(LatencySink.SAMPLES, connectorWarmupSends).length, warmup, job);
            Set<Long> connectorSends = sequentialWrites(writer, abs, order, warmup, measured, null);
            awaitCount(() -> matching(LatencySink.SAMPLES, connectorSends).length, measured, job);
            Thread.sleep(200); // a duplicate would arrive right after the original
            latencyLine(
                    "connector: source -> keyBy -> sink, buffer-timeout 0, setData -> sink",
                    "UPDATE rows at the sink",
                    matching(LatencySink.SAMPLES, connectorSends),
                    measured);
            checkFinalState(writer, rel, abs, null, "after the latency runs");
        } finally {
            cancel(job);
        }
    }

    /**
     * Writes {@code order[from .. from+count)} one at a time, blocking, one send every {@link
     * #LATENCY_SPACING_NANOS}; the value starts with {@code t=<send nanos>;}. Returns the send
     * times.
     */
    private static Set<Long> sequentialWrites(
            ZooKeeper zk,
            String[] abs,
            int[] order,
            int from,
            int count,
            ConcurrentHashMap<String, Long> sent)
            throws Exception {
        Set<Long> sends = new HashSet<>();
        long next = System.nanoTime();
        for (int i = from; i < from + count; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String path = abs[order[i]];
            long at = System.nanoTime();
            if (sent != null) {
                sent.put(path, at);
            }
            sends.add(at);
            zk.setData(path, value("t=" + at + ";"), -1);
            next = at + LATENCY_SPACING_NANOS;
        }
        return sends;
    }

    /** The latencies of the samples {@code {send nanos, latency nanos}} sent at {@code sends}. */
    private static long[] matching(ConcurrentLinkedQueue<long[]> samples, Set<Long> sends) {
        return samples.stream().filter(s -> sends.contains(s[0])).mapToLong(s -> s[1]).toArray();
    }

    private static void latencyLine(String what, String unit, long[] latencies, int expected) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        if (sorted.length != expected) {
            problem(
                    String.format(
                            Locale.ROOT,
                            "latency, %s: %,d %s for %,d writes",
                            what,
                            sorted.length,
                            unit,
                            expected));
        }
        if (sorted.length == 0) {
            System.out.printf(Locale.ROOT, "  %-72s no samples%n", what);
            return;
        }
        long p99 = sorted[Math.max(0, (int) Math.ceil(sorted.length * 0.99) - 1)];
        System.out.printf(
                Locale.ROOT,
                "  %-72s median %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%,d of %,d writes)%n",
                what,
                sorted[sorted.length / 2] / 1e6,
                p99 / 1e6,
                sorted[sorted.length - 1] / 1e6,
                sorted.length,
                expected);
    }

    // ---------------------------------------------------------------- 3. state size

    private static void stateSize(ZooKeeper zk, String[] rel, String[] abs) throws Exception {
        int nodes = rel.length;
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Checkpoint state of the live source for %,d tracked row nodes (%d buckets, as for"
                        + " parallelism 1; BucketSplitSerializer version %d):%n",
                nodes,
                STATE_BUCKETS,
                BucketSplitSerializer.CURRENT_VERSION);
        Stat[] stats = readStats(zk, abs);
        List<Map<String, TrackedNode>> tracked = new ArrayList<>();
        for (int b = 0; b < STATE_BUCKETS; b++) {
            tracked.add(new HashMap<>());
        }
        long pathChars = 0;
        for (int i = 0; i < nodes; i++) {
            tracked.get(BucketSplit.bucketOf(rel[i], STATE_BUCKETS))
                    .put(rel[i], TrackedNode.of(stats[i]));
            pathChars += rel[i].length();
        }
        long bytes = 0;
        StringBuilder perBucket = new StringBuilder();
        for (int b = 0; b < STATE_BUCKETS; b++) {
            BucketSplit split = new BucketSplit(b, STATE_BUCKETS, false, tracked.get(b));
            byte[] serialized = BucketSplitSerializer.INSTANCE.serialize(split);
            bytes += serialized.length;
            perBucket.append(perBucket.length() == 0 ? "" : ", ").append(split.getTracked().size());
            BucketSplit back =
                    BucketSplitSerializer.INSTANCE.deserialize(
                            BucketSplitSerializer.CURRENT_VERSION, serialized);
            if (!back.equals(split)) {
                problem("BucketSplitSerializer round trip changed bucket " + b);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  serialized BucketSplits, total                                     %,d bytes"
                        + " (row nodes per bucket: %s)%n",
                bytes,
                perBucket);
        System.out.printf(
                Locale.ROOT,
                "  serialized bytes per tracked row node                              %.1f bytes%n",
                (double) bytes / nodes);
        System.out.printf(
                Locale.ROOT,
                "  average relative path length (context)                             %.1f chars"
                        + " (e.g. %s)%n",
                (double) pathChars / nodes,
                rel[0]);

        // Heap: the reader's maps (one HashMap per bucket) with keys it built itself. Measured
        // HEAP_SAMPLES times (background threads of the cancelled jobs may still free memory).
        tracked = null;
        long[] deltas = new long[HEAP_SAMPLES];
        for (int sample = 0; sample < HEAP_SAMPLES; sample++) {
            long before = usedHeapAfterGc();
            List<Map<String, TrackedNode>> heapMaps = new ArrayList<>();
            for (int b = 0; b < STATE_BUCKETS; b++) {
                heapMaps.add(new HashMap<>());
            }
            for (int i = 0; i < nodes; i++) {
                String key = new String(rel[i].toCharArray());
                heapMaps.get(BucketSplit.bucketOf(key, STATE_BUCKETS))
                        .put(key, TrackedNode.of(stats[i]));
            }
            deltas[sample] = usedHeapAfterGc() - before;
            Reference.reachabilityFence(heapMaps);
        }
        StringBuilder all = new StringBuilder();
        for (long d : deltas) {
            all.append(all.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%.0f", (double) d / nodes));
        }
        Arrays.sort(deltas);
        long median = deltas[HEAP_SAMPLES / 2];
        System.out.printf(
                Locale.ROOT,
                "  heap per tracked row node (estimate: used-heap delta after GC)     ~%.0f bytes"
                        + " (%.1f MiB for %,d; median of %d: %s)%n",
                (double) median / nodes,
                median / 1048576.0,
                nodes,
                HEAP_SAMPLES,
                all);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    // ---------------------------------------------------------------- shared

    private static JobClient startJob(String hosts, boolean latency, boolean emitSnapshot)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        if (latency) {
            env.setBufferTimeout(0);
        }
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(ZooKeeperConnectionOptions.builder().setHosts(hosts).build())
                        .build();
        DataStream<Tuple2<String, Long>> rows =
                env.fromSource(
                        new ZooKeeperChangelogSource<>(
                                ZNodeTreeLayout.levels(ROOT, 2),
                                options,
                                new ChangeProbe(),
                                emitSnapshot,
                                false),
                        WatermarkStrategy.noWatermarks(),
                        "zookeeper");
        if (latency) {
            rows.keyBy(row -> row.f0, Types.STRING).sinkTo(new LatencySink());
            return env.executeAsync("changelog-latency");
        }
        rows.sinkTo(new DiscardingSink<>());
        return env.executeAsync("changelog-throughput");
    }

    private static void awaitSnapshot(JobClient job, int nodes) throws Exception {
        if (!awaitCount(ChangeProbe.INSERTS::get, nodes, job)) {
            throw new IllegalStateException(
                    "The initial snapshot emitted "
                            + ChangeProbe.INSERTS.get()
                            + " of "
                            + nodes
                            + " rows");
        }
    }

    /** Waits until {@code count} reaches {@code target}; false if it stalled first. */
    private static boolean awaitCount(LongSupplier count, long target, JobClient job)
            throws Exception {
        long last = -1;
        long lastProgress = System.nanoTime();
        long lastJobCheck = lastProgress;
        while (true) {
            long now = System.nanoTime();
            long c = count.getAsLong();
            if (c >= target) {
                return true;
            }
            if (c != last) {
                last = c;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                return false;
            }
            if (job != null && now - lastJobCheck > TimeUnit.SECONDS.toNanos(1)) {
                checkRunning(job);
                lastJobCheck = now;
            }
            Thread.sleep(5);
        }
    }

    private static void checkRunning(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            try {
                job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("The benchmark job ended: " + status, e);
            }
            throw new IllegalStateException("The benchmark job ended: " + status);
        }
    }

    private static void cancel(JobClient job) throws Exception {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            while (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                Thread.sleep(50);
            }
        } catch (ExecutionException | IllegalStateException e) {
            // The per-job MiniCluster shuts down with its job: nothing left to wait for.
        }
    }

    /**
     * Compares the mzxid of the last record the connector emitted for every row node with the
     * node's current mzxid, read with a plain client.
     */
    /**
     * @param changed for a {@code latest} source, the row nodes changed since it started: only they
     *     may have records; {@code null} when every row node must have one (an initial snapshot)
     */
    private static void checkFinalState(
            ZooKeeper zk, String[] rel, String[] abs, boolean[] changed, String when)
            throws Exception {
        Stat[] stats = readStats(zk, abs);
        int mismatches = 0;
        int expectedRecords = 0;
        String example = null;
        for (int i = 0; i < rel.length; i++) {
            Long emitted = ChangeProbe.EMITTED.get(rel[i]);
            if (changed != null && !changed[i]) {
                if (emitted != null) {
                    mismatches++;
                    if (example == null) {
                        example = rel[i] + ": a record although it never changed";
                    }
                }
                continue;
            }
            expectedRecords++;
            if (emitted == null || emitted != stats[i].getMzxid()) {
                if (example == null) {
                    example =
                            String.format(
                                    Locale.ROOT,
                                    "%s: last emitted mzxid %s, current mzxid %d",
                                    rel[i],
                                    emitted == null ? "none" : "0x" + Long.toHexString(emitted),
                                    stats[i].getMzxid());
                }
                mismatches++;
            }
        }
        if (mismatches == 0 && ChangeProbe.EMITTED.size() == expectedRecords) {
            System.out.printf(
                    Locale.ROOT,
                    "  final state %s: OK, last emitted mzxid == current mzxid for all %s"
                            + " (%,d DELETE records, expected 0)%n",
                    when,
                    changed == null
                            ? String.format(Locale.ROOT, "%,d row nodes", rel.length)
                            : String.format(
                                    Locale.ROOT,
                                    "%,d changed row nodes of %,d, none for the others",
                                    expectedRecords,
                                    rel.length),
                    ChangeProbe.DELETES.get());
        } else {
            String message =
                    String.format(
                            Locale.ROOT,
                            "final state %s: %,d of %,d row nodes have a last emitted mzxid other"
                                    + " than their current one (LOST UPDATES), e.g. %s",
                            when,
                            mismatches,
                            rel.length,
                            example);
            System.out.println("  !!! " + message);
            problem(message);
        }
        if (ChangeProbe.DELETES.get() > 0) {
            problem(
                    "connector emitted "
                            + ChangeProbe.DELETES.get()
                            + " DELETE records although no node was deleted ("
                            + when
                            + ")");
        }
    }

    /** Every node's Stat, by multi reads of 100 getData. */
    private static Stat[] readStats(ZooKeeper zk, String[] abs) throws Exception {
        Stat[] stats = new Stat[abs.length];
        List<Op> ops = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < abs.length; i++) {
            ops.add(Op.getData(abs[i]));
            if (ops.size() == 100 || i == abs.length - 1) {
                List<OpResult> results = zk.multi(ops);
                for (int k = 0; k < results.size(); k++) {
                    stats[first + k] = ((OpResult.GetDataResult) results.get(k)).getStat();
                }
                first = i + 1;
                ops.clear();
            }
        }
        return stats;
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

    /** A {@link #VALUE_BYTES}-byte value starting with {@code prefix}. */
    private static byte[] value(String prefix) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'u');
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, value, 0, Math.min(head.length, VALUE_BYTES));
        return value;
    }

    private static void rate(String what, double[] perSecond) {
        System.out.printf(
                Locale.ROOT,
                "      %-62s %,9.0f changes/s [%,.0f - %,.0f]%n",
                what,
                RatioLine.median(perSecond),
                RatioLine.min(perSecond),
                RatioLine.max(perSecond));
    }

    private static void counts(String what, long[] perRun, int of) {
        StringBuilder runs = new StringBuilder();
        for (long n : perRun) {
            runs.append(runs.length() == 0 ? "" : " / ")
                    .append(String.format(Locale.ROOT, "%,d", n));
        }
        System.out.printf(Locale.ROOT, "      %-62s %s of %,d%n", what, runs, of);
    }

    private static void problem(String message) {
        PROBLEMS.add(message);
    }
}
