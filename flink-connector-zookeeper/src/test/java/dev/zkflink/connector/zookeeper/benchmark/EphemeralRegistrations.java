package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.Timed;
import dev.zkflink.connector.zookeeper.benchmark.WrittenNodes.Expected;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static dev.zkflink.connector.zookeeper.benchmark.CachedLookupFigures.usedHeapAfterGc;
import static dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.timed;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_BATCH;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_IN_FLIGHT;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.VALUE_BYTES;

/**
 * Part 3 of {@link WriteModesBenchmark}: registering {@code n} ephemeral nodes as a user does, with
 * a streaming {@code INSERT INTO registry SELECT k, v FROM desired}, where {@code desired} is a
 * live ('initial') read of {@code n} nodes and {@code registry} has {@code 'sink.create-mode' =
 * 'ephemeral'}. Timed from the statement's submission until all {@code n} nodes exist (polled on
 * the parent's child count). Next to a plain client's async multis of ephemeral creates, and a
 * plain client that also reads the desired nodes first. Also measured: the used heap per registered
 * node while the nodes exist, and the time from a cancel (or a plain client's close) until every
 * node is gone.
 */
final class EphemeralRegistrations {
    private static final String ROOT = "/bench/eph";

    /** A multiple of 'sink.buffer-flush.max-rows' (1000): no row waits for the 1 s flush timer. */
    private static final int SMALL = 1000;

    private static final long WAIT_MS = 120_000;
    private static final String EPHEMERAL = ", 'sink.create-mode' = 'ephemeral'";

    /** The same, flushing a partial buffer after 100 ms instead of 1 s. */
    private static final String FAST_FLUSH = EPHEMERAL + ", 'sink.buffer-flush.interval' = '100ms'";

    private final TableEnvironment tEnv;
    private final String hosts;
    private final ZooKeeper zk;
    private final int n;
    private final int runs;
    private final List<String> names;
    private final byte[] value = new byte[VALUE_BYTES];

    private final double[] heapPerNode;
    private final double[] plainHeapPerNode;
    private final double[] serverClockRate;
    private final double[] cancelSeconds;
    private final double[] fastFlushRate;
    private final double[] largestGapMs;
    private final double[] plainCloseSeconds;

    EphemeralRegistrations(
            TableEnvironment streamEnv, String hosts, ZooKeeper zk, int n, int runs) {
        this.tEnv = streamEnv;
        this.hosts = hosts;
        this.zk = zk;
        this.n = n;
        this.runs = runs;
        this.names = WrittenNodes.names("i-", n);
        Arrays.fill(value, (byte) 'v');
        heapPerNode = new double[runs];
        plainHeapPerNode = new double[runs];
        serverClockRate = new double[runs];
        cancelSeconds = new double[runs];
        fastFlushRate = new double[runs];
        largestGapMs = new double[runs];
        plainCloseSeconds = new double[runs];
    }

