package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.util.Locale;

/**
 * Streaming SQL lookup joins as a user writes them: a {@code datagen} probe stream joined with
 * {@code FOR SYSTEM_TIME AS OF} to the table {@code (p STRING, n STRING, v STRING, PRIMARY KEY (p,
 * n))} by its full key, into a {@code blackhole} sink. Probe {@code id} looks up node {@code
 * <root>/<k mod parents>/<k>} with {@code k = id mod rows}, in the tree of {@link LookupTree}.
 */
final class LookupSqlJobs {
    private final StreamExecutionEnvironment env;
    private final StreamTableEnvironment tEnv;
    private final String hosts;
    private final String root;
    private final int rows;
    private final int parents;

    LookupSqlJobs(
            StreamExecutionEnvironment env,
            StreamTableEnvironment tEnv,
            String hosts,
            String root,
            int rows,
            int parents) {
        this.env = env;
        this.tEnv = tEnv;
        this.hosts = hosts;
        this.root = root;
        this.rows = rows;
        this.parents = parents;
        tEnv.createTemporarySystemFunction("row_clock", LookupProbes.RowClock.class);
        tEnv.createTemporarySystemFunction("fresh_value", LookupProbes.FreshValue.class);
    }

    /** Seconds of the whole job; its rows are counted by {@link LookupProbes.RowClock}. */
    double joinAll(String lookupOptions, long probes) throws Exception {
        String suffix = "_" + System.nanoTime();
        tEnv.executeSql(
                String.format(
                        Locale.ROOT,
                        "CREATE TEMPORARY TABLE gen%s (id BIGINT, proc AS PROCTIME()) WITH"
                                + " ('connector' = 'datagen', 'rows-per-second' = '100000000',"
                                + " 'number-of-rows' = '%d', 'fields.id.kind' = 'sequence',"
                                + " 'fields.id.start' = '0', 'fields.id.end' = '%d')",
                        suffix,
                        probes,
                        probes - 1));
        tables(suffix, lookupOptions, rows);
        LookupProbes.RowClock.reset();
        long start = System.nanoTime();
        try {
            tEnv.executeSql(insert(suffix, "row_clock")).await();
        } finally {
            drop(suffix);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Starts an endless job looking up the node of key 0 {@code perSecond} times a second, evenly
     * spaced. SQL's {@code datagen} is not used here: it emits each second's rows in one burst and
     * then sleeps, so a change made after a burst would wait for the next second's lookups.
     */
    RunningJob probeKeyZero(String lookupOptions, int perSecond) {
        String suffix = "_" + System.nanoTime();
        DataGeneratorSource<Row> ids =
                new DataGeneratorSource<>(
                        (GeneratorFunction<Long, Row>) Row::of,
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(perSecond),
                        Types.ROW_NAMED(new String[] {"id"}, Types.LONG));
        DataStream<Row> stream = env.fromSource(ids, WatermarkStrategy.noWatermarks(), "probe ids");
        tEnv.createTemporaryView(
                "gen" + suffix,
                tEnv.fromDataStream(
                        stream,
                        Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        tables(suffix, lookupOptions, 1); // every id names key 0, computed: not a constant
        TableResult result = tEnv.executeSql(insert(suffix, "fresh_value"));
        return new RunningJob(result.getJobClient().orElseThrow(), suffix);
    }

    /** A started job; closing cancels it and drops its tables. */
    final class RunningJob implements AutoCloseable {
        private final JobClient client;
        private final String suffix;

        private RunningJob(JobClient client, String suffix) {
            this.client = client;
            this.suffix = suffix;
        }

        @Override
        public void close() throws Exception {
            try {
                client.cancel().get();
            } finally {
                drop(suffix);
            }
        }
    }

    /**
     * The tables of one job over the probe source {@code gen<suffix>}: id names key id mod keys.
     */
    private void tables(String suffix, String lookupOptions, int keys) {
        tEnv.executeSql(
                String.format(
                        Locale.ROOT,
                        "CREATE TEMPORARY VIEW probes%s AS SELECT"
                                + " CAST(MOD(MOD(id, %d), %d) AS STRING) AS p,"
                                + " CAST(MOD(id, %d) AS STRING) AS n, proc FROM gen%s",
                        suffix,
                        keys,
                        parents,
                        keys,
                        suffix));
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE kv"
                        + suffix
                        + " (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + hosts
                        + "', 'path' = '"
                        + root
                        + "', "
                        + lookupOptions
                        + ")");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE out"
                        + suffix
                        + " (len INT) WITH ('connector' = 'blackhole')");
    }

    private static String insert(String suffix, String probe) {
        return "INSERT INTO out"
                + suffix
                + " SELECT "
                + probe
                + "(c.v) FROM probes"
                + suffix
                + " AS e JOIN kv"
                + suffix
                + " FOR SYSTEM_TIME AS OF e.proc AS c ON e.p = c.p AND e.n = c.n";
    }

    private void drop(String suffix) {
        tEnv.dropTemporaryView("probes" + suffix);
        if (!tEnv.dropTemporaryTable("gen" + suffix)) {
            tEnv.dropTemporaryView("gen" + suffix);
        }
        tEnv.executeSql("DROP TEMPORARY TABLE kv" + suffix);
        tEnv.executeSql("DROP TEMPORARY TABLE out" + suffix);
    }
}
