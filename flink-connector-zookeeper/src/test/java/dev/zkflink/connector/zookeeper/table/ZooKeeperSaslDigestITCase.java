package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions;
import dev.zkflink.connector.zookeeper.testutils.CapturedLogs;
import dev.zkflink.connector.zookeeper.testutils.FlinkSql;
import dev.zkflink.connector.zookeeper.testutils.SecuredZooKeeperServers;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DIGEST-MD5 over SASL against a server in its own JVM that closes every session that did not
 * authenticate: reads and writes, wrong passwords, two users in one TaskManager, the JAAS line, and
 * the secrets nowhere in logs, errors, plans or metrics.
 */
class ZooKeeperSaslDigestITCase {
    private static final String APP_PASSWORD = "app-Pa55-w0rd";
    private static final String OTHER_PASSWORD = "other-Pa55-w0rd";
    private static final String WRONG_PASSWORD = "wr0ng-Pa55";

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .build());

    @TempDir static Path dir;
    private static ZooKeeperServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        Map<String, String> users = new LinkedHashMap<>();
        users.put("app", APP_PASSWORD);
        users.put("other", OTHER_PASSWORD);
        server = SecuredZooKeeperServers.digest(dir, users);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static ZooKeeperConnectionOptions as(String user, String password) {
        return ZooKeeperConnectionOptions.builder()
                .setHosts(server.connectString())
                .setConnectionTimeout(Duration.ofSeconds(10))
                .setSasl(
                        ZooKeeperSaslOptions.builder()
                                .setMechanism(ZooKeeperSaslOptions.Mechanism.DIGEST_MD5)
                                .setDigestCredentials(user, password)
                                .build())
                .build();
    }

    /** Creates {@code path} (parents open) with data readable and writable only by {@code user}. */
    private static void createOwnedBy(String user, String password, String path, String data)
            throws Exception {
        try (CuratorFramework client = ZooKeeperClientFactory.open(as(user, password))) {
            List<ACL> acl = new ArrayList<>();
            acl.add(new ACL(ZooDefs.Perms.ALL, new Id("sasl", user)));
            client.create()
                    .creatingParentsIfNeeded()
                    .withACL(acl)
                    .forPath(path, data.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static StreamTableEnvironment batchTableEnv() {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        return StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment(conf));
    }

    private static String table(String name, String path, String... options) {
        StringBuilder sb =
                new StringBuilder("CREATE TABLE ")
                        .append(name)
                        .append(" (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH (")
                        .append("'connector' = 'zookeeper', 'hosts' = '")
                        .append(server.connectString())
                        .append("', 'path' = '")
                        .append(path)
                        .append("', 'scan.startup.mode' = 'snapshot'");
        for (String o : options) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    private static String[] digest(String user, String password) {
        return new String[] {
            "'auth.sasl.mechanism' = 'DIGEST-MD5'",
            "'auth.sasl.user' = '" + user + "'",
            "'auth.sasl.password' = '" + password + "'"
        };
    }

    private static String[] plus(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<String> collect(TableResult result) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
            for (Throwable s : t.getSuppressed()) {
                sb.append(s).append('\n');
            }
        }
        return sb.toString();
    }

    /** Every metric's scope, variables, name and gauge value. */
    private static String metricsText() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<MetricGroup, Map<String, Metric>> e :
                METRICS.getMetricsByGroup().entrySet()) {
            sb.append(String.join(".", e.getKey().getScopeComponents()));
            sb.append(e.getKey().getAllVariables()).append('\n');
            for (Map.Entry<String, Metric> m : e.getValue().entrySet()) {
                sb.append(m.getKey()).append('=');
                if (m.getValue() instanceof Gauge) {
                    sb.append(((Gauge<?>) m.getValue()).getValue());
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void readsAndWritesWithTheRightPasswordAndShowsItNowhere() throws Exception {
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "app",
                        "/rw",
                        plus(digest("app", APP_PASSWORD), "'sink.acl' = 'sasl:app:cdrwa'")));
        String explain;
        try (CapturedLogs logs = new CapturedLogs()) {
            tEnv.executeSql(
                            "INSERT INTO app VALUES ('a', '1'), ('b', '2')"
                                    + FlinkSql.ON_CONFLICT_DEDUPLICATE)
                    .await();
            assertThat(collect(tEnv.executeSql("SELECT * FROM app")))
                    .containsExactlyInAnyOrder("+I[a, 1]", "+I[b, 2]");
            explain =
                    tEnv.explainSql("SELECT * FROM app")
                            + tEnv.explainSql(
                                    "INSERT INTO app VALUES ('c', '3')"
                                            + FlinkSql.ON_CONFLICT_DEDUPLICATE);
            assertThat(logs.size()).as("something was captured").isGreaterThan(0);
            assertThat(logs.text()).contains("DIGEST-MD5").doesNotContain(APP_PASSWORD);
        }
        assertThat(explain).contains("app").doesNotContain(APP_PASSWORD);
        assertThat(metricsText()).contains("numRecordsOut").doesNotContain(APP_PASSWORD);

        // The nodes the sink created belong to 'app' alone.
        try (CuratorFramework app = ZooKeeperClientFactory.open(as("app", APP_PASSWORD));
                CuratorFramework other = ZooKeeperClientFactory.open(as("other", OTHER_PASSWORD))) {
            assertThat(app.getACL().forPath("/rw/a"))
                    .containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "app")));
            assertThatThrownBy(() -> other.getData().forPath("/rw/a"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void aWrongPasswordFailsClearlyWithinTheConnectionTimeout() throws Exception {
        createOwnedBy("app", APP_PASSWORD, "/wrong/x", "1");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "wrong",
                        "/wrong",
                        plus(digest("app", WRONG_PASSWORD), "'connection.timeout' = '30 s'")));
        try (CapturedLogs logs = new CapturedLogs()) {
            for (String statement :
                    new String[] {
                        "SELECT * FROM wrong",
                        "INSERT INTO wrong VALUES ('y', '2')" + FlinkSql.ON_CONFLICT_DEDUPLICATE
                    }) {
                long start = System.nanoTime();
                assertThatThrownBy(
                                () -> {
                                    TableResult result = tEnv.executeSql(statement);
                                    if (statement.startsWith("SELECT")) {
                                        collect(result);
                                    } else {
                                        result.await();
                                    }
                                })
                        .satisfies(
                                e ->
                                        assertThat(allMessages(e))
                                                .as(statement)
                                                .contains("SASL DIGEST-MD5")
                                                .contains("user 'app'")
                                                .contains("Not retried")
                                                .doesNotContain(WRONG_PASSWORD));
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("failed long before 'connection.timeout'")
                        .isLessThan(Duration.ofSeconds(20));
            }
            assertThat(logs.text()).doesNotContain(WRONG_PASSWORD);
        }
    }

    /** The live reader treats a missing connection as transient, but refused credentials not. */
    @Test
    void aWrongPasswordFailsALiveReadClearlyToo() throws Exception {
        createOwnedBy("app", APP_PASSWORD, "/wrong-live/x", "1");
        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        tEnv.executeSql(
                table(
                                "wrong_live",
                                "/wrong-live",
                                plus(
                                        digest("app", WRONG_PASSWORD),
                                        "'connection.timeout' = '30 s'"))
                        .replace(
                                "'scan.startup.mode' = 'snapshot'",
                                "'scan.startup.mode' = 'initial'"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM wrong_live")))
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .contains("refused SASL DIGEST-MD5 authentication")
                                        .contains("user 'app'")
                                        .doesNotContain(WRONG_PASSWORD));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("failed long before 'connection.timeout'")
                .isLessThan(Duration.ofSeconds(20));
    }

    /**
     * One job, one TaskManager: a source reading as 'other' and a sink writing as 'app' run at the
     * same time, and a union reads as both. Neither sees the other's nodes.
     */
    @Test
    void twoTablesWithDifferentUsersInOneJob() throws Exception {
        createOwnedBy("app", APP_PASSWORD, "/two/app/x", "app-x");
        createOwnedBy("other", OTHER_PASSWORD, "/two/other/y", "other-y");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "t_app",
                        "/two/app",
                        plus(digest("app", APP_PASSWORD), "'sink.acl' = 'sasl:app:cdrwa'")));
        tEnv.executeSql(table("t_other", "/two/other", digest("other", OTHER_PASSWORD)));
        tEnv.executeSql(table("app_on_other", "/two/other", digest("app", APP_PASSWORD)));

        assertThat(
                        collect(
                                tEnv.executeSql(
                                        "SELECT 'app', k, v FROM t_app UNION ALL"
                                                + " SELECT 'other', k, v FROM t_other")))
                .containsExactlyInAnyOrder("+I[app, x, app-x]", "+I[other, y, other-y]");

        tEnv.executeSql(
                        "INSERT INTO t_app SELECT CONCAT(k, '-copy'), v FROM t_other"
                                + FlinkSql.ON_CONFLICT_DEDUPLICATE)
                .await();
        assertThat(collect(tEnv.executeSql("SELECT * FROM t_app")))
                .containsExactlyInAnyOrder("+I[x, app-x]", "+I[y-copy, other-y]");

        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM app_on_other")))
                .hasStackTraceContaining("NOAUTH");
        try (CuratorFramework other = ZooKeeperClientFactory.open(as("other", OTHER_PASSWORD))) {
            assertThatThrownBy(() -> other.getData().forPath("/two/app/y-copy"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void aJaasLineLogsInToo() throws Exception {
        createOwnedBy("other", OTHER_PASSWORD, "/jaas/z", "zz");
        StreamTableEnvironment tEnv = batchTableEnv();
        String line =
                "org.apache.zookeeper.server.auth.DigestLoginModule required username=\"other\""
                        + " password=\""
                        + OTHER_PASSWORD
                        + "\";";
        tEnv.executeSql(
                table(
                        "jaas",
                        "/jaas",
                        "'auth.sasl.mechanism' = 'DIGEST-MD5'",
                        "'auth.sasl.jaas-config' = '" + line.replace("'", "''") + "'"));
        assertThat(collect(tEnv.executeSql("SELECT * FROM jaas"))).containsExactly("+I[z, zz]");
        assertThat(tEnv.explainSql("SELECT * FROM jaas")).doesNotContain(OTHER_PASSWORD);
    }

    /**
     * What Flink itself prints of a table's options (measured on Flink 2.3, and documented in the
     * Security section): SHOW CREATE TABLE prints every option as written, secrets included; its
     * "Unable to create a source" error, which lists the options, masks keys containing 'password'
     * but not 'auth.sasl.jaas-config'.
     */
    @Test
    void whatFlinkMasksOfTheTableOptions() {
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "shown_pw",
                        "/shown",
                        plus(digest("app", APP_PASSWORD), "'auth.sasl.service-name' = ' '")));
        tEnv.executeSql(
                table(
                        "shown_jaas",
                        "/shown",
                        "'auth.sasl.mechanism' = 'DIGEST-MD5'",
                        "'auth.sasl.service-name' = ' '",
                        "'auth.sasl.jaas-config' = 'x.Y required password=\""
                                + OTHER_PASSWORD
                                + "\";'"));
        assertThat(collectUnchecked(tEnv.executeSql("SHOW CREATE TABLE shown_pw")))
                .contains("'auth.sasl.password' = '" + APP_PASSWORD + "'");
        assertThat(collectUnchecked(tEnv.executeSql("SHOW CREATE TABLE shown_jaas")))
                .contains(OTHER_PASSWORD);

        // The connector's own message (an invalid option) names the option, never a secret;
        // Flink's wrapper around it lists the table's options.
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM shown_pw"))
                .satisfies(
                        e -> {
                            assertThat(rootMessage(e))
                                    .contains("'auth.sasl.service-name' must not be empty");
                            assertThat(allMessages(e))
                                    .contains("'auth.sasl.password'='******'")
                                    .doesNotContain(APP_PASSWORD);
                        });
        assertThatThrownBy(() -> tEnv.executeSql("SELECT * FROM shown_jaas"))
                .satisfies(
                        e -> {
                            assertThat(rootMessage(e))
                                    .contains("'auth.sasl.service-name' must not be empty")
                                    .doesNotContain(OTHER_PASSWORD);
                            assertThat(allMessages(e)).contains(OTHER_PASSWORD);
                        });
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static String collectUnchecked(TableResult result) {
        try {
            return String.join("\n", collect(result));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
