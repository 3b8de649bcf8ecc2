package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions;
import dev.zkflink.connector.zookeeper.testutils.FlinkSql;
import dev.zkflink.connector.zookeeper.testutils.SecuredZooKeeperServers;
import dev.zkflink.connector.zookeeper.testutils.TestKdc;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
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

import javax.security.auth.login.AppConfigurationEntry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kerberos (GSSAPI) with a real KDC (Apache Kerby, in this JVM) and a ZooKeeper server in its own
 * JVM that logs in as {@code zookeeper/localhost} and closes sessions that did not authenticate.
 */
class ZooKeeperSaslKerberosITCase {
    private static final String REALM = "EXAMPLE.COM";
    private static final String SERVER_PRINCIPAL = "zookeeper/localhost@" + REALM;
    private static final String APP = "app@" + REALM;
    private static final String OTHER = "other@" + REALM;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @TempDir static Path dir;
    private static TestKdc kdc;
    private static ZooKeeperServerProcess server;
    private static Path appKeytab;
    private static Path otherKeytab;
    private static String hosts;

    @BeforeAll
    static void startKdcAndServer() throws Exception {
        Path kdcDir = Files.createDirectories(dir.resolve("kdc"));
        kdc = TestKdc.start(kdcDir, REALM);
        Path krb5Conf = kdc.krb5Conf();
        // The test JVM is the "TaskManager": its Kerberos library must find this KDC.
        System.setProperty("java.security.krb5.conf", krb5Conf.toString());

        Path serverKeytab = keytab(SERVER_PRINCIPAL, "zookeeper.keytab");
        appKeytab = keytab(APP, "app.keytab");
        otherKeytab = keytab(OTHER, "other.keytab");
        server =
                SecuredZooKeeperServers.kerberos(
                        Files.createDirectories(dir.resolve("zk")),
                        krb5Conf,
                        serverKeytab,
                        SERVER_PRINCIPAL);
        // The server's principal names 'localhost': connect by that name, as is.
        hosts = server.connectString().replace("127.0.0.1", "localhost");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (kdc != null) {
            kdc.close();
        }
    }

    /** A keytab that holds this principal alone. */
    private static Path keytab(String principal, String file) throws Exception {
        return kdc.keytab(principal, dir.resolve(file));
    }

    private static ZooKeeperConnectionOptions as(String principal, Path keytab) {
        return ZooKeeperConnectionOptions.builder()
                .setHosts(hosts)
                .setConnectionTimeout(Duration.ofSeconds(10))
                .setClientProperty("zookeeper.sasl.client.canonicalize.hostname", "false")
                .setSasl(
                        ZooKeeperSaslOptions.builder()
                                .setMechanism(ZooKeeperSaslOptions.Mechanism.GSSAPI)
                                .setKerberosLogin(principal, keytab.toString())
                                .build())
                .build();
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
                        .append(hosts)
                        .append("', 'path' = '")
                        .append(path)
                        .append("', 'scan.startup.mode' = 'snapshot'")
                        .append(
                                ", 'properties.zookeeper.sasl.client.canonicalize.hostname' = 'false'");
        for (String o : options) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    private static String[] kerberos(String principal, Path keytab, String... more) {
        String[] all = new String[3 + more.length];
        all[0] = "'auth.sasl.mechanism' = 'GSSAPI'";
        all[1] = "'auth.kerberos.principal' = '" + principal + "'";
        all[2] = "'auth.kerberos.keytab' = '" + keytab + "'";
        System.arraycopy(more, 0, all, 3, more.length);
        return all;
    }

    private static List<String> collect(TableResult result) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    @Test
    void readsAndWritesWithAKeytabAndTheNodesBelongToThePrincipal() throws Exception {
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "app",
                        "/krb",
                        kerberos(APP, appKeytab, "'sink.acl' = 'sasl:" + APP + ":cdrwa'")));
        tEnv.executeSql(table("other_on_app", "/krb", kerberos(OTHER, otherKeytab)));

        tEnv.executeSql(
                        "INSERT INTO app VALUES ('a', '1'), ('b', '2')"
                                + FlinkSql.ON_CONFLICT_DEDUPLICATE)
                .await();
        assertThat(collect(tEnv.executeSql("SELECT * FROM app")))
                .containsExactlyInAnyOrder("+I[a, 1]", "+I[b, 2]");

