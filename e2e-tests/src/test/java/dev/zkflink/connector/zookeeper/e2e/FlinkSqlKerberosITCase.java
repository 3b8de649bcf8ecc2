package dev.zkflink.connector.zookeeper.e2e;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions;
import dev.zkflink.connector.zookeeper.testutils.FlinkSql;
import dev.zkflink.connector.zookeeper.testutils.SecuredZooKeeperServers;
import dev.zkflink.connector.zookeeper.testutils.TestKdc;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kerberos through the SQL jar in a real Flink deployment (see {@link FlinkSqlClientITCase}): a KDC
 * (Apache Kerby) in this JVM, a ZooKeeper server in its own JVM that closes every session that did
 * not authenticate with SASL, and a JobManager, TaskManager and SQL gateway that get only the
 * realm's {@code krb5.conf} ({@code -Djava.security.krb5.conf}, as {@code env.java.opts.all} would
 * give it). The table's principal and keytab come from its DDL; the connector comes through {@code
 * ADD JAR}, next to Flink's own security modules and JAAS configuration.
 */
class FlinkSqlKerberosITCase {
    private static final String REALM = "EXAMPLE.COM";
    private static final String SERVER_PRINCIPAL = "zookeeper/localhost@" + REALM;
    private static final String APP = "app@" + REALM;
    private static final String ROOT = "/e2e-krb";
    private static final Duration CLUSTER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);

    /** The seeded tree, readable by {@link #APP} alone. */
    private static final Map<String, String> SEEDED = Map.of("a", "1", "b", "2", "c", "3");

    @TempDir static Path dir;
    private static TestKdc kdc;
    private static Path appKeytab;
    private static ZooKeeperServerProcess zooKeeper;
    private static String hosts;
    private static Path sqlJar;
    private static LocalFlinkDeployment flink;
    private static String krb5ConfBefore;

    /** Prints the tail of every process log when a test fails. */
    @RegisterExtension
    static final TestWatcher PRINT_LOGS_ON_FAILURE =
            new TestWatcher() {
                @Override
                public void testFailed(ExtensionContext context, Throwable cause) {
                    printLogTails();
                }
            };

    @BeforeAll
    static void startKdcZooKeeperAndDeployment() throws Exception {
        Path flinkDir = Paths.get(System.getProperty("flink.e2e.dir", "target/flink-e2e"));
        sqlJar = sqlJar(flinkDir.resolve("connector"));

        Path kdcDir = Files.createDirectories(dir.resolve("kdc"));
        kdc = TestKdc.start(kdcDir, REALM);
        Path krb5Conf = kdc.krb5Conf();
        // This JVM's seeding client needs the realm too.
        krb5ConfBefore = System.getProperty("java.security.krb5.conf");
        System.setProperty("java.security.krb5.conf", krb5Conf.toString());

        Path serverKeytab = keytab(SERVER_PRINCIPAL, "zookeeper.keytab");
        appKeytab = keytab(APP, "app.keytab");
        zooKeeper =
                SecuredZooKeeperServers.kerberos(
                        Files.createDirectories(dir.resolve("zk")),
                        krb5Conf,
                        serverKeytab,
                        SERVER_PRINCIPAL);
        // The server's principal names 'localhost': connect by that name.
        hosts = zooKeeper.connectString().replace("127.0.0.1", "localhost");

        try (CuratorFramework app = ZooKeeperClientFactory.open(asApp())) {
            for (Map.Entry<String, String> node : SEEDED.entrySet()) {
                app.create()
                        .creatingParentsIfNeeded()
                        .withACL(appOnly(), true)
                        .forPath(
                                ROOT + "/" + node.getKey(),
                                node.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }

        long start = System.nanoTime();
        try {
            flink =
                    new LocalFlinkDeployment(
                            flinkDir.resolve("lib"),
                            flinkDir.resolve("kerberos"),
                            List.of("-Djava.security.krb5.conf=" + krb5Conf));
            flink.start(CLUSTER_START_TIMEOUT);
        } catch (Throwable t) {
            printLogTails();
            throw t;
        }
        System.out.printf(
                "Flink cluster and SQL gateway ready in %d ms (logs in %s)%n",
                (System.nanoTime() - start) / 1_000_000, flink.logDir());
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (flink != null) {
                flink.close();
            }
        } finally {
            try {
                if (zooKeeper != null) {
                    zooKeeper.close();
                }
            } finally {
                if (kdc != null) {
                    kdc.close();
                }
                // The other tests of this JVM know no realm.
                if (krb5ConfBefore == null) {
                    System.clearProperty("java.security.krb5.conf");
                } else {
                    System.setProperty("java.security.krb5.conf", krb5ConfBefore);
                }
            }
        }
    }

    /**
     * The SELECT sees exactly the seeded nodes, which only {@link #APP} may read; the INSERT
     * creates a node that belongs to {@link #APP} alone.
     */
    @Test
    void readsAndWritesWithTheTablesKeytabInTheCluster() throws Exception {
        String output =
                runSqlClient(
                        "krb-read-write",
                        createTable(APP, "'sink.acl' = 'sasl:" + APP + ":cdrwa'"),
                        "SELECT k, v FROM krb_flags",
                        "INSERT INTO krb_flags VALUES ('d', '4')"
                                + FlinkSql.ON_CONFLICT_DEDUPLICATE);
        assertThat(output).doesNotContain("[ERROR]").doesNotContain("Exception");

        Map<String, String> selected = new TreeMap<>();
        for (List<String> row : tableauRows(output)) {
            if (row.size() == 2 && !row.equals(List.of("k", "v"))) {
                selected.put(row.get(0), row.get(1));
            }
        }
        assertThat(selected).isEqualTo(new TreeMap<>(SEEDED));

        try (CuratorFramework app = ZooKeeperClientFactory.open(asApp())) {
            assertThat(new String(app.getData().forPath(ROOT + "/d"), StandardCharsets.UTF_8))
                    .isEqualTo("4");
            assertThat(app.getACL().forPath(ROOT + "/d")).isEqualTo(appOnly());
        }
    }

    /**
     * A principal that the keytab does not hold fails the job with the connector's message, which
     * names the principal, in the SQL client's output.
     */
    @Test
    void aWrongPrincipalFailsNamingIt() throws Exception {
        String wrong = "nobody@" + REALM;
        String output =
                runSqlClient(
                        "krb-wrong-principal",
                        createTable(wrong, "'connection.timeout' = '30 s'"),
                        "SELECT k, v FROM krb_flags");
        assertThat(output)
                .contains("[ERROR]")
                .contains("SASL GSSAPI login as principal '" + wrong + "'")
                .contains(appKeytab.toString());
    }

    // ---------------------------------------------------------------------------------------

    private static String createTable(String principal, String... more) {
        StringBuilder sql =
                new StringBuilder(
                        "CREATE TABLE krb_flags (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED)"
                                + " WITH ('connector' = 'zookeeper', 'hosts' = '");
        sql.append(hosts).append("', 'path' = '").append(ROOT).append("'");
        sql.append(", 'scan.startup.mode' = 'snapshot'");
        // The principal names the host as written in 'hosts', not its canonical name.
        sql.append(", 'properties.zookeeper.sasl.client.canonicalize.hostname' = 'false'");
        sql.append(", 'auth.sasl.mechanism' = 'GSSAPI'");
        sql.append(", 'auth.kerberos.principal' = '").append(principal).append("'");
        sql.append(", 'auth.kerberos.keytab' = '").append(appKeytab).append("'");
        for (String option : more) {
            sql.append(", ").append(option);
        }
        return sql.append(")").toString();
    }

    /** One SQL client run in batch mode with synchronous DML; returns its output. */
    private static String runSqlClient(String name, String... statements) throws Exception {
        List<String> script =
                new ArrayList<>(
                        List.of(
                                "ADD JAR '" + sqlJar + "'",
                                "SET 'execution.runtime-mode' = 'batch'",
                                "SET 'table.dml-sync' = 'true'",
                                "SET 'sql-client.execution.result-mode' = 'tableau'"));
        script.addAll(Arrays.asList(statements));
        Path file = flink.runDir().resolve(name + ".sql");
        Files.writeString(file, String.join(";\n\n", script) + ";\n", StandardCharsets.UTF_8);
        long start = System.nanoTime();
        LocalFlinkDeployment.ClientRun run =
                flink.runSqlClient(name, List.of("-f", file.toString()), CLIENT_TIMEOUT);
        String output = run.output.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
        System.out.printf(
                "SQL client (%s) finished in %d ms with exit code %d:%n%s%n",
                name, (System.nanoTime() - start) / 1_000_000, run.exitCode, output);
        // The exit code is 0 even when a statement fails; the output says so.
        assertThat(run.exitCode).isZero();
        return output;
    }

    private static ZooKeeperConnectionOptions asApp() {
        return ZooKeeperConnectionOptions.builder()
                .setHosts(hosts)
                .setConnectionTimeout(Duration.ofSeconds(10))
                .setClientProperty("zookeeper.sasl.client.canonicalize.hostname", "false")
                .setSasl(
                        ZooKeeperSaslOptions.builder()
                                .setMechanism(ZooKeeperSaslOptions.Mechanism.GSSAPI)
                                .setKerberosLogin(APP, appKeytab.toString())
                                .build())
                .build();
    }

    /** A mutable list: ZooKeeper's create calls {@code acl.contains(null)}. */
    private static List<ACL> appOnly() {
        List<ACL> acl = new ArrayList<>();
        acl.add(new ACL(ZooDefs.Perms.ALL, new Id("sasl", APP)));
        return acl;
    }

    /** A keytab that holds this principal alone. */
    private static Path keytab(String principal, String file) throws Exception {
        return kdc.keytab(principal, dir.resolve(file));
    }

    private static Path sqlJar(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> jars =
                    list.filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .matches(
                                                            "flink-sql-connector-zookeeper-.*\\.jar"))
                            .collect(Collectors.toList());
            assertThat(jars).as("the SQL jar copied into " + dir).hasSize(1);
            return jars.get(0).toAbsolutePath();
        }
    }

    /** The cells of every table row the SQL client printed in tableau mode (headers included). */
    private static List<List<String>> tableauRows(String output) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("|") && trimmed.endsWith("|")) {
                rows.add(
                        Arrays.stream(trimmed.substring(1, trimmed.length() - 1).split("\\|"))
                                .map(String::trim)
                                .collect(Collectors.toList()));
            }
        }
        return rows;
    }

    private static void printLogTails() {
        if (flink != null) {
            System.out.println(flink.logTails(80));
        }
    }
}
