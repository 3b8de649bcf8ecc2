package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.zkflink.connector.zookeeper.testutils.FlinkSql.ON_CONFLICT_DEDUPLICATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upsert sink through SQL, against a real ZooKeeper server and a real MiniCluster. */
class ZooKeeperSinkITCase extends ZooKeeperTableTestBase {

    private static final TypeInformation<Row> KV =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.STRING);

    private static Schema kvSchema() {
        return Schema.newBuilder()
                .column("k", DataTypes.STRING().notNull())
                .column("v", DataTypes.STRING())
                .primaryKey("k")
                .build();
    }

    @Test
    void changelogWithInsertsUpdatesAndDeletesLandsExactly() throws Exception {
        String root = newRoot("changelog");
        trees.put(root + "/pre-existing", "old"); // written by someone else: becomes an update
        trees.put(root + "/doomed", "x");
        trees.put(root + "/doomed/deeper/node", "y"); // a delete removes the whole subtree
        trees.put(root + "/recreated/child", "c"); // deleted and re-inserted in one flush

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> changes =
                env.fromData(
                                Arrays.asList(
                                        Row.ofKind(RowKind.INSERT, "a", "1"),
                                        Row.ofKind(RowKind.INSERT, "b", "2"),
                                        Row.ofKind(RowKind.UPDATE_BEFORE, "a", "1"),
                                        Row.ofKind(RowKind.UPDATE_AFTER, "a", "3"),
                                        Row.ofKind(RowKind.DELETE, "b", "2"),
                                        Row.ofKind(RowKind.INSERT, "c", "4"),
                                        Row.ofKind(RowKind.INSERT, "b", "5"),
                                        Row.ofKind(RowKind.UPDATE_BEFORE, "pre-existing", "old"),
                                        Row.ofKind(RowKind.UPDATE_AFTER, "pre-existing", "new"),
                                        Row.ofKind(RowKind.DELETE, "doomed", "x"),
                                        Row.ofKind(RowKind.DELETE, "never-existed", "z"),
                                        Row.ofKind(RowKind.INSERT, "d", "6"),
                                        Row.ofKind(RowKind.DELETE, "d", "6"),
                                        Row.ofKind(RowKind.DELETE, "recreated", ""),
                                        Row.ofKind(RowKind.INSERT, "recreated", "fresh")),
                                KV)
                        .setParallelism(1);
        tEnv.createTemporaryView(
                "changes", tEnv.fromChangelogStream(changes, kvSchema(), ChangelogMode.all()));
        tEnv.executeSql(
                "CREATE TABLE zk (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root)
                        + ")");
        tEnv.executeSql("INSERT INTO zk SELECT k, v FROM changes").await();

        Map<String, String> expected = new TreeMap<>();
        expected.put("a", "3");
        expected.put("b", "5");
        expected.put("c", "4");
        expected.put("pre-existing", "new");
        // Same result as if the delete and the insert had been flushed apart: the old subtree
        // is gone.
        expected.put("recreated", "fresh");
        assertThat(trees.tree(root)).isEqualTo(expected);
    }

    @Test
    void relativePathChangelogKeepsTreeOrder() throws Exception {
        String root = newRoot("tree-order");
        trees.put(root + "/x/old", "o"); // x's subtree before the changelog
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1); // one sink subtask: the order across keys is the changelog's
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> changes =
                env.fromData(
                        Arrays.asList(
                                // A child written before its parent's row, in one flush.
                                Row.ofKind(RowKind.INSERT, "a", "1"),
                                Row.ofKind(RowKind.INSERT, "a/b", "2"),
                                Row.ofKind(RowKind.UPDATE_AFTER, "a", "3"),
                                // A delete of x, then a new child of x, then x again.
                                Row.ofKind(RowKind.DELETE, "x", "x0"),
                                Row.ofKind(RowKind.INSERT, "x/c", "4"),
                                Row.ofKind(RowKind.INSERT, "x", "5")),
                        KV);
        tEnv.createTemporaryView(
                "changes", tEnv.fromChangelogStream(changes, kvSchema(), ChangelogMode.all()));
        tEnv.executeSql(
                "CREATE TABLE zk (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'key.mode' = 'relative-path'")
                        + ")");
        tEnv.executeSql("INSERT INTO zk SELECT k, v FROM changes").await();

        // Exactly what applying the changelog one row at a time gives.
        Map<String, String> expected = new TreeMap<>();
        expected.put("a", "3");
        expected.put("a/b", "2");
        expected.put("x", "5");
        expected.put("x/c", "4");
        assertThat(trees.tree(root)).isEqualTo(expected);
    }

    @Test
    void compositeKeyJsonRoundTrip() throws Exception {
        String root = newRoot("roundtrip");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE inst (service STRING, instance STRING, host STRING, port INT,"
                        + " tags ARRAY<STRING>, PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'format' = 'json'", "'scan.startup.mode' = 'snapshot'")
                        + ")");
        tEnv.executeSql(
                        "INSERT INTO inst VALUES"
                                + " ('billing', 'i-1', '10.0.0.1', 8080, ARRAY['a', 'b']),"
                                + " ('billing', 'i-2', '10.0.0.2', 8081, CAST(NULL AS ARRAY<STRING>)),"
                                + " ('search', 'i-1', CAST(NULL AS STRING), CAST(NULL AS INT), CAST(NULL AS ARRAY<STRING>))")
                .await();
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM inst")))
                .containsExactlyInAnyOrder(
                        "+I[billing, i-1, 10.0.0.1, 8080, [a, b]]",
                        "+I[billing, i-2, 10.0.0.2, 8081, null]",
                        "+I[search, i-1, null, null, null]");
        // Parents are created empty (not Curator's default of the client IP address).
        assertThat(trees.get(root + "/billing")).isEmpty();
        assertThat(trees.get(root + "/search")).isEmpty();
        // All-NULL values are written as empty data.
        assertThat(trees.get(root + "/search/i-1")).isEmpty();
        assertThat(trees.get(root + "/billing/i-1")).contains("\"host\":\"10.0.0.1\"");
    }

    @Test
    void relativePathModeRoundTrip() throws Exception {
        String src = newRoot("mirror-src");
        String dst = newRoot("mirror-dst");
        trees.put(src + "/apps/web/config", "w");
        trees.put(src + "/apps/api", "a");
        trees.put(src + "/top", "t");
        StreamTableEnvironment tEnv = batchTableEnv();
        String columns = "(rel STRING, v BYTES, PRIMARY KEY (rel) NOT ENFORCED)";
        tEnv.executeSql(
                "CREATE TABLE src_tree "
                        + columns
                        + " WITH ("
                        + with(
                                src,
                                "'key.mode' = 'relative-path'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE dst_tree "
                        + columns
                        + " WITH ("
                        + with(
                                dst,
                                "'key.mode' = 'relative-path'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")");
        tEnv.executeSql("INSERT INTO dst_tree SELECT * FROM src_tree").await();
        assertThat(trees.tree(dst)).isEqualTo(trees.tree(src));
        assertThat(collectStrings(tEnv.executeSql("SELECT rel FROM dst_tree")))
                .containsExactlyInAnyOrderElementsOf(
                        collectStrings(tEnv.executeSql("SELECT rel FROM src_tree")));
    }

    @Test
    void oversizedValueFailsFastNamingKeyAndSize() throws Exception {
        String root = newRoot("oversized");
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root)
                        + ")");
        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                                "INSERT INTO t VALUES ('huge', REPEAT('x', 1200000))"
                                                        + ON_CONFLICT_DEDUPLICATE)
                                        .await())
                .hasStackTraceContaining("The row with key 'huge' encodes to 1200000 bytes")
                .hasStackTraceContaining("'properties.jute.maxbuffer' is 1048575");
        // Checked before sending: no ConnectionLoss, no retries.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(trees.exists(root + "/huge")).isFalse();
    }

    @Test
    void keysThatMakeIllegalPathsFailNamingTheKey() throws Exception {
        String root = newRoot("illegal");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (a STRING, b STRING, v STRING, PRIMARY KEY (a, b) NOT ENFORCED) WITH ("
                        + with(root)
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO t VALUES ('', 'x', 'v')").await())
                .hasStackTraceContaining("The row with key (a='', b='x')")
                .hasStackTraceContaining("key column 'a' is empty");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO t VALUES ('p/q', 'x', 'v')").await())
                .hasStackTraceContaining("key column 'a' contains '/'");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO t VALUES ('..', 'x', 'v')").await())
                .hasStackTraceContaining("The row with key (a='..', b='x')");
        assertThat(trees.tree(root)).isEmpty();

        tEnv.executeSql(
                "CREATE TABLE rel (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'key.mode' = 'relative-path'")
                        + ")");
        for (String bad : new String[] {"", "/abs", "trailing/", "a//b", "a/../b"}) {
            assertThatThrownBy(
                            () ->
                                    tEnv.executeSql("INSERT INTO rel VALUES ('" + bad + "', 'v')")
                                            .await())
                    .as("relative path '%s'", bad)
                    .hasStackTraceContaining("The row with key (k='" + bad + "')");
        }
        assertThat(trees.tree(root)).isEmpty();
    }

    @Test
    void flushIntervalFiresWithoutNewRecords() throws Exception {
        String root = newRoot("timer");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        // One row per second whose value is its emission time; no checkpoints, no end of input.
        GeneratorFunction<Long, Row> emitTime =
                i -> Row.of("k-" + i, String.valueOf(System.currentTimeMillis()));
        DataStream<Row> rows =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        emitTime, 1000, RateLimiterStrategy.perSecond(1), KV),
                                WatermarkStrategy.noWatermarks(),
                                "one-per-second")
                        .setParallelism(1);
        tEnv.createTemporaryView("slow", tEnv.fromDataStream(rows));
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'sink.buffer-flush.interval' = '100ms'",
                                "'sink.buffer-flush.max-rows' = '1000'")
                        + ")");
        TableResult job =
                tEnv.executeSql("INSERT INTO t SELECT k, v FROM slow" + ON_CONFLICT_DEDUPLICATE);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (trees.tree(root).size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Map<String, String> written = trees.tree(root);
            assertThat(written).hasSizeGreaterThanOrEqualTo(3);
            for (Map.Entry<String, String> e : written.entrySet()) {
                long emitted = Long.parseLong(e.getValue());
                long landed = trees.stat(root + "/" + e.getKey()).getMtime();
                // Rows come one second apart: a flush that waited for the next row would be ~1 s
                // late.
                assertThat(landed - emitted).as("latency of %s", e.getKey()).isLessThan(800);
            }
        } finally {
            job.getJobClient().get().cancel().get();
        }
    }

    /**
     * No timer and a buffer larger than the input rate: only checkpoints flush. With
     * 'at-least-once' rows land while the job runs; with 'none' nothing does.
     */
    @Test
    void checkpointsFlushUnlessDeliveryIsNone(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        assertThat(nodesWrittenAfterCheckpoints(cluster, "at-least-once", 3)).isGreaterThan(0);
        assertThat(nodesWrittenAfterCheckpoints(cluster, "none", 3)).isZero();
    }

    private static int nodesWrittenAfterCheckpoints(
            ClusterClient<?> cluster, String guarantee, int checkpoints) throws Exception {
        String root = newRoot("checkpoint-" + guarantee);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        GeneratorFunction<Long, Row> rows = i -> Row.of("k-" + i, "v" + i);
        tEnv.createTemporaryView(
                "rows_" + guarantee.replace('-', '_'),
                tEnv.fromDataStream(
                        env.fromSource(
                                        new DataGeneratorSource<>(
                                                rows,
                                                100_000,
                                                RateLimiterStrategy.perSecond(100),
                                                KV),
                                        WatermarkStrategy.noWatermarks(),
                                        "rows")
                                .setParallelism(1)));
        tEnv.executeSql(
                "CREATE TABLE t_"
                        + guarantee.replace('-', '_')
                        + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'sink.buffer-flush.interval' = '0'",
                                "'sink.buffer-flush.max-rows' = '100000'",
                                "'sink.delivery-guarantee' = '" + guarantee + "'")
                        + ")");
        TableResult job =
                tEnv.executeSql(
                        "INSERT INTO t_"
                                + guarantee.replace('-', '_')
                                + " SELECT k, v FROM rows_"
                                + guarantee.replace('-', '_')
                                + ON_CONFLICT_DEDUPLICATE);
        try {
            JobID id = job.getJobClient().get().getJobID();
            waitUntilRunning(job);
            int completed = 0;
            for (int attempt = 0; attempt < 300 && completed < checkpoints; attempt++) {
                Thread.sleep(200); // let rows arrive between checkpoints
                try {
                    cluster.triggerCheckpoint(id, CheckpointType.DEFAULT).get();
                    completed++;
                } catch (ExecutionException e) {
                    // tasks still deploying: try again
                }
            }
            assertThat(completed).as("checkpoints completed").isEqualTo(checkpoints);
            return trees.tree(root).size();
        } finally {
            job.getJobClient().get().cancel().get();
        }
    }

    private static void waitUntilRunning(TableResult job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (job.getJobClient().get().getJobStatus().get() != JobStatus.RUNNING
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    @Test
    void serverRestartDuringWriteBurstLosesNothing() throws Exception {
        String root = newRoot("restart");
        int n = 20_000;
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '"
                        + n
                        + "', 'rows-per-second' = '4000')");
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'sink.buffer-flush.max-rows' = '500'")
                        + ")");
        TableResult job =
                tEnv.executeSql(
                        "INSERT INTO t SELECT CAST(id AS STRING), CONCAT('v', CAST(id AS STRING))"
                                + " FROM gen"
                                + ON_CONFLICT_DEDUPLICATE);
        long deadline = System.currentTimeMillis() + 60_000;
        int before = 0;
        while (before < 2000 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            before = trees.exists(root) ? trees.stat(root).getNumChildren() : 0;
        }
        server.restart(); // the real server goes away and comes back on the same port
        job.await();

        assertThat(before).as("nodes written before the restart").isBetween(1, n - 1);
        Map<String, String> tree = trees.tree(root);
        assertThat(tree).hasSize(n);
        for (int i = 1; i <= n; i++) {
            assertThat(tree.get(String.valueOf(i))).isEqualTo("v" + i);
        }
    }

    /** Fails the job once, after a checkpoint completed and about half the input went through. */
    static final class FailOnceAfterCheckpoint
            implements MapFunction<Row, Row>, CheckpointListener {
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final int failAfter;
        private int seen;

        FailOnceAfterCheckpoint(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public Row map(Row row) {
            if (++seen >= failAfter && CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
                throw new RuntimeException("Injected failure after " + seen + " rows");
            }
            return row;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void jobFailureRecoversFromCheckpointWithExactFinalTree() throws Exception {
        String root = newRoot("failover");
        int events = 4000;
        int keys = 300;
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(200);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        GeneratorFunction<Long, Row> events0 = ZooKeeperSinkITCase::changeEvent;
        DataStream<Row> changes =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        events0, events, RateLimiterStrategy.perSecond(1000), KV),
                                WatermarkStrategy.noWatermarks(),
                                "changes")
                        .setParallelism(1)
                        .map(new FailOnceAfterCheckpoint(events / 2))
                        .returns(KV)
                        .setParallelism(1);
        tEnv.createTemporaryView(
                "changes", tEnv.fromChangelogStream(changes, kvSchema(), ChangelogMode.upsert()));
        tEnv.executeSql(
                "CREATE TABLE zk (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'sink.parallelism' = '2'")
                        + ")");
        tEnv.executeSql("INSERT INTO zk SELECT k, v FROM changes").await();

        assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
        Map<String, String> expected = new TreeMap<>();
        for (long i = 0; i < events; i++) {
            Row r = changeEvent(i);
            if (r.getKind() == RowKind.DELETE) {
                expected.remove((String) r.getField(0));
            } else {
                expected.put((String) r.getField(0), (String) r.getField(1));
            }
        }
        assertThat(expected).isNotEmpty();
        assertThat(trees.tree(root)).isEqualTo(expected);
    }

    /** Event i of a changelog over 300 keys: every 7th event a delete, the rest upserts. */
    static Row changeEvent(long i) {
        String key = String.format("k-%03d", i % 300);
        return i % 7 == 3
                ? Row.ofKind(RowKind.DELETE, key, null)
                : Row.ofKind(RowKind.INSERT, key, "v" + i);
    }

    /**
     * Large rows trip the byte bound long before the row bound: 200 KB rows at 20 rows/s would fill
     * the default 1000-row buffer only after 200 MB and 50 s; with the 4 MiB default byte bound
     * they are written about every 20 rows.
     */
    @Test
    void largeRowsAreFlushedByTheByteBoundNotTheRowCount() throws Exception {
        String root = newRoot("max-bytes");
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE big_gen (id BIGINT, v STRING) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '100000', 'fields.v.length' = '200000',"
                        + " 'rows-per-second' = '20')");
        tEnv.executeSql(
                "CREATE TABLE big (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'sink.buffer-flush.interval' = '0'")
                        + ")");
        TableResult job =
                tEnv.executeSql(
                        "INSERT INTO big SELECT CAST(id AS STRING), v FROM big_gen"
                                + ON_CONFLICT_DEDUPLICATE);
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            int written = 0;
            while (written == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                written = trees.exists(root) ? trees.stat(root).getNumChildren() : 0;
            }
            assertThat(written).as("rows written by the byte bound").isBetween(1, 999);
        } finally {
            job.getJobClient().get().cancel().get();
        }
    }

    /**
     * With 'exactly-once' nothing reaches ZooKeeper until a checkpoint completes; then the rows of
     * that checkpoint do.
     */
    @Test
    void exactlyOnceWritesOnlyCompletedCheckpoints(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String root = newRoot("exactly-once");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        GeneratorFunction<Long, Row> rows = i -> Row.of("k-" + i, "v" + i);
        tEnv.createTemporaryView(
                "eo_rows",
                tEnv.fromDataStream(
                        env.fromSource(
                                        new DataGeneratorSource<>(
                                                rows,
                                                100_000,
                                                RateLimiterStrategy.perSecond(200),
                                                KV),
                                        WatermarkStrategy.noWatermarks(),
                                        "rows")
                                .setParallelism(1)));
        tEnv.executeSql(
                "CREATE TABLE eo (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'sink.buffer-flush.max-rows' = '10'",
                                "'sink.delivery-guarantee' = 'exactly-once'")
                        + ")");
        TableResult job =
                tEnv.executeSql(
                        "INSERT INTO eo SELECT k, v FROM eo_rows" + ON_CONFLICT_DEDUPLICATE);
        try {
            JobID id = job.getJobClient().get().getJobID();
            waitUntilRunning(job);
            Thread.sleep(2_000); // hundreds of rows, far past max-rows and the flush interval
            assertThat(trees.exists(root) ? trees.tree(root) : Map.of())
                    .as("visible before any checkpoint")
                    .isEmpty();
            boolean checkpointed = false;
            for (int attempt = 0; attempt < 300 && !checkpointed; attempt++) {
                try {
                    cluster.triggerCheckpoint(id, CheckpointType.DEFAULT).get();
                    checkpointed = true;
                } catch (ExecutionException e) {
                    Thread.sleep(200); // tasks still deploying
                }
            }
            assertThat(checkpointed).isTrue();
            long deadline = System.currentTimeMillis() + 30_000;
            int visible = 0;
            while (visible < 200 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                visible = trees.exists(root) ? trees.tree(root).size() : 0;
            }
            assertThat(visible).as("visible after the checkpoint completed").isGreaterThan(200);
            Map<String, String> tree = trees.tree(root);
            for (Map.Entry<String, String> e : tree.entrySet()) {
                assertThat("v" + e.getKey().substring(2)).isEqualTo(e.getValue());
            }
        } finally {
            job.getJobClient().get().cancel().get();
        }
    }
}
