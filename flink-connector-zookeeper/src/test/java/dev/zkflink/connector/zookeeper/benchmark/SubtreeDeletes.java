package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.Timed;

import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.zookeeper.ZKUtil;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.timed;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_BATCH;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_IN_FLIGHT;

/**
 * Part 4 of {@link WriteModesBenchmark}: deleting {@code n} row nodes ({@code p-<i>/n-<j>}, 1,000
 * per parent, one byte of data, never read) with {@code TRUNCATE TABLE} (the root stays) and with a
 * pushed-down {@code DELETE FROM t WHERE g = '...'} (the subtree {@code g} goes). Both run in the
 * planning JVM (no Flink job). Next to a plain client that lists the tree level by level with multi
 * reads of {@code getChildren} and sends async multis of deletes, deepest first, 8 in flight (both
 * pipelined); and ZooKeeper's own {@code ZKUtil.deleteRecursive} (a blocking {@code getChildren}
 * per node, then pipelined multis) for reference.
 */
final class SubtreeDeletes {
    private static final String ROOT = "/bench/del";
    private static final int PER_PARENT = 1000;
    private static final int SMALL = 10;
    private static final int ZKUTIL_BATCH = 1000;
    private static final byte[] SEED_DATA = "x".getBytes(StandardCharsets.UTF_8);

    private final TableEnvironment tEnv;
    private final String hosts;
    private final ZooKeeper zk;
    private final ZooKeeper wideZk;
    private final int n;
    private final int runs;
    private final int parents;

    /**
     * @param tEnv a batch TableEnvironment: TRUNCATE and DELETE are refused in streaming mode
     * @param wideZk the anchor's client: it accepts answers above 1 MiB, as the connector's does
     */
    SubtreeDeletes(
            TableEnvironment tEnv, String hosts, ZooKeeper zk, ZooKeeper wideZk, int n, int runs) {
        this.tEnv = tEnv;
        this.hosts = hosts;
        this.zk = zk;
        this.wideZk = wideZk;
        this.n = n;
        this.runs = runs;
        this.parents = n / PER_PARENT;
    }

    List<WriteModeFigure> run() throws Exception {
        PlainClientAnchors.multiPipelined(
                zk,
                PlainClientAnchors.creates(Arrays.asList(ROOT, ROOT + "/tree"), new byte[0]),
                ANCHOR_BATCH,
                ANCHOR_IN_FLIGHT);
        declare("trunc_rows", ROOT + "/trunc", "p STRING, n STRING", "p, n");
        declare("trunc_small", ROOT + "/trunc-small", "p STRING, n STRING", "p, n");
        declare("tree", ROOT + "/tree", "g STRING, p STRING, n STRING", "g, p, n");
        String plan =
                "multi reads of 1000 getChildren per level, then multis of 500 deletes deepest"
                        + " first, async, 8 in flight";
        String serial = "the same, one multi of 1000 deletes at a time (the connector's own plan)";
        String zkUtil =
                "ZooKeeper's ZKUtil.deleteRecursive: a blocking getChildren per node, then"
                        + " multis of 1000 deletes, 10 in flight";
        WriteModeFigure truncate =
                new WriteModeFigure(
                        "TRUNCATE TABLE",
                        String.format(
                                Locale.ROOT,
                                "TRUNCATE TABLE t: %,d row nodes (levels, %d parents x %,d), the"
                                        + " root stays; statement time (planning JVM, no job)",
                                n,
                                parents,
                                PER_PARENT),
                        n,
                        SMALL,
                        runs,
                        plan,
                        zkUtil + " per child of the root",
                        serial);
        WriteModeFigure delete =
                new WriteModeFigure(
                        "DELETE pushed down",
                        String.format(
                                Locale.ROOT,
                                "DELETE FROM t WHERE g = '<run>' (pushed down): the subtree g of"
                                        + " %,d row nodes (%d parents x %,d) goes; statement time",
                                n,
                                parents,
                                PER_PARENT),
                        n,
                        SMALL,
                        runs,
                        plan,
                        zkUtil,
                        serial);
        measure(null, null, 0, "warm");
        for (int r = 0; r < runs; r++) {
            measure(truncate, delete, r, "run-" + r);
        }
        return Arrays.asList(truncate, delete);
    }