    List<WriteModeFigure> run() throws Exception {
        List<Op> seed = new ArrayList<>();
        seed.addAll(
                PlainClientAnchors.creates(
                        Arrays.asList(ROOT, ROOT + "/desired", ROOT + "/desired-small"),
                        new byte[0]));
        seed.addAll(
                PlainClientAnchors.creates(WrittenNodes.paths(ROOT + "/desired", names), value));
        seed.addAll(
                PlainClientAnchors.creates(
                        WrittenNodes.paths(ROOT + "/desired-small", names.subList(0, SMALL)),
                        value));
        PlainClientAnchors.multiPipelined(zk, seed, ANCHOR_BATCH, ANCHOR_IN_FLIGHT);
        declareDesired("desired_rows", ROOT + "/desired");
        declareDesired("desired_small", ROOT + "/desired-small");

        measure(null, 0, "warm");
        WriteModeFigure figure =
                new WriteModeFigure(
                        "ephemeral registration",
                        String.format(
                                Locale.ROOT,
                                "Ephemeral registration: streaming INSERT INTO registry SELECT k, v"
                                        + " FROM desired (live 'initial' read of %,d nodes),"
                                        + " 'sink.create-mode' = 'ephemeral', %d-byte values,"
                                        + " parallelism 1; submission until all %,d exist",
                                n,
                                VALUE_BYTES,
                                n),
                        n,
                        SMALL,
                        runs,
                        "async multi of 500 ephemeral creates, 8 in flight",
                        "multi read of 500 desired nodes, then its multi of 500 ephemeral creates,"
                                + " 8 in flight");
        for (int r = 0; r < runs; r++) {
            measure(figure, r, "r" + r);
        }
        figure.note(
                String.format(
                        Locale.ROOT,
                        "connector, first to last create (server clock, ctime): %s",
                        RatioLine.rates(serverClockRate)));
        figure.note(
                String.format(
                        Locale.ROOT,
                        "largest pause between two consecutive creates (server clock): median %.0f"
                                + " ms [%.0f - %.0f]",
                        RatioLine.median(largestGapMs),
                        RatioLine.min(largestGapMs),
                        RatioLine.max(largestGapMs)));
        figure.note(
                String.format(
                        Locale.ROOT,
                        "the same job with 'sink.buffer-flush.interval' = '100ms' (default 1 s),"
                                + " net: %s",
                        RatioLine.rates(fastFlushRate)));
        figure.note(
                String.format(
                        Locale.ROOT,
                        "used heap per registered node while they exist (after GC): connector job"
                                + " median %,.0f B [%,.0f - %,.0f], plain client %,.0f B [%,.0f -"
                                + " %,.0f]; both include the in-JVM server's node, the job also"
                                + " the live source's row and the sink's held node",
                        RatioLine.median(heapPerNode),
                        RatioLine.min(heapPerNode),
                        RatioLine.max(heapPerNode),
                        RatioLine.median(plainHeapPerNode),
                        RatioLine.min(plainHeapPerNode),
                        RatioLine.max(plainHeapPerNode)));
        figure.note(
                String.format(
                        Locale.ROOT,
                        "from cancel until all %,d are gone: connector median %.2f s [%.2f -"
                                + " %.2f]; from the plain client's close(): %.2f s [%.2f - %.2f]",
                        n,
                        RatioLine.median(cancelSeconds),
                        RatioLine.min(cancelSeconds),
                        RatioLine.max(cancelSeconds),
                        RatioLine.median(plainCloseSeconds),
                        RatioLine.min(plainCloseSeconds),
                        RatioLine.max(plainCloseSeconds)));
        return Collections.singletonList(figure);
    }

