package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.table.lookup.SharedLookupCachesProbe;
import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lookup failures against a real server, and the one shared cache per TaskManager. */
class ZooKeeperLookupErrorsITCase extends ZooKeeperTableTestBase {
    private static final String PASSWORD = "l00kup-Secret";

    private static StreamTableEnvironment env(int parallelism, String cfgOptions, String... keys) {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        Row[] probes = new Row[keys.length];
        for (int i = 0; i < keys.length; i++) {
            probes[i] = Row.of(i, keys[i]);
        }
        DataStream<Row> rows =
                env.fromData(
                        Types.ROW_NAMED(new String[] {"id", "k"}, Types.INT, Types.STRING), probes);
        tEnv.createTemporaryView(
                "probes",
                tEnv.fromDataStream(
                        rows,
                        Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        tEnv.executeSql(
                "CREATE TABLE cfg (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + cfgOptions
                        + ")");
        return tEnv;
    }

    private static final String JOIN =
            "SELECT p.id, c.v FROM probes AS p LEFT JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                    + " ON p.k = c.k";

    @Test
    void noAuthNamesThePathAndTheCredentialOptionsNeverThePassword() throws Exception {
        String root = newRoot("lookup-acl");
        String digest = DigestAuthenticationProvider.generateDigest("app:" + PASSWORD);
        try (CuratorFramework app =
                CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new RetryOneTime(100))
                        .authorization(
                                "digest", ("app:" + PASSWORD).getBytes(StandardCharsets.UTF_8))
                        .build()) {
            app.start();
            app.blockUntilConnected();
            app.create().creatingParentsIfNeeded().forPath(root, new byte[0]);
            app.create()
                    .withACL(
                            Collections.singletonList(
                                    new ACL(ZooDefs.Perms.ALL, new Id("digest", digest))))
                    .forPath(root + "/hidden", "h".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> collect(env(1, with(root), "hidden").executeSql(JOIN)))
                .hasStackTraceContaining("Lookup of znode '" + root + "/hidden'")
                .hasStackTraceContaining("NoAuth")
                .hasStackTraceContaining("'auth.digest.user'");
        Throwable wrong =
                catchFailure(
                        env(
                                        1,
                                        with(
                                                root,
                                                "'auth.digest.user' = 'other'",
                                                "'auth.digest.password' = '" + PASSWORD + "'"),
                                        "hidden")
                                .executeSql(JOIN));
        assertThat(stack(wrong)).contains("'other'").doesNotContain(PASSWORD);
        assertThat(
                        collectStrings(
                                env(
                                                1,
                                                with(
                                                        root,
                                                        "'auth.digest.user' = 'app'",
                                                        "'auth.digest.password' = '"
                                                                + PASSWORD
                                                                + "'"),
                                                "hidden")
                                        .executeSql(JOIN)))
                .containsExactly("+I[0, h]");
    }

    @Test
    void connectionLossIsRetriedUpToLookupMaxRetriesThenFailsWithTheHostsAndTheCount()
            throws Exception {
        String root = newRoot("lookup-loss");
        trees.put(root + "/a", "1");
        try (TcpProxy proxy = new TcpProxy(server.getPort())) {
            String options =
                    "'connector' = 'zookeeper', 'hosts' = '"
                            + proxy.connectString()
                            + "', 'path' = '"
                            + root
                            + "', 'lookup.max-retries' = '2', 'connection.timeout' = '2s',"
                            + " 'session.timeout' = '4s', 'connection.retry.max-sleep' = '200ms'";
            StreamTableEnvironment tEnv = env(1, options, "unused");
            // Probes are nodes created in a live table on the server itself (not the proxy).
            String events = newRoot("lookup-loss-events");
            trees.put(events, "");
            TableResult result = joinLiveProbes(tEnv, with(events));
            Throwable failure;
            try (CloseableIterator<Row> it = result.collect()) {
                trees.put(events + "/e1", "a");
                assertThat(it.next().toString()).isEqualTo("+I[e1, 1]");
                // Reads through the proxy now hang until the client drops the connection.
                proxy.freeze();
                trees.put(events + "/e2", "a");
                failure = catchFailure(it);
            }
            assertThat(stack(failure))
                    .contains("Giving up the lookup of znode '" + root + "/a'")
                    .contains(proxy.connectString())
                    .contains("after 2 retries ('lookup.max-retries')");
        }
    }

    @Test
    void undecodableDataFailsNamingThePathUnlessTheFormatSkipsIt() throws Exception {
        String root = newRoot("lookup-bad-json");
        trees.put(root + "/good", "{\"v\":\"ok\"}");
        trees.put(root + "/bad", "not json");
        for (String cache : new String[] {"NONE", "FULL"}) {
            String options = with(root, "'format' = 'json'", "'lookup.cache' = '" + cache + "'");
            assertThatThrownBy(() -> collect(env(1, options, "good", "bad").executeSql(JOIN)))
                    .as(cache)
                    .hasStackTraceContaining("Cannot decode the data of znode '" + root + "/bad'");
            assertThat(
                            collectStrings(
                                    env(
                                                    1,
                                                    options
                                                            + ", 'json.ignore-parse-errors' = 'true'",
                                                    "good",
                                                    "bad")
                                            .executeSql(JOIN)))
                    .as(cache)
                    .containsExactlyInAnyOrder("+I[0, ok]", "+I[1, null]");
        }
    }

    @Test
    void aFullLoadOverTheResponseLimitNamesTheNodeAndJuteMaxBuffer() throws Exception {
        String root = newRoot("lookup-large");
        trees.put(root + "/large", new String(new char[200_000]).replace('\0', 'x'));
        String options =
                with(
                        root,
                        "'lookup.cache' = 'FULL'",
                        "'properties.jute.maxbuffer' = '8192'",
                        "'connection.max-retries' = '1'");
        assertThatThrownBy(() -> collect(env(1, options, "large").executeSql(JOIN)))
                .hasStackTraceContaining("getData('" + root + "/large') cannot be read")
                .hasStackTraceContaining("'properties.jute.maxbuffer'");
    }

    @Test
    void oneFullCacheSessionAndWatchPerTaskManagerWhateverTheLookupParallelism() throws Exception {
        String root = newRoot("lookup-shared");
        for (int i = 0; i < 50; i++) {
            trees.put(root + "/k" + i, "v" + i);
        }
        String events = newRoot("lookup-shared-events");
        trees.put(events, "");
        int watchesBefore = ServerStats.totalWatches(server.getPort());
        int sessionsBefore = ServerStats.sessions(server.getPort()).size();
        StreamTableEnvironment tEnv = env(4, with(root, "'lookup.cache' = 'FULL'"), "unused");
        // An unbounded probe stream (a live table), so the job is still running when checked.
        TableResult result = joinLiveProbes(tEnv, with(events));
        try (CloseableIterator<Row> it = result.collect()) {
            List<String> joined = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                trees.put(String.format("%s/e%02d", events, i), "k" + i);
            }
            while (joined.size() < 60) {
                joined.add(it.next().toString());
            }
            assertThat(joined).contains("+I[e07, v7]", "+I[e49, v49]", "+I[e55, null]");
            // Four lookup subtasks (and the four probe readers, on the same reader session).
            assertThat(SharedLookupCachesProbe.openCaches())
                    .as("FULL caches in this TaskManager")
                    .isEqualTo(1);
            assertThat(ServerStats.totalWatches(server.getPort()) - watchesBefore)
                    .as("watches: one for the probe table, one for the lookup cache")
                    .isEqualTo(2);
            assertThat(ServerStats.sessions(server.getPort()).size() - sessionsBefore)
                    .as("sessions of 4 lookup subtasks and 4 probe readers")
                    .isEqualTo(1);
        } finally {
            result.getJobClient().get().cancel().get();
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (SharedLookupCachesProbe.openCaches() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(SharedLookupCachesProbe.openCaches()).as("closed with the job").isZero();
    }

    /**
     * A PARTIAL cache's loads read on the session its watch is on, even with one session per
     * subtask: on another session a load could read an older server state after the event.
     */
    @Test
    void partialCacheLoadsReadOnTheSessionOfItsWatch() throws Exception {
        String root = newRoot("lookup-partial-session");
        for (int i = 0; i < 20; i++) {
            trees.put(root + "/k" + i, "v" + i);
        }
        String events = newRoot("lookup-partial-session-events");
        trees.put(events, "");
        int sessionsBefore = ServerStats.sessions(server.getPort()).size();
        StreamTableEnvironment tEnv =
                env(
                        2,
                        with(
                                root,
                                "'lookup.cache' = 'PARTIAL'",
                                "'lookup.partial-cache.max-rows' = '100'",
                                "'connection.shared-session' = 'false'"),
                        "unused");
        // An unbounded probe stream (a live table), so the job is still running when counted.
        TableResult result = joinLiveProbes(tEnv, with(events, "'scan.parallelism' = '1'"));
        try (CloseableIterator<Row> it = result.collect()) {
            List<String> joined = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                trees.put(String.format("%s/e%02d", events, i), "k" + (i % 20));
            }
            while (joined.size() < 40) {
                joined.add(it.next().toString());
            }
            assertThat(joined).contains("+I[e07, v7]", "+I[e27, v7]");
            // The probe table's session, and the cache's: none per lookup subtask.
            assertThat(ServerStats.sessions(server.getPort()).size() - sessionsBefore)
                    .as("sessions of a probe table and 2 lookup subtasks with one PARTIAL cache")
                    .isEqualTo(2);
        } finally {
            result.getJobClient().get().cancel().get();
        }
    }

    /**
     * Joins {@code cfg} from an unbounded probe stream: the rows of a live table (key {@code id},
     * value {@code k}) whose nodes the test creates, so the job runs until it is cancelled.
     */
    private static TableResult joinLiveProbes(StreamTableEnvironment tEnv, String probeOptions) {
        tEnv.executeSql(
                "CREATE TABLE ev (id STRING, k STRING, proc AS PROCTIME(),"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + probeOptions
                        + ")");
        return tEnv.executeSql(
                "SELECT e.id, c.v FROM ev AS e LEFT JOIN cfg FOR SYSTEM_TIME AS OF e.proc AS c"
                        + " ON e.k = c.k");
    }

    private static Throwable catchFailure(TableResult result) {
        try (CloseableIterator<Row> it = result.collect()) {
            return catchFailure(it);
        } catch (Exception e) {
            return e;
        }
    }

    private static Throwable catchFailure(CloseableIterator<Row> it) {
        try {
            while (it.hasNext()) {
                it.next();
            }
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the job did not fail");
    }

    private static String stack(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}
