package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.Timed;
import dev.zkflink.connector.zookeeper.benchmark.WrittenNodes.Expected;

import org.apache.flink.table.api.TableEnvironment;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.timed;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_BATCH;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_IN_FLIGHT;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.VALUE_BYTES;

/**
 * Part 1 of {@link WriteModesBenchmark}: a batch read-modify-write of {@code n} existing nodes
 * through SQL, {@code INSERT INTO t SELECT p, n, CONCAT(tag, SUBSTRING(v, 3)), version FROM t},
 * whose writes expect the versions the scan read; and the same statement without the {@code
 * version} column (unconditional). Next to a plain client's async multis of {@code setData} with
 * known versions, and a plain client that reads the nodes and writes each answered batch back.
 */
final class ConditionalUpdates {
    private static final String ROOT = "/bench/cond";
    private static final int SMALL = 10;
    private static final int PER_PARENT = 1000;

    private final TableEnvironment tEnv;
    private final String hosts;
    private final ZooKeeper zk;
    private final int n;
    private final int runs;
    private final List<String> rows;
    private final List<String> smallRows;
    private final List<String> anchorPaths;
    private final double[] scanRate;
    private int rowsVersion;
    private int smallVersion;
    private int anchorVersion;

    ConditionalUpdates(TableEnvironment tEnv, String hosts, ZooKeeper zk, int n, int runs) {
        this.tEnv = tEnv;
        this.hosts = hosts;
        this.zk = zk;
        this.n = n;
        this.runs = runs;
        this.rows = WrittenNodes.gridRows(ROOT + "/rows", n / PER_PARENT, PER_PARENT);
        this.smallRows = WrittenNodes.gridRows(ROOT + "/small", 1, SMALL);
        this.anchorPaths = WrittenNodes.gridRows(ROOT + "/anchor", n / PER_PARENT, PER_PARENT);
        this.scanRate = new double[runs];
    }

    List<WriteModeFigure> run() throws Exception {
        seed();
        for (String kind : new String[] {"cond", "uncond"}) {
            declare(kind + "_rows", ROOT + "/rows", kind.equals("cond"));
            declare(kind + "_small", ROOT + "/small", kind.equals("cond"));
        }
        // Warm-up of the planner, the JIT and both anchors, outside the measurements.
        measure(null, 0, true, "w1");
        measure(null, 0, false, "w2");

        String statement =
                "INSERT INTO t SELECT p, n, CONCAT(tag, SUBSTRING(v, 3))%s FROM t (batch), %,d"
                        + " existing nodes (%d parents x %,d), %d-byte values, scan and sink"
                        + " parallelism 1";
        WriteModeFigure conditional =
                new WriteModeFigure(
                        "conditional updates (version)",
                        "Conditional updates: "
                                + String.format(
                                        Locale.ROOT,
                                        statement,
                                        ", version",
                                        n,
                                        n / PER_PARENT,
                                        PER_PARENT,
                                        VALUE_BYTES),
                        n,
                        SMALL,
                        runs,
                        "async multi of 500 setData(path, data, version), 8 in flight",
                        "multi read of 500 getData, then its multi of 500 setData(version), 8 in"
                                + " flight");
        WriteModeFigure unconditional =
                new WriteModeFigure(
                        "unconditional rewrite",
                        "Unconditional rewrite: "
                                + String.format(
                                        Locale.ROOT,
                                        statement,
                                        "",
                                        n,
                                        n / PER_PARENT,
                                        PER_PARENT,
                                        VALUE_BYTES),
                        n,
                        SMALL,
                        runs,
                        "async multi of 500 setData(path, data, -1), 8 in flight",
                        "multi read of 500 getData, then its multi of 500 setData(-1), 8 in flight");
        for (int r = 0; r < runs; r++) {
            measure(conditional, r, true, "c" + (r % 10));
            measure(unconditional, r, false, "u" + (r % 10));
        }
        conditional.note(
                "the statement's scan alone (SELECT COUNT(*), SUM(CHAR_LENGTH(v)) FROM t, batch),"
                        + " net: "
                        + RatioLine.rates(scanRate));
        return Arrays.asList(conditional, unconditional);
    }

