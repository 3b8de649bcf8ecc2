package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.util.Locale;

/**
 * The SQL jobs the benchmarks time, written as a user writes them. Extra table options come from
 * the system properties {@code bench.scan.options} and {@code bench.sink.options}, as {@code
 * key=value} pairs separated by commas, for example {@code
 * -Dbench.sink.options=sink.max-in-flight=8}; so a new option can be measured without a code
 * change.
 */
final class SqlJobs {
    static final String SCAN_OPTIONS = "bench.scan.options";
    static final String SINK_OPTIONS = "bench.sink.options";

    private SqlJobs() {}

    /**
     * A MiniCluster (one TaskManager, 4 slots) that jobs of {@link
     * StreamExecutionEnvironment#getExecutionEnvironment()} run on until it is closed, with {@code
     * parallelism} as the jobs' default. Shared by all jobs of a benchmark, as a user's session
     * cluster is, so a job does not start a cluster of its own.
     */
    static MiniCluster startCluster(Configuration conf, int parallelism) throws Exception {
        Configuration c = new Configuration(conf);
        c.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        c.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(c)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(4)
                                .build());
        cluster.start();
        TestStreamEnvironment.setAsContext(cluster, parallelism);
        return cluster;
    }

    /** A batch-mode table environment on the cluster of {@link #startCluster}. */
    static StreamTableEnvironment batchEnvOnCluster() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        return StreamTableEnvironment.create(env, EnvironmentSettings.inBatchMode());
    }

    /** A streaming table environment on the cluster of {@link #startCluster}. */
    static StreamTableEnvironment streamEnvOnCluster() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        return StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
    }

    static TableEnvironment batchEnv() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
        return TableEnvironment.create(
                EnvironmentSettings.newInstance().withConfiguration(conf).build());
    }

    /** The extra options of {@code property} as {@code , 'k' = 'v'} clauses; empty if unset. */
    static String extraOptions(String property) {
        String raw = System.getProperty(property, "").trim();
        StringBuilder out = new StringBuilder();
        if (raw.isEmpty()) {
            return "";
        }
        for (String pair : raw.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "-D" + property + " wants key=value pairs separated by commas: " + raw);
            }
            out.append(
                    String.format(
                            Locale.ROOT,
                            ", '%s' = '%s'",
                            pair.substring(0, eq).trim(),
                            pair.substring(eq + 1).trim()));
        }
        return out.toString();
    }

    /** What {@code -Dbench.*.options} added, for the report header. */
    static String describeExtraOptions() {
        String scan = System.getProperty(SCAN_OPTIONS, "");
        String sink = System.getProperty(SINK_OPTIONS, "");
        return String.format(
                Locale.ROOT,
                "extra scan options: %s; extra sink options: %s",
                scan.isEmpty() ? "none" : scan,
                sink.isEmpty() ? "none" : sink);
    }

    /**
     * {@code SELECT COUNT(*), SUM(CHAR_LENGTH(v))} over a {@code levels} table of depth 2 below
     * {@code root}: returns {count, sum}.
     */
    static long[] scan(TableEnvironment tEnv, String hosts, String root, int parallelism)
            throws Exception {
        String table = "scan_" + parallelism + "_" + System.nanoTime();
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE "
                        + table
                        + " (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + root
                        + "', 'scan.startup.mode' = 'snapshot', 'scan.parallelism' = '"
                        + parallelism
                        + "'"
                        + extraOptions(SCAN_OPTIONS)
                        + ")");
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT COUNT(*), SUM(CHAR_LENGTH(v)) FROM " + table).collect()) {
            Row row = it.next();
            Object sum = row.getField(1);
            return new long[] {
                ((Number) row.getField(0)).longValue(), sum == null ? 0 : ((Number) sum).longValue()
            };
        } finally {
            tEnv.executeSql("DROP TEMPORARY TABLE " + table);
        }
    }

    /**
     * {@code INSERT INTO} a one-key upsert table below {@code root} of {@code n} rows (keys 1..n,
     * values {@code tag} repeated to {@code valueBytes} characters) from {@code datagen}, sink
     * parallelism 1; waits for the job to end.
     */
    static void sink(
            TableEnvironment tEnv, String hosts, String root, int n, String tag, int valueBytes)
            throws Exception {
        sink(tEnv, hosts, root, n, tag, valueBytes, extraOptions(SINK_OPTIONS));
    }

    /**
     * As {@link #sink(TableEnvironment, String, String, int, String, int)}, with {@code extraWith}
     * (empty, or {@code , 'key' = 'value' ...}) appended to the sink table's WITH clause.
     */
    static void sink(
            TableEnvironment tEnv,
            String hosts,
            String root,
            int n,
            String tag,
            int valueBytes,
            String extraWith)
            throws Exception {
        String suffix = tag + "_" + System.nanoTime();
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE gen_"
                        + suffix
                        + " (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '100000000', 'number-of-rows' = '"
                        + n
                        + "', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + Math.max(n, 1)
                        + "')");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE sink_"
                        + suffix
                        + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + root
                        + "', 'sink.parallelism' = '1'"
                        + extraWith
                        + ")");
        try {
            tEnv.executeSql(
                            "INSERT INTO sink_"
                                    + suffix
                                    + " SELECT CAST(id AS STRING), REPEAT('"
                                    + tag
                                    + "', "
                                    + (valueBytes / Math.max(1, tag.length()))
                                    + ") FROM gen_"
                                    + suffix)
                    .await();
        } finally {
            tEnv.executeSql("DROP TEMPORARY TABLE gen_" + suffix);
            tEnv.executeSql("DROP TEMPORARY TABLE sink_" + suffix);
        }
    }
}
