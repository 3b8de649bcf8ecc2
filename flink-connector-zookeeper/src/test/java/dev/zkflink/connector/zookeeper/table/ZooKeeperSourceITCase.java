package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounded snapshot reads through SQL against a real ZooKeeper server and a real MiniCluster. */
class ZooKeeperSourceITCase extends ZooKeeperTableTestBase {

    @Test
    void rawFlatTree() throws Exception {
        String root = newRoot("raw");
        trees.put(root + "/checkout", "on");
        trees.put(root + "/search", "off");
        trees.put(root + "/beta", "");
        trees.put(root + "/checkout/ignored-deeper-node", "x");

        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE flags (flag STRING, v STRING, PRIMARY KEY (flag) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT flag, v FROM flags")))
                .containsExactlyInAnyOrder("+I[checkout, on]", "+I[search, off]", "+I[beta, null]");
    }

    @Test
    void jsonCompositeKeyWithEmptyIntermediateNodes() throws Exception {
        String root = newRoot("svc");
        trees.put(root + "/billing", ""); // empty intermediate nodes are not rows
        trees.put(root + "/billing/i-1", "{\"host\":\"10.0.0.1\",\"port\":8080,\"weight\":0.5}");
        trees.put(root + "/billing/i-2", "{\"host\":\"10.0.0.2\",\"port\":8081}");
        trees.put(root + "/search/i-9", "{\"host\":\"10.0.0.9\",\"port\":9000,\"weight\":1.0}");

        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE instances ("
                        + " service STRING, instance STRING, host STRING, port INT, weight DOUBLE,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'format' = 'json'", "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM instances")))
                .containsExactlyInAnyOrder(
                        "+I[billing, i-1, 10.0.0.1, 8080, 0.5]",
                        "+I[billing, i-2, 10.0.0.2, 8081, null]",
                        "+I[search, i-9, 10.0.0.9, 9000, 1.0]");
    }

    @Test
    void everyMetadataKeyMatchesStat() throws Exception {
        String root = newRoot("meta");
        trees.put(root + "/a", "hello");
        trees.put(root + "/a", "hello2"); // version 1
        trees.put(root + "/a/child", "c"); // cversion, pzxid, num-children
        trees.client()
                .create()
                .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                .forPath(root + "/eph", "e".getBytes(StandardCharsets.UTF_8));

        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE m (k STRING, v STRING,"
                        + " `path` STRING METADATA VIRTUAL,"
                        + " `version` INT METADATA VIRTUAL,"
                        + " `cversion` INT METADATA VIRTUAL,"
                        + " `aversion` INT METADATA VIRTUAL,"
                        + " `ctime` TIMESTAMP_LTZ(3) METADATA VIRTUAL,"
                        + " `mtime` TIMESTAMP_LTZ(3) METADATA VIRTUAL,"
                        + " `czxid` BIGINT METADATA VIRTUAL,"
                        + " `mzxid` BIGINT METADATA VIRTUAL,"
                        + " `pzxid` BIGINT METADATA VIRTUAL,"
                        + " owner BIGINT METADATA FROM 'ephemeral-owner' VIRTUAL,"
                        + " len INT METADATA FROM 'data-length' VIRTUAL,"
                        + " kids INT METADATA FROM 'num-children' VIRTUAL,"
                        + " PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'")
                        + ")");
        List<Row> rows = collect(tEnv.executeSql("SELECT * FROM m"));
        assertThat(rows).hasSize(2);
        for (Row row : rows) {
            String k = (String) row.getField(0);
            Stat stat = trees.stat(root + "/" + k);
            assertThat(row.getField(1)).isEqualTo(trees.get(root + "/" + k));
            assertThat(row.getField(2)).isEqualTo(root + "/" + k);
            assertThat(row.getField(3)).isEqualTo(stat.getVersion());
            assertThat(row.getField(4)).isEqualTo(stat.getCversion());
            assertThat(row.getField(5)).isEqualTo(stat.getAversion());
            assertThat(row.getField(6)).isEqualTo(Instant.ofEpochMilli(stat.getCtime()));
            assertThat(row.getField(7)).isEqualTo(Instant.ofEpochMilli(stat.getMtime()));
            assertThat(row.getField(8)).isEqualTo(stat.getCzxid());
            assertThat(row.getField(9)).isEqualTo(stat.getMzxid());
            assertThat(row.getField(10)).isEqualTo(stat.getPzxid());
            assertThat(row.getField(11)).isEqualTo(stat.getEphemeralOwner());
            assertThat(row.getField(12)).isEqualTo(stat.getDataLength());
            assertThat(row.getField(13)).isEqualTo(stat.getNumChildren());
        }
        Row a = rows.stream().filter(r -> "a".equals(r.getField(0))).findFirst().get();
        assertThat(a.getField(3)).isEqualTo(1);
        assertThat(a.getField(13)).isEqualTo(1);
        Row eph = rows.stream().filter(r -> "eph".equals(r.getField(0))).findFirst().get();
        assertThat((Long) eph.getField(11)).isNotZero();
    }

    @Test
    void wholeSubtreeMode() throws Exception {
        String root = newRoot("subtree");
        trees.put(root + "/apps/web/config", "w");
        trees.put(root + "/apps/api", "a");
        trees.put(root + "/top", "t");

        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE backup (rel STRING, v STRING, PRIMARY KEY (rel) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'key.mode' = 'relative-path'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT rel, v FROM backup")))
                .containsExactlyInAnyOrder(
                        "+I[apps, null]",
                        "+I[apps/web, null]",
                        "+I[apps/web/config, w]",
                        "+I[apps/api, a]",
                        "+I[top, t]");
    }

    @Test
    void parallelScanReadsEveryNodeExactlyOnce() throws Exception {
        String root = newRoot("parallel");
        // 5,000 row nodes under 50 top-level parents: splits spread over 4 readers.
        trees.createGrid(root, 50, 100);
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE big (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'scan.startup.mode' = 'snapshot'",
                                "'scan.parallelism' = '4'",
                                "'scan.read.batch-size' = '37'")
                        + ")");
        List<Row> rows = collect(tEnv.executeSql("SELECT v FROM big"));
        assertThat(rows).hasSize(5000);
        Set<Integer> values = new HashSet<>();
        for (Row r : rows) {
            values.add(Integer.parseInt((String) r.getField(0)));
        }
        assertThat(values).hasSize(5000);
        assertThat(values).allMatch(v -> v >= 0 && v < 5000);

        // And the work was really spread: the same source through the DataStream API, with the
        // subtask that emitted each node.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .build();
        List<Tuple2<String, Integer>> tagged =
                env.fromSource(
                                new ZooKeeperSnapshotSource<>(
                                        ZNodeTreeLayout.levels(root, 2),
                                        options,
                                        new DataAsString()),
                                WatermarkStrategy.noWatermarks(),
                                "zookeeper")
                        .setParallelism(4)
                        .map(new TagWithSubtask())
                        .setParallelism(4)
                        .executeAndCollect(10_000);
        assertThat(tagged).hasSize(5000);
        assertThat(tagged.stream().map(t -> t.f0).distinct().count()).isEqualTo(5000);
        assertThat(tagged.stream().map(t -> t.f1).distinct().count())
                .as("readers that emitted nodes")
                .isEqualTo(4);
    }

    /** Node data as a string. */
    static final class DataAsString implements ZNodeDeserializer<String> {
        @Override
        public void deserialize(ZNodeRecord node, Collector<String> out) {
            out.collect(new String(node.getData(), StandardCharsets.UTF_8));
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /** Chained to the source: which reader subtask emitted the value. */
    static final class TagWithSubtask extends RichMapFunction<String, Tuple2<String, Integer>> {
        @Override
        public Tuple2<String, Integer> map(String value) {
            return Tuple2.of(value, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }
    }

    @Test
    void batchModeGroupBy() throws Exception {
        String root = newRoot("batch");
        String[][] instances = {
            {"billing", "i-1", "UP"},
            {"billing", "i-2", "DOWN"},
            {"billing", "i-3", "UP"},
            {"search", "i-1", "UP"},
            {"search", "i-2", "UP"}
        };
        for (String[] i : instances) {
            trees.put(root + "/" + i[0] + "/" + i[1], "{\"state\":\"" + i[2] + "\"}");
        }
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE inst (service STRING, instance STRING, state STRING,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'format' = 'json'", "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT service, COUNT(*) AS total,"
                                                + " SUM(CASE WHEN state = 'UP' THEN 1 ELSE 0 END) AS up"
                                                + " FROM inst GROUP BY service")))
                .containsExactlyInAnyOrder("+I[billing, 3, 2]", "+I[search, 2, 2]");
    }

    @Test
    void nodesOfNineHundredKilobytes() throws Exception {
        String root = newRoot("big-nodes");
        byte[] big = new byte[900 * 1024];
        Arrays.fill(big, (byte) 'x');
        // Three 900 KB nodes land in one batched read (2.7 MB response) next to small ones.
        for (int i = 0; i < 3; i++) {
            big[0] = (byte) ('0' + i);
            trees.put(root + "/big-" + i, big.clone());
        }
        trees.put(root + "/small", "s");

        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE b (k STRING, v BYTES, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'")
                        + ")");
        Map<String, byte[]> read = new HashMap<>();
        for (Row r : collect(tEnv.executeSql("SELECT k, v FROM b"))) {
            read.put((String) r.getField(0), (byte[]) r.getField(1));
        }
        assertThat(read).containsOnlyKeys("big-0", "big-1", "big-2", "small");
        for (int i = 0; i < 3; i++) {
            assertThat(read.get("big-" + i)).hasSize(900 * 1024);
            assertThat(read.get("big-" + i)[0]).isEqualTo((byte) ('0' + i));
        }
    }

    @Test
    void wideParentOverOneMebibyteIsRead() throws Exception {
        String root = newRoot("wide");
        // ~25,000 children with 48-character names: the getChildren response is ~1.3 MB.
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 25_000; i++) {
            names.add(String.format("instance-%039d", i));
            data.add(new byte[0]);
        }
        trees.createChildren(root, names, data);

        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE w (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collect(tEnv.executeSql("SELECT COUNT(*) FROM w")).get(0).getField(0))
                .isEqualTo(25_000L);

        // With a small response limit (16 x 20000 bytes) the same parent fails after the retries,
        // naming path and option.
        tEnv.executeSql(
                "CREATE TABLE w_small (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'scan.startup.mode' = 'snapshot'",
                                "'scan.read.batch-size' = '1'",
                                "'properties.jute.maxbuffer' = '20000'",
                                "'connection.retry.base-sleep' = '10ms'")
                        + ")");
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT COUNT(*) FROM w_small")))
                .hasStackTraceContaining("getChildren('" + root + "')")
                .hasStackTraceContaining("'properties.jute.maxbuffer'");
    }

    @Test
    void undecodableDataFailsNamingThePath() throws Exception {
        String root = newRoot("bad-json");
        trees.put(root + "/ok", "{\"n\":1}");
        trees.put(root + "/broken", "{not json");
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE j (k STRING, n INT, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'format' = 'json'", "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM j")))
                .hasStackTraceContaining("Cannot decode the data of znode '" + root + "/broken'")
                .hasStackTraceContaining("format 'json'");

        // The format's own option skips it instead, as documented.
        tEnv.executeSql(
                "CREATE TABLE j2 (k STRING, n INT, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'format' = 'json'",
                                "'json.ignore-parse-errors' = 'true'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM j2"))).contains("+I[ok, 1]");
    }

    @Test
    void serverRestartDuringScanLosesNothing() throws Exception {
        String root = newRoot("scan-restart");
        trees.createGrid(root, 10, 500);
        StreamTableEnvironment tEnv = streamingTableEnv();
        // One read per request and one request at a time: the scan takes seconds.
        tEnv.executeSql(
                "CREATE TABLE slow (p STRING, n STRING, v STRING, PRIMARY KEY (p, n) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'scan.startup.mode' = 'snapshot'",
                                "'scan.parallelism' = '1'",
                                "'scan.read.batch-size' = '1'",
                                "'scan.read.max-in-flight' = '1'")
                        + ")");
        Set<Integer> values = new HashSet<>();
        int rows = 0;
        try (org.apache.flink.util.CloseableIterator<Row> it =
                tEnv.executeSql("SELECT v FROM slow").collect()) {
            while (it.hasNext()) {
                values.add(Integer.parseInt((String) it.next().getField(0)));
                if (++rows == 500) {
                    server.restart(); // the real server goes away mid-scan and comes back
                }
            }
        }
        assertThat(rows).isEqualTo(5_000);
        assertThat(values).hasSize(5_000);
    }

    @Test
    void missingRootIsAnEmptyTable() throws Exception {
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE nothing_here (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(newRoot("missing"), "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collect(tEnv.executeSql("SELECT * FROM nothing_here"))).isEmpty();
    }
}