        // sasl: ACLs are enforced: another principal reads nothing below the root.
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM other_on_app")))
                .hasStackTraceContaining("NOAUTH");
        try (CuratorFramework app = ZooKeeperClientFactory.open(as(APP, appKeytab));
                CuratorFramework other = ZooKeeperClientFactory.open(as(OTHER, otherKeytab))) {
            assertThat(app.getACL().forPath("/krb/a"))
                    .containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("sasl", APP)));
            assertThat(new String(app.getData().forPath("/krb/b"), StandardCharsets.UTF_8))
                    .isEqualTo("2");
            assertThatThrownBy(() -> other.getData().forPath("/krb/a"))
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
    }

    @Test
    void aWrongKeytabFailsNamingThePrincipal() throws Exception {
        StreamTableEnvironment tEnv = batchTableEnv();
        // other's keytab holds no key of 'app'.
        tEnv.executeSql(
                table(
                        "wrong_keytab",
                        "/krb-wrong",
                        kerberos(APP, otherKeytab, "'connection.timeout' = '30 s'")));
        long start = System.nanoTime();
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM wrong_keytab")))
                .hasStackTraceContaining("SASL GSSAPI")
                .hasStackTraceContaining("principal '" + APP + "'")
                .hasStackTraceContaining(otherKeytab.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("failed long before 'connection.timeout'")
                .isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aKrb5JaasLineLogsIn() throws Exception {
        try (CuratorFramework other = ZooKeeperClientFactory.open(as(OTHER, otherKeytab))) {
            List<ACL> acl = new ArrayList<>();
            acl.add(new ACL(ZooDefs.Perms.ALL, new Id("sasl", OTHER)));
            other.create()
                    .creatingParentsIfNeeded()
                    .withACL(acl)
                    .forPath("/krb-jaas/z", "zz".getBytes(StandardCharsets.UTF_8));
        }
        String line =
                "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true"
                        + " storeKey=true useTicketCache=false doNotPrompt=true keyTab=\""
                        + otherKeytab
                        + "\" principal=\""
                        + OTHER
                        + "\";";
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                table(
                        "jaas",
                        "/krb-jaas",
                        "'auth.sasl.mechanism' = 'GSSAPI'",
                        "'auth.sasl.jaas-config' = '" + line + "'"));
        assertThat(collect(tEnv.executeSql("SELECT * FROM jaas"))).containsExactly("+I[z, zz]");
    }

    /**
     * Without a principal and keytab the table logs in with the JVM's JAAS 'Client' section, as
     * Flink's security.kerberos.login.* with the Client context installs it (here: by hand, next to
     * whatever is installed already).
     */
    @Test
    void withoutAKeytabTheJvmClientSectionLogsIn() throws Exception {
        try (CuratorFramework app = ZooKeeperClientFactory.open(as(APP, appKeytab))) {
            List<ACL> acl = new ArrayList<>();
            acl.add(new ACL(ZooDefs.Perms.ALL, new Id("sasl", APP)));
            app.create()
                    .creatingParentsIfNeeded()
                    .withACL(acl)
                    .forPath("/krb-jvm/j", "jj".getBytes(StandardCharsets.UTF_8));
        }
        javax.security.auth.login.Configuration before =
                javax.security.auth.login.Configuration.getConfiguration();
        Map<String, String> login = new HashMap<>();
        login.put("useKeyTab", "true");
        login.put("keyTab", appKeytab.toString());
        login.put("principal", APP);
        login.put("storeKey", "true");
        login.put("useTicketCache", "false");
        login.put("doNotPrompt", "true");
        javax.security.auth.login.Configuration.setConfiguration(
                new javax.security.auth.login.Configuration() {
                    @Override
                    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                        if ("Client".equals(name)) {
                            return new AppConfigurationEntry[] {
                                new AppConfigurationEntry(
                                        "com.sun.security.auth.module.Krb5LoginModule",
                                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                                        login)
                            };
                        }
                        return before.getAppConfigurationEntry(name);
                    }
                });
        try {
            StreamTableEnvironment tEnv = batchTableEnv();
            tEnv.executeSql(table("jvm", "/krb-jvm", "'auth.sasl.mechanism' = 'GSSAPI'"));
            assertThat(collect(tEnv.executeSql("SELECT * FROM jvm"))).containsExactly("+I[j, jj]");
        } finally {
            javax.security.auth.login.Configuration.setConfiguration(before);
        }
    }
}