    private void seed() throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        List<String> parents = new ArrayList<>();
        parents.addAll(Arrays.asList(ROOT, ROOT + "/rows", ROOT + "/small", ROOT + "/anchor"));
        parents.addAll(WrittenNodes.gridParents(ROOT + "/rows", n / PER_PARENT));
        parents.addAll(WrittenNodes.gridParents(ROOT + "/small", 1));
        parents.addAll(WrittenNodes.gridParents(ROOT + "/anchor", n / PER_PARENT));
        List<Op> ops = new ArrayList<>(PlainClientAnchors.creates(parents, new byte[0]));
        ops.addAll(PlainClientAnchors.creates(rows, value));
        ops.addAll(PlainClientAnchors.creates(smallRows, value));
        ops.addAll(PlainClientAnchors.creates(anchorPaths, value));
        PlainClientAnchors.multiPipelined(zk, ops, ANCHOR_BATCH, ANCHOR_IN_FLIGHT);
    }

    private void declare(String table, String path, boolean withVersion) {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (p STRING, n STRING, v STRING"
                        + (withVersion ? ", version INT METADATA" : "")
                        + ", PRIMARY KEY (p, n) NOT ENFORCED) WITH ('connector' = 'zookeeper',"
                        + " 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + path
                        + "', 'scan.startup.mode' = 'snapshot', 'scan.parallelism' = '1',"
                        + " 'sink.parallelism' = '1'"
                        + SqlJobs.extraOptions(SqlJobs.SCAN_OPTIONS)
                        + SqlJobs.extraOptions(SqlJobs.SINK_OPTIONS)
                        + ")");
    }

    /** One run of one kind; a null figure is the warm-up. */
    private void measure(WriteModeFigure figure, int run, boolean conditional, String tag)
            throws Exception {
        String kind = conditional ? "cond" : "uncond";
        byte[] expected = value(tag);
        Timed small = timed(() -> rewrite(kind + "_small", tag, conditional));
        smallVersion++;
        Timed statement = timed(() -> rewrite(kind + "_rows", tag, conditional));
        rowsVersion++;
        WrittenNodes.check(
                zk, kind + " run " + run, rows, new Expected(expected, rowsVersion, false));
        WrittenNodes.check(
                zk,
                kind + " small run " + run,
                smallRows,
                new Expected(expected, smallVersion, false));
        if (conditional) {
            // The statement's scan alone, to tell the reads' share of its time (also warmed up).
            Timed smallScan = timed(() -> SqlJobs.scan(tEnv, hosts, ROOT + "/small", 1));
            long[] counted = new long[1];
            Timed scan = timed(() -> counted[0] = SqlJobs.scan(tEnv, hosts, ROOT + "/rows", 1)[0]);
            if (counted[0] != n) {
                throw new IllegalStateException("The scan counted " + counted[0] + " rows");
            }
            if (figure != null) {
                scanRate[run] = (n - SMALL) / Math.max(1e-3, scan.seconds - smallScan.seconds);
            }
        }

        int knownVersion = conditional ? anchorVersion : -1;
        Timed known =
                timed(
                        () ->
                                PlainClientAnchors.multiPipelined(
                                        zk,
                                        PlainWriteAnchors.setDatas(
                                                anchorPaths, expected, knownVersion),
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT));
        anchorVersion++;
        byte[] prefix = tag.getBytes(StandardCharsets.UTF_8);
        Timed readThenWrite =
                timed(
                        () ->
                                PlainWriteAnchors.readThenWritePipelined(
                                        zk,
                                        anchorPaths,
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT,
                                        (paths, answers) ->
                                                rewrites(paths, answers, prefix, conditional)));
        anchorVersion++;
        WrittenNodes.check(
                zk,
                kind + " anchor run " + run,
                anchorPaths,
                new Expected(expected, anchorVersion, false));
        if (figure != null) {
            figure.record(run, small, statement, known, readThenWrite);
        }
    }

    private void rewrite(String table, String tag, boolean conditional) throws Exception {
        tEnv.executeSql(
                        "INSERT INTO "
                                + table
                                + " SELECT p, n, CONCAT('"
                                + tag
                                + "', SUBSTRING(v, 3))"
                                + (conditional ? ", version" : "")
                                + " FROM "
                                + table)
                .await();
    }

    /** What the statement does to each node, done by the plain client to one answered batch. */
    private static List<Op> rewrites(
            List<String> paths, List<OpResult> answers, byte[] prefix, boolean conditional) {
        List<Op> ops = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            OpResult.GetDataResult read = (OpResult.GetDataResult) answers.get(i);
            byte[] old = read.getData();
            byte[] data = Arrays.copyOf(prefix, prefix.length + old.length - 2);
            System.arraycopy(old, 2, data, prefix.length, old.length - 2);
            ops.add(Op.setData(paths.get(i), data, conditional ? read.getStat().getVersion() : -1));
        }
        return ops;
    }

    /** The value a run with {@code tag} leaves: the tag, then the seed's 'v's. */
    private static byte[] value(String tag) {
        byte[] v = new byte[VALUE_BYTES];
        Arrays.fill(v, (byte) 'v');
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, v, 0, t.length);
        return v;
    }
}
