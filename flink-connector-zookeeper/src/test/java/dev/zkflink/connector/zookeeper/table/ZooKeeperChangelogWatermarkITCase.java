package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.source.changelog.BucketSplit;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mtime} drives watermarks, and a reader whose buckets see no changes does not hold them
 * back once the table's idle timeout marks it idle. Without the timeout the same job's watermark
 * never moves, which shows the timeout is what moves it.
 */
class ZooKeeperChangelogWatermarkITCase extends ZooKeeperTableTestBase {

    /** Records the highest watermark seen after the shuffle, where both readers' merge. */
    public static final class WatermarkProbe extends KeyedProcessFunction<Integer, Row, Row> {
        static final AtomicLong MAX = new AtomicLong(Long.MIN_VALUE);

        @Override
        public void processElement(Row row, Context ctx, Collector<Row> out) {
            MAX.accumulateAndGet(ctx.timerService().currentWatermark(), Math::max);
        }
    }

    /** A top-level name whose bucket belongs to reader 0 of 2 (8 buckets, bucket mod 2). */
    private static String nameOnReaderZero() {
        for (int i = 0; ; i++) {
            String name = "busy" + i;
            if (BucketSplit.bucketOf(name, 8) % 2 == 0) {
                return name;
            }
        }
    }

    private long maxWatermarkWhileWriting(String root, String idleTimeout) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        if (idleTimeout != null) {
            tEnv.getConfig().set("table.exec.source.idle-timeout", idleTimeout);
        }
        tEnv.executeSql(
                "CREATE TABLE t (g STRING, n STRING, v STRING,"
                        + " mtime TIMESTAMP_LTZ(3) METADATA VIRTUAL,"
                        + " WATERMARK FOR mtime AS mtime - INTERVAL '1' SECOND,"
                        + " PRIMARY KEY (g, n) NOT ENFORCED) WITH ("
                        + with(root, "'scan.parallelism' = '2'")
                        + ")");
        WatermarkProbe.MAX.set(Long.MIN_VALUE);
        tEnv.toChangelogStream(tEnv.sqlQuery("SELECT * FROM t"))
                .keyBy(r -> 0)
                .process(new WatermarkProbe())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("watermarks");
        try {
            String busy = nameOnReaderZero();
            for (int i = 0; i < 40; i++) {
                trees.put(root + "/" + busy + "/n" + (i % 4), "v" + i);
                Thread.sleep(100);
            }
            return WatermarkProbe.MAX.get();
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void idleTimeoutLetsMtimeWatermarksAdvancePastAQuietReader() throws Exception {
        long start = System.currentTimeMillis();
        long withIdleness = maxWatermarkWhileWriting(newRoot("watermarks-idle"), "500 ms");
        assertThat(withIdleness)
                .as("watermark from mtime - 1 s, with the quiet reader idle")
                .isGreaterThan(start - 2_000);

        long without = maxWatermarkWhileWriting(newRoot("watermarks-stalled"), null);
        assertThat(without).as("watermark held back by the quiet reader").isEqualTo(Long.MIN_VALUE);
    }
}
