package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.Timed;
import dev.zkflink.connector.zookeeper.benchmark.WrittenNodes.Expected;

import org.apache.flink.table.api.TableEnvironment;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.timed;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_BATCH;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.ANCHOR_IN_FLIGHT;
import static dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark.VALUE_BYTES;

/**
 * Part 2 of {@link WriteModesBenchmark}: {@code n} rows into a {@code 'persistent-sequential'}
 * table ({@link SqlJobs#sink}: keys 1..n from {@code datagen}, batch mode), each a new node {@code
 * _c_<uuid>-<key><counter>} below the root. Next to a plain client's async multis of sequential
 * creates with the same protected names, and with plain names.
 */
final class SequentialCreates {
    private static final String ROOT = "/bench/seq";
    private static final int SMALL = 10;
    private static final String SEQUENTIAL = ", 'sink.create-mode' = 'persistent-sequential'";
    private static final Pattern NAME = Pattern.compile("_c_[0-9a-f-]{36}-(\\d+)\\d{10}");

    private final TableEnvironment tEnv;
    private final String hosts;
    private final ZooKeeper zk;
    private final ZooKeeper wideZk;
    private final int n;
    private final int runs;
    private final List<String> keys = new ArrayList<>();

    /**
     * @param wideZk a client that accepts the listing of {@code n} children (above 1 MiB)
     */
    SequentialCreates(
            TableEnvironment tEnv, String hosts, ZooKeeper zk, ZooKeeper wideZk, int n, int runs) {
        this.tEnv = tEnv;
        this.hosts = hosts;
        this.zk = zk;
        this.wideZk = wideZk;
        this.n = n;
        this.runs = runs;
        for (int i = 1; i <= n; i++) {
            keys.add(Integer.toString(i));
        }
    }

    List<WriteModeFigure> run() throws Exception {
        zk.create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        measure(null, 0, "w0"); // warm-up
        WriteModeFigure figure =
                new WriteModeFigure(
                        "sequential creates",
                        String.format(
                                Locale.ROOT,
                                "Sequential creates: INSERT INTO t SELECT ... FROM datagen (batch),"
                                        + " 'sink.create-mode' = 'persistent-sequential', %,d rows"
                                        + " (key 1..n), %d-byte values, sink parallelism 1; one"
                                        + " parent",
                                n,
                                VALUE_BYTES),
                        n,
                        SMALL,
                        runs,
                        "async multi of 500 sequential creates _c_<uuid>-<key>, 8 in flight",
                        "the same with plain names <key>");
        for (int r = 0; r < runs; r++) {
            measure(figure, r, "s" + (r % 10));
        }
        return Collections.singletonList(figure);
    }

    private void measure(WriteModeFigure figure, int run, String tag) throws Exception {
        String rows = ROOT + "/rows-" + tag + "-" + run;
        String small = rows + "-small";
        Timed smallJob =
                timed(() -> SqlJobs.sink(tEnv, hosts, small, SMALL, tag, VALUE_BYTES, SEQUENTIAL));
        Timed job = timed(() -> SqlJobs.sink(tEnv, hosts, rows, n, tag, VALUE_BYTES, SEQUENTIAL));
        checkConnector(rows, n, tag);
        checkConnector(small, SMALL, tag);

        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'p');
        String guarded = ROOT + "/plain-protected-" + run;
        String plain = ROOT + "/plain-names-" + run;
        for (String parent : Arrays.asList(guarded, plain)) {
            zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        Timed protectedNames =
                timed(
                        () ->
                                PlainClientAnchors.multiPipelined(
                                        zk,
                                        PlainWriteAnchors.sequentialCreates(
                                                guarded, keys, value, true),
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT));
        Timed plainNames =
                timed(
                        () ->
                                PlainClientAnchors.multiPipelined(
                                        zk,
                                        PlainWriteAnchors.sequentialCreates(
                                                plain, keys, value, false),
                                        ANCHOR_BATCH,
                                        ANCHOR_IN_FLIGHT));
        for (String parent : Arrays.asList(guarded, plain)) {
            if (WrittenNodes.children(zk, parent) != n) {
                throw new IllegalStateException(parent + " lacks nodes");
            }
        }
        if (figure != null) {
            figure.record(run, smallJob, job, protectedNames, plainNames);
        }
        // The server's tree stays small, so its snapshots do not slow the later parts.
        for (String root : Arrays.asList(rows, small, guarded, plain)) {
            PlainWriteAnchors.deleteSubtreePipelined(
                    wideZk, root, true, ANCHOR_BATCH, ANCHOR_IN_FLIGHT);
        }
    }

    /** One node per key 1..rows, named as the protected mode names it, holding the run's value. */
    private void checkConnector(String parent, int rows, String tag) throws Exception {
        List<String> children = wideZk.getChildren(parent, false);
        BitSet seen = new BitSet();
        for (String child : children) {
            Matcher m = NAME.matcher(child);
            if (!m.matches()) {
                throw new IllegalStateException("Not a protected sequential name: " + child);
            }
            seen.set(Integer.parseInt(m.group(1)));
        }
        if (children.size() != rows || seen.cardinality() != rows || seen.nextSetBit(0) != 1) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d children for %,d distinct keys, expected one per key 1..%,d",
                            parent,
                            children.size(),
                            seen.cardinality(),
                            rows));
        }
        StringBuilder value = new StringBuilder();
        while (value.length() < VALUE_BYTES) {
            value.append(tag);
        }
        WrittenNodes.check(
                zk,
                "sequential " + parent,
                parent,
                children,
                new Expected(value.toString().getBytes(StandardCharsets.UTF_8), 0, false));
    }
}
