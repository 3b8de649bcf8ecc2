package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.table.api.TableEnvironment;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ratios issue 8 sets goals for, through SQL at parallelism 1, each next to a plain client in
 * the same run: "net" = rows / (job time - time of the same-shaped job over a tiny input, run just
 * before), so the job's fixed cost (submission, scheduling) is left out.
 *
 * <ul>
 *   <li>scan: {@code SELECT COUNT(*), SUM(CHAR_LENGTH(v))} in batch mode against a plain client's
 *       multi read of 100 {@code getData} (after listing each parent); goal 0.75.
 *   <li>sink: {@code INSERT INTO} from {@code datagen}, 100-byte values, once as updates of
 *       existing nodes and once as creates of new ones, against a plain client's async {@code
 *       multi} of 500 ({@code setData} or {@code create}) with 8 in flight; goal 0.8.
 * </ul>
 *
 * Every connector run is checked: the scan counted every row and every value byte; after the sink
 * every node below its root holds the value of that run.
 */
final class SqlThroughputRatios {
    static final double SCAN_GOAL = 0.75;
    static final double SINK_GOAL = 0.8;
    private static final int TINY = 10;
    private static final int ANCHOR_BATCH = 500;
    private static final int ANCHOR_IN_FLIGHT = 8;

    private final TableEnvironment tEnv;
    private final String hosts;
    private final ZooKeeperTrees trees;
    private final int runs;
    private final int valueBytes;

    SqlThroughputRatios(
            TableEnvironment tEnv, String hosts, ZooKeeperTrees trees, int runs, int valueBytes) {
        this.tEnv = tEnv;
        this.hosts = hosts;
        this.trees = trees;
        this.runs = runs;
        this.valueBytes = valueBytes;
    }