    private void declare(String table, String path, String keys, String primaryKey) {
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " ("
                        + keys
                        + ", v STRING, PRIMARY KEY ("
                        + primaryKey
                        + ") NOT ENFORCED) WITH ('connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + path
                        + "', 'scan.startup.mode' = 'snapshot'"
                        + SqlJobs.extraOptions(SqlJobs.SINK_OPTIONS)
                        + ")");
    }

    /** One run of both statements; null figures are the warm-up. */
    private void measure(WriteModeFigure truncate, WriteModeFigure delete, int run, String tag)
            throws Exception {
        // TRUNCATE TABLE
        seedGrid(ROOT + "/trunc-small", 1, SMALL);
        seedGrid(ROOT + "/trunc", parents, PER_PARENT);
        Timed smallTruncate = timed(() -> tEnv.executeSql("TRUNCATE TABLE trunc_small").await());
        Timed bigTruncate = timed(() -> tEnv.executeSql("TRUNCATE TABLE trunc_rows").await());
        expectChildren(ROOT + "/trunc", 0);
        expectChildren(ROOT + "/trunc-small", 0);
        String plainTrunc = ROOT + "/plain-trunc-" + tag;
        seedGrid(plainTrunc, parents, PER_PARENT);
        Timed plainTruncate =
                timed(
                        () ->
                                PlainWriteAnchors.deleteSubtreePipelined(
                                        wideZk, plainTrunc, false, ANCHOR_BATCH, ANCHOR_IN_FLIGHT));
        expectChildren(plainTrunc, 0);
        String utilTrunc = ROOT + "/util-trunc-" + tag;
        seedGrid(utilTrunc, parents, PER_PARENT);
        Timed utilTruncate =
                timed(
                        () -> {
                            for (String child : zk.getChildren(utilTrunc, false)) {
                                ZKUtil.deleteRecursive(zk, utilTrunc + "/" + child, ZKUTIL_BATCH);
                            }
                        });
        expectChildren(utilTrunc, 0);
        Timed serialTruncate = serialDelete(ROOT + "/serial-trunc-" + tag, false);
        if (truncate != null) {
            truncate.record(
                    run, smallTruncate, bigTruncate, plainTruncate, utilTruncate, serialTruncate);
        }

        // DELETE FROM t WHERE g = '...', pushed down to the subtree g
        String small = tag + "-small";
        seedGrid(ROOT + "/tree/" + small, 1, SMALL);
        seedGrid(ROOT + "/tree/" + tag, parents, PER_PARENT);
        Timed smallDelete = timed(() -> expectDeleted(small, SMALL));
        Timed bigDelete = timed(() -> expectDeleted(tag, n));
        expectChildren(ROOT + "/tree/" + tag, -1);
        String plainTree = ROOT + "/plain-tree-" + tag;
        seedGrid(plainTree, parents, PER_PARENT);
        Timed plainDelete =
                timed(
                        () ->
                                PlainWriteAnchors.deleteSubtreePipelined(
                                        wideZk, plainTree, true, ANCHOR_BATCH, ANCHOR_IN_FLIGHT));
        expectChildren(plainTree, -1);
        String utilTree = ROOT + "/util-tree-" + tag;
        seedGrid(utilTree, parents, PER_PARENT);
        Timed utilDelete = timed(() -> ZKUtil.deleteRecursive(zk, utilTree, ZKUTIL_BATCH));
        expectChildren(utilTree, -1);
        Timed serialTree = serialDelete(ROOT + "/serial-tree-" + tag, true);
        if (delete != null) {
            delete.record(run, smallDelete, bigDelete, plainDelete, utilDelete, serialTree);
        }
    }

    /**
     * The plain client's delete with the connector's plan: multi reads of listings, then one multi
     * of 1,000 deletes at a time. Seeds the tree first (untimed) and checks it is gone.
     */
    private Timed serialDelete(String root, boolean includeRoot) throws Exception {
        seedGrid(root, parents, PER_PARENT);
        Timed t =
                timed(
                        () ->
                                PlainWriteAnchors.deleteSubtreePipelined(
                                        wideZk, root, includeRoot, ZKUTIL_BATCH, 1));
        expectChildren(root, includeRoot ? -1 : 0);
        return t;
    }

    /** Runs the pushed-down DELETE of subtree {@code g} and checks its count. */
    private void expectDeleted(String g, long rows) throws Exception {
        TableResult result = tEnv.executeSql("DELETE FROM tree WHERE g = '" + g + "'");
        try (CloseableIterator<Row> it = result.collect()) {
            long deleted = ((Number) it.next().getField(0)).longValue();
            if (deleted != rows) {
                throw new IllegalStateException(
                        "DELETE of '" + g + "' deleted " + deleted + " rows, expected " + rows);
            }
        }
    }

    private void expectChildren(String path, int count) throws Exception {
        int children = WrittenNodes.children(zk, path);
        if (children != count) {
            throw new IllegalStateException(
                    path + " has " + children + " children (-1: gone), expected " + count);
        }
    }

    /** {@code root/p-<i>/n-<j>}, parents first, by pipelined async multis (untimed set-up). */
    private void seedGrid(String root, int parentCount, int perParent) throws Exception {
        List<String> paths = new ArrayList<>();
        if (WrittenNodes.children(zk, root) < 0) {
            paths.add(root);
        }
        paths.addAll(WrittenNodes.gridParents(root, parentCount));
        paths.addAll(WrittenNodes.gridRows(root, parentCount, perParent));
        PlainClientAnchors.multiPipelined(
                zk, PlainClientAnchors.creates(paths, SEED_DATA), ANCHOR_BATCH, ANCHOR_IN_FLIGHT);
    }
}
