package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SQL sink of {@code n} upserts (new nodes, 100-byte values, parallelism 1) next to its anchor,
 * a plain client's async {@code multi} of 500 creates with 8 in flight, alternating in one run
 * against one in-JVM server. "Net" subtracts a 1,000-row job of the same shape run just before, so
 * job submission and planning do not count. Each extra argument is a sink configuration: a label,
 * then optionally {@code :} and comma-separated extra WITH options as {@code key=value} (for
 * example {@code seq:sink.max-in-flight=1}).
 *
 * <pre>
 * ./mvnw -B -q -pl flink-connector-zookeeper -DskipTests exec:exec -Dexec.classpathScope=test \
 *     -Dexec.executable=java -Dexec.args="-cp %classpath \
 *     dev.zkflink.connector.zookeeper.benchmark.SinkPipelineBenchmark 100000 default \
 *     seq:sink.max-in-flight=1"
 * </pre>
 */
public final class SinkPipelineBenchmark {
    private static final int VALUE_BYTES = 100;
    private static final int SMALL_JOB_ROWS = 1000;
    private static final int MULTI_SIZE = 500;
    private static final int MULTI_IN_FLIGHT = 8;
    private static final int REPS = 3;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String[]> configs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            configs.add(config(args[i]));
        }
        if (configs.isEmpty()) {
            configs.add(new String[] {"default", ""});
        }
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) 'v');
        try (TestingServer server = new TestingServer(true)) {
            String hosts = server.getConnectString();
            ZooKeeper zk = new ZooKeeper(hosts, 30_000, event -> {});
            zk.create("/bench", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            TableEnvironment tEnv = batchEnv();
            // Warm-up of the planner, the JIT and the server, outside the measurements.
            plainAsyncMulti(zk, "/bench/warm-plain", n / 4, value);
            sqlSink(tEnv, hosts, "/bench/warm-sql", n / 4, configs.get(0)[1]);

            System.out.printf(
                    Locale.ROOT,
                    "Sink of %,d upserts (new nodes, %d-byte values), parallelism 1, JDK %s, %d cores%n",
                    n,
                    VALUE_BYTES,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            double[][] ratios = new double[configs.size()][REPS];
            for (int rep = 0; rep < REPS; rep++) {
                double plain = plainAsyncMulti(zk, "/bench/plain-" + rep, n, value);
                System.out.printf(
                        Locale.ROOT,
                        "rep %d  plain client, async multi of %d, %d in flight: %,9.0f rows/s%n",
                        rep,
                        MULTI_SIZE,
                        MULTI_IN_FLIGHT,
                        n / plain);
                for (int c = 0; c < configs.size(); c++) {
                    String[] cfg = configs.get(c);
                    String root = "/bench/sql-" + cfg[0] + "-" + rep;
                    double small = sqlSink(tEnv, hosts, root + "-small", SMALL_JOB_ROWS, cfg[1]);
                    double big = sqlSink(tEnv, hosts, root, n, cfg[1]);
                    double net = Math.max(1e-3, big - small);
                    ratios[c][rep] = plain / net;
                    System.out.printf(
                            Locale.ROOT,
                            "rep %d  SQL sink [%s]: gross %,9.0f rows/s, net %,9.0f rows/s"
                                    + " (job %.2f s, %,d-row job %.2f s), net/plain %.2f%n",
                            rep,
                            cfg[0],
                            n / big,
                            n / net,
                            big,
                            SMALL_JOB_ROWS,
                            small,
                            ratios[c][rep]);
                    int written = zk.exists(root, false).getNumChildren();
                    if (written != n) {
                        throw new IllegalStateException(cfg[0] + " wrote " + written + " nodes");
                    }
                }
            }
            for (int c = 0; c < configs.size(); c++) {
                double[] r = ratios[c].clone();
                Arrays.sort(r);
                System.out.printf(
                        Locale.ROOT,
                        "SQL sink [%s] net / plain async multi: median %.2f (%.2f - %.2f)%n",
                        configs.get(c)[0],
                        r[REPS / 2],
                        r[0],
                        r[REPS - 1]);
            }
            zk.close();
        }
        System.exit(0);
    }

    /** {@code label[:key=value,...]} to the label and the extra WITH options. */
    private static String[] config(String arg) {
        int colon = arg.indexOf(':');
        if (colon < 0) {
            return new String[] {arg, ""};
        }
        StringBuilder with = new StringBuilder();
        for (String kv : arg.substring(colon + 1).split(",")) {
            int eq = kv.indexOf('=');
            with.append(with.length() == 0 ? "" : ", ")
                    .append('\'')
                    .append(kv, 0, eq)
                    .append("' = '")
                    .append(kv.substring(eq + 1))
                    .append('\'');
        }
        return new String[] {arg.substring(0, colon), with.toString()};
    }

    private static TableEnvironment batchEnv() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.setString("table.exec.resource.default-parallelism", "1");
        return TableEnvironment.create(
                EnvironmentSettings.newInstance().withConfiguration(conf).build());
    }

    /** Seconds for an INSERT of {@code rows} new keys into a fresh root. */
    private static double sqlSink(
            TableEnvironment tEnv, String hosts, String root, int rows, String extraOptions)
            throws Exception {
        System.gc();
        long start = System.nanoTime();
        SqlJobs.sink(
                tEnv,
                hosts,
                root,
                rows,
                "v",
                VALUE_BYTES,
                extraOptions.isEmpty() ? "" : ", " + extraOptions);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for creating {@code n} children of a new parent in async multis. */
    static double plainAsyncMulti(ZooKeeper zk, String parent, int n, byte[] value)
            throws Exception {
        zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        System.gc();
        long start = System.nanoTime();
        Semaphore window = new Semaphore(MULTI_IN_FLIGHT);
        int batches = (n + MULTI_SIZE - 1) / MULTI_SIZE;
        CountDownLatch done = new CountDownLatch(batches);
        AtomicInteger errors = new AtomicInteger();
        List<Op> ops = new ArrayList<>(MULTI_SIZE);
        for (int i = 1; i <= n; i++) {
            ops.add(
                    Op.create(
                            parent + "/" + i,
                            value,
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT));
            if (ops.size() == MULTI_SIZE || i == n) {
                window.acquire();
                zk.multi(
                        ops,
                        (rc, path, ctx, results) -> {
                            if (rc != KeeperException.Code.OK.intValue()) {
                                errors.incrementAndGet();
                            }
                            window.release();
                            done.countDown();
                        },
                        null);
                ops = new ArrayList<>(MULTI_SIZE);
            }
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async multis failed");
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