    /** The scan ratio over {@code root} ({@code parents} each holding row nodes). */
    void scan(String root, List<String> parents, int nodes) throws Exception {
        ZooKeeper zk = trees.zk();
        String tiny = root + "-tiny";
        if (!trees.exists(tiny)) {
            List<String> names = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < TINY; i++) {
                names.add("n-" + i);
                data.add(new byte[valueBytes]);
            }
            trees.createChildren(tiny + "/p-000", names, data);
        }
        SqlJobs.scan(tEnv, hosts, tiny, 1); // warm-up: planner, JIT, first job
        SqlJobs.scan(tEnv, hosts, root, 1);
        double[] net = new double[runs];
        double[] anchor = new double[runs];
        double[] ratio = new double[runs];
        double[] fixed = new double[runs];
        double[] cpuRatio = new double[runs];
        for (int r = 0; r < runs; r++) {
            long[] small = new long[1];
            long cpu0 = cpuNanos();
            fixed[r] = seconds(() -> small[0] = SqlJobs.scan(tEnv, hosts, tiny, 1)[0]);
            long cpu1 = cpuNanos();
            long[] result = new long[2];
            double job =
                    seconds(
                            () ->
                                    System.arraycopy(
                                            SqlJobs.scan(tEnv, hosts, root, 1), 0, result, 0, 2));
            long cpu2 = cpuNanos();
            double plain = seconds(() -> PlainClientAnchors.readMulti(zk, parents));
            long cpu3 = cpuNanos();
            cpuRatio[r] = (double) (cpu3 - cpu2) / Math.max(1, (cpu2 - cpu1) - (cpu1 - cpu0));
            if (small[0] != TINY || result[0] != nodes || result[1] != (long) nodes * valueBytes) {
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "scan run %d: counted %d rows / %d value bytes, expected %d / %d"
                                        + " (tiny: %d of %d)",
                                r,
                                result[0],
                                result[1],
                                nodes,
                                (long) nodes * valueBytes,
                                small[0],
                                TINY));
            }
            net[r] = nodes / Math.max(1e-3, job - fixed[r]);
            anchor[r] = nodes / plain;
            ratio[r] = net[r] / anchor[r];
        }
        System.out.printf(
                Locale.ROOT,
                "Scan of %,d nodes, SQL COUNT/SUM, scan.parallelism=1 (%d runs; every run counted all"
                        + " rows and value bytes):%n",
                nodes,
                runs);
        System.out.printf(
                Locale.ROOT,
                "  same job over %d nodes (fixed cost)           median %.2f s [%.2f - %.2f]%n",
                TINY,
                RatioLine.median(fixed),
                RatioLine.min(fixed),
                RatioLine.max(fixed));
        System.out.printf(
                Locale.ROOT,
                "  connector net                                 %s%n",
                RatioLine.rates(net));
        System.out.printf(
                Locale.ROOT,
                "  plain client, multi read of 100 getData       %s%n",
                RatioLine.rates(anchor));
        System.out.printf(
                Locale.ROOT, "  scan net / anchor: %s%n", RatioLine.format(ratio, SCAN_GOAL));
        System.out.printf(
                Locale.ROOT,
                "  (process CPU per row, anchor / connector net, less disturbed by other load:"
                        + " median %.2f [%.2f - %.2f])%n",
                RatioLine.median(cpuRatio),
                RatioLine.min(cpuRatio),
                RatioLine.max(cpuRatio));
    }

    /** The sink ratios: updates of {@code nodes} existing nodes, then creates of new ones. */
    void sink(String root, int nodes) throws Exception {
        ZooKeeper zk = trees.zk();
        List<String> keys = new ArrayList<>(nodes);
        for (int i = 1; i <= nodes; i++) {
            keys.add(Integer.toString(i));
        }
        String target = root + "/upsert";
        String anchorRoot = root + "/anchor";
        trees.put(anchorRoot, "");
        PlainClientAnchors.multiPipelined(
                zk, PlainClientAnchors.creates(paths(anchorRoot, keys), value('a')), 500, 8);
        // Warm-up: the tiny job, then the first big job creates the nodes the updates change.
        SqlJobs.sink(tEnv, hosts, root + "/tiny", TINY, "t0", valueBytes);
        SqlJobs.sink(tEnv, hosts, target, nodes, "c0", valueBytes);
        check(zk, target, keys, "c0");

        double[][] net = new double[2][runs];
        double[][] anchor = new double[2][runs];
        double[][] ratio = new double[2][runs];
        double[][] cpuRatio = new double[2][runs];
        for (int r = 0; r < runs; r++) {
            // updates of the nodes the warm-up created
            String tag = "u" + r;
            Timed fixed =
                    timed(() -> SqlJobs.sink(tEnv, hosts, root + "/tiny", TINY, tag, valueBytes));
            Timed job = timed(() -> SqlJobs.sink(tEnv, hosts, target, nodes, tag, valueBytes));
            check(zk, target, keys, tag);
            List<Op> sets = PlainClientAnchors.setDatas(paths(anchorRoot, keys), value('b'));
            Timed plain =
                    timed(
                            () ->
                                    PlainClientAnchors.multiPipelined(
                                            zk, sets, ANCHOR_BATCH, ANCHOR_IN_FLIGHT));
            record(net[0], anchor[0], ratio[0], cpuRatio[0], r, nodes, fixed, job, plain);

            // creates: a fresh root for both
            String createTag = "n" + r;
            String fresh = root + "/create-" + r;
            String freshAnchor = root + "/anchor-create-" + r;
            trees.put(freshAnchor, "");
            Timed fixedCreate =
                    timed(
                            () ->
                                    SqlJobs.sink(
                                            tEnv,
                                            hosts,
                                            fresh + "-tiny",
                                            TINY,
                                            createTag,
                                            valueBytes));
            Timed jobCreate =
                    timed(() -> SqlJobs.sink(tEnv, hosts, fresh, nodes, createTag, valueBytes));
            check(zk, fresh, keys, createTag);
            List<Op> creates = PlainClientAnchors.creates(paths(freshAnchor, keys), value('c'));
            Timed plainCreate =
                    timed(
                            () ->
                                    PlainClientAnchors.multiPipelined(
                                            zk, creates, ANCHOR_BATCH, ANCHOR_IN_FLIGHT));
            record(
                    net[1],
                    anchor[1],
                    ratio[1],
                    cpuRatio[1],
                    r,
                    nodes,
                    fixedCreate,
                    jobCreate,
                    plainCreate);
        }
        String[] kinds = {"updates of existing nodes (setData)", "creates of new nodes (create)"};
        for (int k = 0; k < 2; k++) {
            System.out.printf(
                    Locale.ROOT,
                    "Sink of %,d upserts, SQL INSERT from datagen, sink.parallelism=1, %s (%d runs;"
                            + " every run checked node by node):%n",
                    nodes,
                    kinds[k],
                    runs);
            System.out.printf(
                    Locale.ROOT,
                    "  connector net                                 %s%n",
                    RatioLine.rates(net[k]));
            System.out.printf(
                    Locale.ROOT,
                    "  plain client, async multi of %d, %d in flight  %s%n",
                    ANCHOR_BATCH,
                    ANCHOR_IN_FLIGHT,
                    RatioLine.rates(anchor[k]));
            System.out.printf(
                    Locale.ROOT,
                    "  sink net / anchor: %s%n",
                    RatioLine.format(ratio[k], SINK_GOAL));
            System.out.printf(
                    Locale.ROOT,
                    "  (process CPU per row, anchor / connector net: median %.2f [%.2f - %.2f])%n",
                    RatioLine.median(cpuRatio[k]),
                    RatioLine.min(cpuRatio[k]),
                    RatioLine.max(cpuRatio[k]));
        }
    }

    private static void record(
            double[] net,
            double[] anchor,
            double[] ratio,
            double[] cpuRatio,
            int r,
            int nodes,
            Timed fixed,
            Timed job,
            Timed plain) {
        net[r] = nodes / Math.max(1e-3, job.seconds - fixed.seconds);
        anchor[r] = nodes / plain.seconds;
        ratio[r] = net[r] / anchor[r];
        cpuRatio[r] = (double) plain.cpuNanos / Math.max(1, job.cpuNanos - fixed.cpuNanos);
    }

    /** Wall-clock seconds and this JVM's CPU time of one piece of work. */
    static final class Timed {
        final double seconds;
        final long cpuNanos;

        Timed(double seconds, long cpuNanos) {
            this.seconds = seconds;
            this.cpuNanos = cpuNanos;
        }
    }

    static Timed timed(Work work) throws Exception {
        System.gc();
        long cpu = cpuNanos();
        long start = System.nanoTime();
        work.run();
        return new Timed((System.nanoTime() - start) / 1e9, cpuNanos() - cpu);
    }

    /** Every key below {@code root} exists and holds the value the run with {@code tag} wrote. */
    private void check(ZooKeeper zk, String root, List<String> keys, String tag) throws Exception {
        byte[] expected = expectedValue(tag);
        List<Op> ops = new ArrayList<>();
        int wrong = 0;
        String example = null;
        for (int i = 0; i < keys.size(); i++) {
            ops.add(Op.getData(root + "/" + keys.get(i)));
            if (ops.size() == 100 || i == keys.size() - 1) {
                for (OpResult result : zk.multi(ops)) {
                    if (!(result instanceof OpResult.GetDataResult)
                            || !Arrays.equals(
                                    ((OpResult.GetDataResult) result).getData(), expected)) {
                        wrong++;
                        if (example == null) {
                            example = ops.get(0).getPath() + " (first of its batch)";
                        }
                    }
                }
                ops.clear();
            }
        }
        if (wrong > 0) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "sink run %s: %,d of %,d nodes below %s lack the value it wrote, e.g. %s",
                            tag,
                            wrong,
                            keys.size(),
                            root,
                            example));
        }
    }

    private byte[] expectedValue(String tag) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < valueBytes / tag.length(); i++) {
            s.append(tag);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] value(char c) {
        byte[] v = new byte[valueBytes];
        Arrays.fill(v, (byte) c);
        return v;
    }

    private static List<String> paths(String root, List<String> keys) {
        List<String> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            out.add(root + "/" + k);
        }
        return out;
    }

    /** CPU time of this JVM (the server, Flink and the anchors all run in it). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    interface Work {
        void run() throws Exception;
    }

    static double seconds(Work work) throws Exception {
        System.gc();
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
