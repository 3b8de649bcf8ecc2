package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pipelined sink writes ({@code 'sink.max-in-flight' = '8'}, ten keys per flush, so several
 * transactions are in flight together) through SQL, with and without faults. The changelog deletes
 * whole subtrees and re-creates their children right after, in consecutive transactions, and keys
 * repeat; the final tree must be the one that applying the changelog one row at a time gives.
 */
class ZooKeeperSinkPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final TypeInformation<Row> KV =
            Types.ROW_NAMED(new String[] {"k", "v"}, Types.STRING, Types.STRING);
    private static final int GROUPS = 20;

    /** Events the generator has produced in this JVM, to inject faults mid-stream. */
    private static final AtomicLong GENERATED = new AtomicLong();

    /**
     * Event i over 20 groups of 10 children (relative paths): every 50 events a group's subtree is
     * deleted and two of its children are written right after; every 13th event writes a group node
     * itself; the rest write children. Keys repeat about every 200 events.
     */
    static Row event(long i) {
        GENERATED.incrementAndGet();
        long phase = i % 50;
        String deleted = group((i / 50) % GROUPS);
        if (phase == 7) {
            return Row.ofKind(RowKind.DELETE, deleted, null);
        }
        if (phase == 8 || phase == 9) {
            return Row.ofKind(RowKind.INSERT, deleted + "/c-" + ((i + phase) % 10), "v" + i);
        }
        if (i % 13 == 0) {
            return Row.ofKind(RowKind.INSERT, group(i % GROUPS), "g" + i);
        }
        long child = (i * 7) % (GROUPS * 10); // all 200 children, each again 200 events later
        return Row.ofKind(RowKind.INSERT, group(child / 10) + "/c-" + (child % 10), "v" + i);
    }

    private static String group(long g) {
        return String.format("g-%02d", g);
    }

    /** The tree after applying events 0..n-1 one at a time: parents created on the way are "". */
    static Map<String, String> expectedTree(long n) {
        TreeMap<String, String> tree = new TreeMap<>();
        for (long i = 0; i < n; i++) {
            Row r = event(i);
            String key = (String) r.getField(0);
            if (r.getKind() == RowKind.DELETE) {
                tree.remove(key);
                tree.subMap(key + "/", key + "0").clear();
            } else {
                tree.put(key, (String) r.getField(1));
                for (int slash = key.lastIndexOf('/');
                        slash > 0;
                        slash = key.lastIndexOf('/', slash - 1)) {
                    tree.putIfAbsent(key.substring(0, slash), "");
                }
            }
        }
        return tree;
    }

    private static TableResult startWriting(
            String hosts, String root, long events, long perSecond, String... options) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1); // one sink subtask: the order across keys is the changelog's
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        GeneratorFunction<Long, Row> generator = ZooKeeperSinkPipelineITCase::event;
        DataStream<Row> changes =
                env.fromSource(
                        new DataGeneratorSource<>(
                                generator, events, RateLimiterStrategy.perSecond(perSecond), KV),
                        WatermarkStrategy.noWatermarks(),
                        "changes");
        Schema schema =
                Schema.newBuilder()
                        .column("k", DataTypes.STRING().notNull())
                        .column("v", DataTypes.STRING())
                        .primaryKey("k")
                        .build();
        tEnv.createTemporaryView(
                "changes", tEnv.fromChangelogStream(changes, schema, ChangelogMode.all()));
        StringBuilder with =
                new StringBuilder("'connector' = 'zookeeper', 'hosts' = '")
                        .append(hosts)
                        .append("', 'path' = '")
                        .append(root)
                        .append("', 'key.mode' = 'relative-path'")
                        .append(
                                ", 'sink.max-in-flight' = '8', 'sink.buffer-flush.max-rows' = '10'");
        for (String o : options) {
            with.append(", ").append(o);
        }
        tEnv.executeSql(
                "CREATE TABLE zk (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with
                        + ")");
        return tEnv.executeSql("INSERT INTO zk SELECT k, v FROM changes");
    }

    private static void waitForGenerated(long base, long atLeast) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (GENERATED.get() - base < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void pipelinedWritesEndWithTheLastValuePerKey() throws Exception {
        int events = 3_000;
        try (TestingServer server = new TestingServer(true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            startWriting(server.getConnectString(), "/pipe/plain", events, 1_000_000).await();
            assertThat(trees.tree("/pipe/plain")).isEqualTo(expectedTree(events));
        }
    }

    @Test
    void pipelinedWritesSurviveClosedSockets() throws Exception {
        int events = 5_000;
        try (TestingServer server = new TestingServer(true);
                TcpProxy proxy = new TcpProxy(server.getPort());
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            long base = GENERATED.get();
            TableResult job = startWriting(proxy.connectString(), "/pipe/sockets", events, 5_000);
            for (int round = 1; round <= 3; round++) {
                waitForGenerated(base, round * 1_000L);
                proxy.dropConnections();
            }
            job.await();
            assertThat(GENERATED.get() - base).isGreaterThanOrEqualTo(events);
            assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(4);
            assertThat(trees.tree("/pipe/sockets")).isEqualTo(expectedTree(events));
        }
    }

    @Test
    void pipelinedWritesSurviveAServerSideSessionExpiry() throws Exception {
        int events = 5_000;
        try (TestingServer server = new TestingServer(ServerStats.withFourLetterWords(-1), true);
                ZooKeeperTrees trees = new ZooKeeperTrees(server.getConnectString())) {
            Set<String> before = ServerStats.sessions(server.getPort());
            long base = GENERATED.get();
            TableResult job =
                    startWriting(server.getConnectString(), "/pipe/expiry", events, 5_000);
            waitForGenerated(base, 1_500);
            Set<String> sinkSessions = ServerStats.sessions(server.getPort());
            sinkSessions.removeAll(before);
            assertThat(sinkSessions).as("the sink's session").hasSize(1);
            String session = sinkSessions.iterator().next();
            assertThat(
                            SessionHijack.expire(
                                    server.getConnectString(),
                                    SessionHijack.parseSessionId(session),
                                    10_000))
                    .as("the sink's session was alive when it was expired")
                    .isTrue();
            job.await();
            assertThat(ServerStats.sessions(server.getPort())).doesNotContain(session);
            assertThat(trees.tree("/pipe/expiry")).isEqualTo(expectedTree(events));
        }
    }
}
