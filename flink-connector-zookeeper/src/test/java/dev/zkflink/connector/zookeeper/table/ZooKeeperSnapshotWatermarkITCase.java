package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code WATERMARK} on a snapshot table produces watermarks while the snapshot is read, not only
 * at the end of input. {@code 'scan.watermark.emit.strategy' = 'on-event'} makes the source emit a
 * watermark after every row, so the check does not depend on timing: every row after the first of
 * its split is processed after a watermark, and {@code CURRENT_WATERMARK} shows it.
 */
class ZooKeeperSnapshotWatermarkITCase extends ZooKeeperTableTestBase {
    private static final int ROWS = 200;
    private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final DateTimeFormatter SQL_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private static String createTable(StreamTableEnvironment tEnv, String root, String... extra) {
        List<String> options = new ArrayList<>(List.of("'format' = 'json'"));
        options.add("'scan.startup.mode' = 'snapshot'");
        options.add("'scan.parallelism' = '1'");
        options.addAll(List.of(extra));
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, ts TIMESTAMP(3),"
                        + " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, options.toArray(new String[0]))
                        + ")");
        return "SELECT k, ts, CURRENT_WATERMARK(ts) FROM t";
    }

    /** Row nodes {@code n-<i>} whose {@code ts} is {@code EPOCH + i seconds}. */
    private static void seed(String root) throws Exception {
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            names.add(String.format("n-%05d", i));
            String ts = SQL_TIMESTAMP.format(EPOCH.plusSeconds(i));
            data.add(("{\"ts\":\"" + ts + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        trees.createChildren(root, names, data);
    }

    private static StreamTableEnvironment tableEnv() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return StreamTableEnvironment.create(env);
    }

    @Test
    void rowsSeeWatermarksBeforeTheEndOfTheSnapshot() throws Exception {
        String root = newRoot("snapshot-watermarks");
        seed(root);
        StreamTableEnvironment tEnv = tableEnv();
        String query = createTable(tEnv, root, "'scan.watermark.emit.strategy' = 'on-event'");

        assertThat(tEnv.explainSql(query))
                .as("the WATERMARK is pushed into the snapshot scan")
                .containsPattern("TableSourceScan\\(table=\\[\\[[^\\n]*watermark=\\[");

        Set<LocalDateTime> derivedFromRows = new HashSet<>();
        for (int i = 0; i < ROWS; i++) {
            derivedFromRows.add(EPOCH.plusSeconds(i).minusSeconds(1));
        }
        List<Row> rows = collect(tEnv.executeSql(query));
        assertThat(rows).hasSize(ROWS);
        List<LocalDateTime> watermarks = new ArrayList<>();
        for (Row row : rows) {
            if (row.getField(2) != null) {
                watermarks.add((LocalDateTime) row.getField(2));
            }
        }
        // Only the first row of each split (about 4 per reader) can come before any watermark.
        assertThat(watermarks)
                .as("CURRENT_WATERMARK of rows read before the end of the snapshot")
                .hasSizeGreaterThan(ROWS / 2)
                .allSatisfy(wm -> assertThat(derivedFromRows).contains(wm));
    }
}
