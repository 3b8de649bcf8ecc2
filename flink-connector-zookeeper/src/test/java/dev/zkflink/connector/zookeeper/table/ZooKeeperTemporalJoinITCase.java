package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.source.changelog.BucketSplit;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live table with a PRIMARY KEY and a WATERMARK on {@code mtime} is a versioned table: orders
 * join the config value that was valid at their event time, and a deleted config node matches
 * nothing after its deletion.
 *
 * <p>Nothing here depends on timing. There is no idle timeout: at parallelism 1 each table has 4
 * buckets, and each bucket holds rows (4 shops on the orders side, a clock row per bucket on the
 * config side), so each side's watermark is exactly the oldest of its buckets' newest times, and
 * moves only when the test writes. Orders arrive in rounds, one per shop at one event time, in one
 * transaction; the config side moves when the config changes or the test touches all clocks in one
 * transaction. An order is always written before the watermarks pass its time, so none is late.
 */
class ZooKeeperTemporalJoinITCase extends ZooKeeperTableTestBase {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int BUCKETS_AT_PARALLELISM_1 = 4;
    private static final String SERVICE = "checkout";

    private boolean leftJoin;
    private String cfgRoot;
    private String ordersRoot;
    private List<String> clocks;
    private List<String> shops;
    private final Map<String, List<Object>> expected = new TreeMap<>();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JOIN", "LEFT JOIN"})
    void ordersJoinTheVersionValidAtTheirEventTime(String join) throws Exception {
        leftJoin = join.startsWith("LEFT");
        cfgRoot = newRoot("temporal-cfg");
        ordersRoot = newRoot("temporal-orders");
        clocks = onePerBucket("clock");
        shops = onePerBucket("shop");
        trees.put(cfgRoot, "");
        List<Op> setup = new ArrayList<>();
        for (String clock : clocks) {
            setup.add(create(cfgRoot + "/" + clock, "tick"));
        }
        setup.add(create(cfgRoot + "/" + SERVICE, "A"));
        trees.put(ordersRoot, "");
        for (String shop : shops) {
            trees.put(ordersRoot + "/" + shop, "");
        }
        trees.zk().multi(setup);
        String serviceNode = cfgRoot + "/" + SERVICE;
        long timeA = trees.stat(serviceNode).getMtime();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql(
                "CREATE TABLE cfg ("
                        + " service STRING,"
                        + " v STRING,"
                        + " mtime TIMESTAMP_LTZ(3) METADATA VIRTUAL,"
                        + " WATERMARK FOR mtime AS mtime,"
                        + " PRIMARY KEY (service) NOT ENFORCED"
                        + ") WITH ("
                        + with(cfgRoot)
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE orders ("
                        + " shop STRING,"
                        + " id STRING,"
                        + " service STRING,"
                        + " ts BIGINT,"
                        + " order_time AS TO_TIMESTAMP_LTZ(ts, 3),"
                        + " WATERMARK FOR order_time AS order_time,"
                        + " PRIMARY KEY (shop, id) NOT ENFORCED"
                        + ") WITH ("
                        + with(ordersRoot, "'format' = 'json'")
                        + ")");
        try (MaterializedChangelog joined =
                MaterializedChangelog.of(
                        tEnv.executeSql(
                                "SELECT o.shop, o.id, c.v FROM orders AS o "
                                        + join
                                        + " cfg FOR SYSTEM_TIME AS OF o.order_time AS c"
                                        + " ON o.service = c.service"),
                        2)) {
            // At A's own time: A. Both watermarks are at timeA once the round is read.
            orders("o1", SERVICE, timeA, "A");
            joined.awaitEquals(() -> expected, TIMEOUT);

            awaitClockPast(timeA + 1);
            trees.put(serviceNode, "B");
            long timeB = trees.stat(serviceNode).getMtime();
            assertThat(timeB).isGreaterThan(timeA + 1);

            // Written after the change, but timed between A and B: A. The config watermark stays
            // at timeA (the clocks' buckets) until the clocks are touched.
            orders("o2", SERVICE, timeB - 1, "A");
            long clockTime = touchClocks();
            assertThat(clockTime).isGreaterThanOrEqualTo(timeB);
            joined.awaitEquals(() -> expected, TIMEOUT);

            // At B's time: B.
            orders("o3", SERVICE, timeB, "B");
            joined.awaitEquals(() -> expected, TIMEOUT);

            // Timed between B and the delete, and after the config watermark (clockTime), so it
            // is decided only once the clocks move again, after the delete has reached the join:
            // no match. Flink's ChangelogNormalize completes the key-only delete with the last row
            // it holds, so the delete carries B's mtime, and the join keeps one version per time:
            // the delete takes B's place. (Orders at that time decided before the delete arrived
            // would have joined B, as o3 did.)
            long betweenBAndDelete = clockTime + 1;
            awaitClockPast(betweenBAndDelete + 1);
            trees.client().delete().forPath(serviceNode);
            orders("o4", SERVICE, betweenBAndDelete, null);
            long afterDelete = touchClocks();
            joined.awaitEquals(() -> expected, TIMEOUT);

            // After the delete: no match, NULL in a left join. In the same round one shop orders
            // from a clock, which matches: once that is out, the whole round has been decided.
            List<Op> round = new ArrayList<>();
            for (String shop : shops) {
                boolean marker = shop.equals(shops.get(0));
                String service = marker ? clocks.get(0) : SERVICE;
                round.add(orderOp(shop, "o5", service, afterDelete));
                expect(shop, "o5", marker ? "tick" : null);
            }
            trees.zk().multi(round);
            joined.awaitEquals(() -> expected, TIMEOUT);
        }
    }

    /** Names {@code prefix0, prefix1, ...}, one per bucket at parallelism 1. */
    private static List<String> onePerBucket(String prefix) {
        String[] names = new String[BUCKETS_AT_PARALLELISM_1];
        int found = 0;
        for (int i = 0; found < names.length; i++) {
            String name = prefix + i;
            int bucket = BucketSplit.bucketOf(name, BUCKETS_AT_PARALLELISM_1);
            if (names[bucket] == null) {
                names[bucket] = name;
                found++;
            }
        }
        return List.of(names);
    }

    /** One order per shop, all at {@code time}, in one transaction; each expected to join v. */
    private void orders(String id, String service, long time, String v) throws Exception {
        List<Op> round = new ArrayList<>();
        for (String shop : shops) {
            round.add(orderOp(shop, id, service, time));
        }
        trees.zk().multi(round);
        for (String shop : shops) {
            expect(shop, id, v);
        }
    }

    /** Records the joined row, or none when an inner join finds no version. */
    private void expect(String shop, String id, String v) {
        if (v != null || leftJoin) {
            expected.put(shop + "/" + id, Collections.singletonList(v));
        }
    }

    private Op orderOp(String shop, String id, String service, long time) {
        String json = "{\"service\": \"" + service + "\", \"ts\": " + time + "}";
        return create(ordersRoot + "/" + shop + "/" + id, json);
    }

    /** Sets every clock in one transaction, so all config buckets move to its time. */
    private long touchClocks() throws Exception {
        List<Op> touch = new ArrayList<>();
        for (String clock : clocks) {
            touch.add(Op.setData(cfgRoot + "/" + clock, bytes("tick"), -1));
        }
        trees.zk().multi(touch);
        return trees.stat(cfgRoot + "/" + clocks.get(0)).getMtime();
    }

    private static Op create(String path, String data) {
        return Op.create(path, bytes(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The test server runs in this JVM, on this clock: waits until it shows a later time. */
    private static void awaitClockPast(long millis) throws InterruptedException {
        while (System.currentTimeMillis() <= millis) {
            Thread.sleep(1);
        }
    }
}
