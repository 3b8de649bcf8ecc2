package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.util.TestStreamEnvironment;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The write model through SQL, each figure next to a plain ZooKeeper client doing the same
 * ZooKeeper work at its best (async, pipelined, batched) against the same in-JVM server in the same
 * run:
 *
 * <ol>
 *   <li>{@link ConditionalUpdates}: a read-modify-write of {@code n} nodes conditional on the
 *       versions read, and the same unconditional;
 *   <li>{@link SequentialCreates}: {@code n} persistent-sequential rows;
 *   <li>{@link EphemeralRegistrations}: {@code n} ephemeral nodes from a live read, until all
 *       exist;
 *   <li>{@link SubtreeDeletes}: {@code TRUNCATE TABLE} and a pushed-down {@code DELETE} of {@code
 *       n} row nodes.
 * </ol>
 *
 * <p>All jobs run on one MiniCluster (one TaskManager, 4 slots), as on a user's session cluster.
 * "Net" is rows / (statement time - time of the same statement over a small input, run just
 * before), so job submission and planning do not count. Every run checks what it wrote with a plain
 * client. Arguments: {@code n} (rounded down to a multiple of 1,000; default 50,000) and optionally
 * the parts to run ({@code conditional,sequential,ephemeral,delete}); {@code -Dbench.ratio.runs}
 * sets the runs (default 3), {@code -Dbench.sink.options} / {@code -Dbench.scan.options} extra
 * table options (see {@link SqlJobs}).
 *
 * <pre>
 * ./mvnw -B -q -o -pl flink-connector-zookeeper -DskipTests test-compile exec:exec \
 *     -Dexec.classpathScope=test -Dexec.executable=java \
 *     "-Dexec.args=-Xmx4g -cp %classpath \
 *     dev.zkflink.connector.zookeeper.benchmark.WriteModesBenchmark 50000" 2>bench.log
 * </pre>
 */
public final class WriteModesBenchmark {
    static final int VALUE_BYTES = 100;
    static final int ANCHOR_BATCH = 500;
    static final int ANCHOR_IN_FLIGHT = 8;
    private static final List<String> PARTS =
            Arrays.asList("conditional", "sequential", "ephemeral", "delete");

    private WriteModesBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkLogs.toStderr();
        int n = (args.length > 0 ? Integer.parseInt(args[0]) : 50_000) / 1000 * 1000;
        if (n < 2000) {
            throw new IllegalArgumentException("n must be at least 2000, was " + n);
        }
        Set<String> parts =
                new LinkedHashSet<>(args.length > 1 ? Arrays.asList(args[1].split(",")) : PARTS);
        if (!PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("parts: some of " + PARTS + ", was " + parts);
        }
        int runs = Integer.getInteger("bench.ratio.runs", 3);
        long started = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "Write modes next to a plain client: n = %,d, %d-byte values, %d runs (after a"
                        + " warm-up run), JDK %s, %d cores, max heap %,d MiB, load average at"
                        + " start %.2f (%s)%n",
                n,
                VALUE_BYTES,
                runs,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                loadAverage(),
                SqlJobs.describeExtraOptions());
        System.out.println(
                "Each line: median [min - max] of the runs; ratios are per run, connector net /"
                        + " plain client in the same run.");
        List<WriteModeFigure> figures = new ArrayList<>();
        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString());
                MiniCluster cluster = SqlJobs.startCluster(new Configuration(), 1)) {
            String hosts = server.getConnectString();
            ZooKeeper zk = trees.zk();
            trees.put("/bench", "");
            // Accepts answers above 1 MiB: listings of one-parent trees, multi reads of listings.
            ZKClientConfig wide = new ZKClientConfig();
            wide.setProperty("jute.maxbuffer", String.valueOf(16 << 20));
            ZooKeeper wideZk = new ZooKeeper(hosts, 30_000, event -> {}, wide);
            for (String part : parts) {
                List<WriteModeFigure> done;
                switch (part) {
                    case "conditional":
                        done =
                                new ConditionalUpdates(
                                                SqlJobs.batchEnvOnCluster(), hosts, zk, n, runs)
                                        .run();
                        break;
                    case "sequential":
                        done =
                                new SequentialCreates(
                                                SqlJobs.batchEnvOnCluster(),
                                                hosts,
                                                zk,
                                                wideZk,
                                                n,
                                                runs)
                                        .run();
                        break;
                    case "ephemeral":
                        done =
                                new EphemeralRegistrations(
                                                SqlJobs.streamEnvOnCluster(), hosts, zk, n, runs)
                                        .run();
                        break;
                    default:
                        done =
                                new SubtreeDeletes(SqlJobs.batchEnv(), hosts, zk, wideZk, n, runs)
                                        .run();
                }
                System.out.println();
                for (WriteModeFigure figure : done) {
                    figure.print();
                }
                figures.addAll(done);
            }
            wideZk.close();
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
        printSummary(figures);
        System.out.printf(
                Locale.ROOT,
                "Checked: every run's writes, node by node. Whole run %.0f s; load average at the"
                        + " end %.2f.%n",
                (System.nanoTime() - started) / 1e9,
                loadAverage());
        System.exit(0);
    }

    /** The summary as a Markdown table, to paste into the docs. */
    private static void printSummary(List<WriteModeFigure> figures) {
        System.out.println();
        System.out.println("Summary (medians of the runs; ratio = connector net / plain client):");
        System.out.println(
                "| figure | plain client | connector net | plain client | ratio (min - max) | CPU"
                        + " ratio |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (WriteModeFigure figure : figures) {
            for (String[] row : figure.summaryRows()) {
                System.out.println("| " + String.join(" | ", row) + " |");
            }
        }
        System.out.println(
                "CPU ratio: this JVM's CPU time per row, plain client / connector net (the server"
                        + " runs in the same JVM; below 1: the connector spends more per row).");
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