    private void declareDesired(String table, String path) {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + path
                        + "', 'scan.startup.mode' = 'initial', 'scan.parallelism' = '1'"
                        + SqlJobs.extraOptions(SqlJobs.SCAN_OPTIONS)
                        + ")");
    }

    /** One run; a null figure is the warm-up. */
    private void measure(WriteModeFigure figure, int run, String tag) throws Exception {
        String smallRegistry = ROOT + "/registry-" + tag + "-small";
        JobClient[] job = new JobClient[1];
        Timed small =
                timed(() -> job[0] = register("desired_small", smallRegistry, SMALL, EPHEMERAL));
        long heapSmall = usedHeapAfterGc();
        cancelAndAwaitGone(job[0], smallRegistry);

        String registry = ROOT + "/registry-" + tag;
        Timed statement = timed(() -> job[0] = register("desired_rows", registry, n, EPHEMERAL));
        long heapBig = usedHeapAfterGc();
        long[] ctimes = WrittenNodes.ctimeRange(zk, WrittenNodes.paths(registry, names));
        WrittenNodes.check(zk, "registry " + tag, registry, names, new Expected(value, 0, true));
        double cancelled = cancelAndAwaitGone(job[0], registry);

        // The same job with a short flush interval: the last rows of a live input wait for the
        // interval timer whenever a timer flush has cut the rows out of step with max-rows.
        String fastSmall = ROOT + "/fast-" + tag + "-small";
        Timed fastFixed =
                timed(() -> job[0] = register("desired_small", fastSmall, SMALL, FAST_FLUSH));
        cancelAndAwaitGone(job[0], fastSmall);
        String fast = ROOT + "/fast-" + tag;
        Timed fastJob = timed(() -> job[0] = register("desired_rows", fast, n, FAST_FLUSH));
        WrittenNodes.check(zk, "fast flush " + tag, fast, names, new Expected(value, 0, true));
        cancelAndAwaitGone(job[0], fast);

        String plainRegistry = ROOT + "/plain-" + tag;
        ZooKeeper session = PlainWriteAnchors.connect(hosts);
        List<String> plainPaths = WrittenNodes.paths(plainRegistry, names);
        zk.create(plainRegistry, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Timed creates =
                timed(
                        () ->
                                PlainClientAnchors.multiPipelined(
                                        session,
                                        PlainWriteAnchors.creates(
                                                plainPaths, value, CreateMode.EPHEMERAL),
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT));
        long heapWith = usedHeapAfterGc();
        WrittenNodes.check(
                zk, "plain registry " + tag, plainRegistry, names, new Expected(value, 0, true));
        long closing = System.nanoTime();
        session.close();
        WrittenNodes.awaitChildren(zk, plainRegistry, 0, WAIT_MS, () -> null);
        double closed = (System.nanoTime() - closing) / 1e9;
        // Taken after the nodes are gone, not before they were created: the connector's jobs
        // just cancelled may still be releasing memory then.
        long heapWithout = usedHeapAfterGc();

        String readRegistry = ROOT + "/plain-read-" + tag;
        zk.create(readRegistry, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        ZooKeeper reader = PlainWriteAnchors.connect(hosts);
        Timed readThenCreate =
                timed(
                        () ->
                                PlainWriteAnchors.readThenWritePipelined(
                                        reader,
                                        WrittenNodes.paths(ROOT + "/desired", names),
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT,
                                        (paths, answers) ->
                                                PlainWriteAnchors.ephemeralCopies(
                                                        readRegistry, paths, answers)));
        WrittenNodes.check(
                zk,
                "plain read registry " + tag,
                readRegistry,
                names,
                new Expected(value, 0, true));
        reader.close();

        if (figure != null) {
            figure.record(run, small, statement, creates, readThenCreate);
            heapPerNode[run] = (double) (heapBig - heapSmall) / (n - SMALL);
            plainHeapPerNode[run] = (double) (heapWith - heapWithout) / n;
            serverClockRate[run] = n / Math.max(1e-3, (ctimes[1] - ctimes[0]) / 1e3);
            cancelSeconds[run] = cancelled;
            fastFlushRate[run] = (n - SMALL) / Math.max(1e-3, fastJob.seconds - fastFixed.seconds);
            largestGapMs[run] = ctimes[2];
            plainCloseSeconds[run] = closed;
        }
    }

    /** Submits the registration and returns once all {@code count} nodes exist. */
    private JobClient register(String desired, String registry, int count, String options)
            throws Exception {
        String table = "registry_" + System.nanoTime();
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + registry
                        + "', 'sink.parallelism' = '1'"
                        + options
                        + SqlJobs.extraOptions(SqlJobs.SINK_OPTIONS)
                        + ")");
        JobClient job =
                tEnv.executeSql("INSERT INTO " + table + " SELECT k, v FROM " + desired)
                        .getJobClient()
                        .orElseThrow(IllegalStateException::new);
        long[] lastCheck = {System.nanoTime()};
        WrittenNodes.awaitChildren(
                zk,
                registry,
                count,
                WAIT_MS,
                () -> {
                    // A job status is an RPC: ask every 200 ms, not on every poll.
                    if (System.nanoTime() - lastCheck[0] < 200_000_000L) {
                        return null;
                    }
                    lastCheck[0] = System.nanoTime();
                    JobStatus status = job.getJobStatus().get();
                    return status.isGloballyTerminalState() ? "the job is " + status : null;
                });
        return job;
    }

    /** Cancels the job; returns the seconds from the cancel until {@code registry} is empty. */
    private double cancelAndAwaitGone(JobClient job, String registry) throws Exception {
        long start = System.nanoTime();
        job.cancel().get();
        WrittenNodes.awaitChildren(zk, registry, 0, WAIT_MS, () -> null);
        double seconds = (System.nanoTime() - start) / 1e9;
        awaitTerminal(job);
        return seconds;
    }

    private static void awaitTerminal(JobClient job) throws Exception {
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            Thread.sleep(20);
        }
    }
}
