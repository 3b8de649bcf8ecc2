package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL jar in a real Flink deployment: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}), a TaskManager with 2 slots and a SQL gateway, each in its
 * own JVM, started from the jars Maven copies into {@code target/flink-e2e/lib}. That lib holds no
 * connector: the connector comes only from {@code flink-sql-connector-zookeeper-<version>.jar},
 * through {@code ADD JAR}, so the gateway ships it to the cluster like any user jar.
 *
 * <ul>
 *   <li>{@code examples/quickstart.sql} runs through the real SQL client ({@code SqlClient gateway
 *       --endpoint ... -f script.sql}), against a ZooKeeper test server seeded like the quickstart;
 *       the test checks the znodes the script writes and the rows the client prints.
 *   <li>A {@code SELECT COUNT(*)} runs through the gateway's REST API v3 directly.
 *   <li>The batch row-level statements (UPDATE, DELETE pushed down and row by row, INSERT
 *       OVERWRITE, TRUNCATE TABLE) run through the SQL client, and a DELETE and an UPDATE through
 *       the gateway's REST API; a plain client checks the tree after each run.
 *   <li>{@code examples/register-instances.sql} runs through the SQL client: a streaming INSERT
 *       whose rows are ephemeral nodes of the sink's session, gone when the job is cancelled.
 *   <li>{@code examples/lookup-join.sql} runs through the SQL client too: a streaming lookup join
 *       that shows a flag changed with a plain client while it runs, and ends by itself.
 * </ul>
 *
 * <p>The processes log to {@code target/flink-e2e/run/log}; a failing test prints the tail of every
 * log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkSqlClientITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLUSTER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);

    /** The lookup join script runs for about a minute (240 events at 4 a second). */
    private static final Duration LOOKUP_CLIENT_TIMEOUT = Duration.ofSeconds(150);

    private static Path flinkDir;
    private static Path sqlJar;
    private static TestingServer zooKeeper;
    private static String hosts;
    private static LocalFlinkDeployment flink;

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
    static void startDeployment() throws Exception {
        flinkDir = Paths.get(System.getProperty("flink.e2e.dir", "target/flink-e2e"));
        sqlJar = sqlJar(flinkDir.resolve("connector"));

        // ZooKeeper in this JVM, on loopback only; the Flink processes connect to it.
        zooKeeper =
                new TestingServer(
                        new InstanceSpec(
                                null,
                                -1,
                                -1,
                                -1,
                                true,
                                -1,
                                -1,
                                -1,
                                Map.of("clientPortAddress", "127.0.0.1"),
                                "127.0.0.1"),
                        true);
        hosts = "127.0.0.1:" + zooKeeper.getPort();
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            QuickstartDemo.seed(client, System.out);
        }

        long start = System.nanoTime();
        try {
            flink = new LocalFlinkDeployment(flinkDir.resolve("lib"), flinkDir);
            flink.start(CLUSTER_START_TIMEOUT);
        } catch (Throwable t) {
            printLogTails();
            throw t;
        }
        System.out.printf(
                "Flink cluster and SQL gateway ready in %d ms (JobManager %s, gateway %s, logs in %s)%n",
                (System.nanoTime() - start) / 1_000_000,
                flink.restUrl(),
                flink.gatewayUrl(),
                flink.logDir());
    }

    @AfterAll
    static void stopDeployment() throws Exception {
        try {
            if (flink != null) {
                flink.close();
            }
        } finally {
            if (zooKeeper != null) {
                zooKeeper.close();
            }
        }
    }

    @Test
    @Order(1)
    void theClusterGetsTheConnectorOnlyFromTheSqlJar() throws IOException {
        List<String> offending = new ArrayList<>();
        try (Stream<Path> jars = Files.list(flinkDir.resolve("lib"))) {
            for (Path jar : jars.collect(Collectors.toList())) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.stream()
                            .map(JarEntry::getName)
                            .anyMatch(
                                    name ->
                                            name.startsWith("dev/zkflink/")
                                                    || name.startsWith("org/apache/curator/")
                                                    || name.startsWith("org/apache/zookeeper/"))) {
                        offending.add(jar.getFileName().toString());
                    }
                }
            }
        }
        assertThat(offending).as("jars in the cluster's lib with connector classes").isEmpty();

        try (JarFile jar = new JarFile(sqlJar.toFile())) {
            assertThat(
                            jar.getEntry(
                                    "dev/zkflink/connector/zookeeper/shaded/org/apache/curator/"
                                            + "framework/CuratorFramework.class"))
                    .as("relocated Curator in " + sqlJar)
                    .isNotNull();
            assertThat(readEntry(jar, "META-INF/services/org.apache.flink.table.factories.Factory"))
                    .contains("dev.zkflink.connector.zookeeper.table.ZooKeeperDynamicTableFactory");
        }
    }

    @Test
    @Order(2)
    void quickstartScriptRunsInTheSqlClient() throws Exception {
        Path script = flink.runDir().resolve("quickstart.sql");
        String quickstart = Files.readString(quickstartScript(), StandardCharsets.UTF_8);
        Files.writeString(
                script,
                "ADD JAR '"
                        + sqlJar
                        + "';\n\n"
                        + QuickstartDemo.forThisFlink(
                                SqlScript.substitute(quickstart, Map.of("hosts", hosts))),
                StandardCharsets.UTF_8);

        long start = System.nanoTime();
        LocalFlinkDeployment.ClientRun run =
                flink.runSqlClient("sql-client", List.of("-f", script.toString()), CLIENT_TIMEOUT);
        String output = run.output.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
        System.out.printf(
                "SQL client finished in %d ms with exit code %d:%n%s%n",
                (System.nanoTime() - start) / 1_000_000, run.exitCode, output);

        // The SQL client's exit code is 0 even when a statement of the file fails.
        assertThat(run.exitCode).isZero();
        assertThat(output)
                .doesNotContain("[ERROR]")
                .contains("[INFO] Execute statement succeeded.");

        // The two SELECTs, printed as tables.
        List<List<String>> rows = tableauRows(output);
        assertThat(rows)
                .contains(
                        List.of("payments", "wallet-google-pay", "TRUE", "20", "team-d", "1"),
                        List.of("search", "typo-tolerance", "TRUE", "100", "team-c", "0"))
                .contains(
                        List.of("checkout", "3", "2", "62.5"),
                        List.of("payments", "4", "3", "56.7"),
                        List.of("search", "2", "2", "55.0"));
        assertThat(output).contains("9 rows in set").contains("3 rows in set");

        QuickstartTreeAssertions.assertScriptResult(hosts);

        // The jobs ran on the cluster, not in the client, and all of them finished.
        JsonNode jobs = JSON.readTree(flink.jobManagerGet("/jobs/overview")).get("jobs");
        List<String> insertJobs = new ArrayList<>();
        for (JsonNode job : jobs) {
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("FINISHED");
            String name = job.get("name").asText();
            if (name.startsWith("insert-into_")) {
                insertJobs.add(name);
            }
        }
        assertThat(insertJobs)
                .containsExactlyInAnyOrder(
                        "insert-into_default_catalog.default_database.flags",
                        "insert-into_default_catalog.default_database.flag_summary");
    }

    @Test
    @Order(3)
    void countThroughTheSqlGatewayRestApi() throws Exception {
        SqlGatewayRestClient gateway = new SqlGatewayRestClient(flink.http(), flink.gatewayUrl());
        String session = gateway.openSession(Map.of("execution.runtime-mode", "batch"));
        try {
            assertThat(gateway.execute(session, "ADD JAR '" + sqlJar + "'", STATEMENT_TIMEOUT))
                    .hasSize(1);
            gateway.execute(
                    session,
                    "CREATE TABLE flags (\n"
                            + "  service STRING,\n"
                            + "  flag STRING,\n"
                            + "  enabled BOOLEAN,\n"
                            + "  PRIMARY KEY (service, flag) NOT ENFORCED\n"
                            + ") WITH (\n"
                            + "  'connector' = 'zookeeper',\n"
                            + "  'hosts' = '"
                            + hosts
                            + "',\n"
                            + "  'path' = '"
                            + QuickstartDemo.FLAGS_PATH
                            + "',\n"
                            + "  'format' = 'json',\n"
                            + "  'scan.startup.mode' = 'snapshot'\n"
                            + ")",
                    STATEMENT_TIMEOUT);

            List<List<JsonNode>> rows =
                    gateway.execute(
                            session,
                            "SELECT COUNT(*) AS flags, COUNT(DISTINCT service) AS services"
                                    + " FROM flags",
                            STATEMENT_TIMEOUT);

            // Nine flags of three services; /demo/flags/inventory has no flags, so no row.
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).stream().map(JsonNode::asLong).collect(Collectors.toList()))
                    .containsExactly((long) QuickstartDemo.FLAGS.size(), 3L);
        } finally {
            gateway.closeSession(session);
        }
    }

    /**
     * A live read ({@code 'scan.startup.mode' = 'initial'}, the default) through the gateway: the
     * snapshot rows arrive, then a {@code setData} made afterwards arrives as an update, and a
     * delete as a delete, all from the SQL jar's relocated client in the real TaskManager.
     */
    @Test
    @Order(4)
    void liveChangesThroughTheSqlGatewayRestApi() throws Exception {
        SqlGatewayRestClient gateway = new SqlGatewayRestClient(flink.http(), flink.gatewayUrl());
        String session = gateway.openSession(Map.of("execution.runtime-mode", "streaming"));
        String root = "/e2e/live";
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            for (int i = 0; i < 3; i++) {
                client.create()
                        .creatingParentsIfNeeded()
                        .forPath(root + "/svc/flag-" + i, ("{\"enabled\":true}").getBytes(UTF_8));
            }
            gateway.execute(session, "ADD JAR '" + sqlJar + "'", STATEMENT_TIMEOUT);
            gateway.execute(
                    session,
                    "CREATE TABLE live_flags (service STRING, flag STRING, enabled BOOLEAN,"
                            + " PRIMARY KEY (service, flag) NOT ENFORCED) WITH ("
                            + " 'connector' = 'zookeeper', 'hosts' = '"
                            + hosts
                            + "', 'path' = '"
                            + root
                            + "', 'format' = 'json')",
                    STATEMENT_TIMEOUT);
            SqlGatewayRestClient.LiveQuery live =
                    gateway.submitStreaming(
                            session, "SELECT service, flag, enabled FROM live_flags");
            try {
                assertThat(live.awaitRows(rows -> rows.size() >= 3, STATEMENT_TIMEOUT))
                        .containsExactlyInAnyOrder(
                                "INSERT svc,flag-0,true",
                                "INSERT svc,flag-1,true",
                                "INSERT svc,flag-2,true");
                client.setData()
                        .forPath(root + "/svc/flag-1", "{\"enabled\":false}".getBytes(UTF_8));
                client.delete().forPath(root + "/svc/flag-2");
                assertThat(
                                live.awaitRows(
                                        rows -> rows.contains("DELETE svc,flag-2,true"),
                                        STATEMENT_TIMEOUT))
                        .containsSubsequence(
                                "UPDATE_BEFORE svc,flag-1,true", "UPDATE_AFTER svc,flag-1,false")
                        .contains("DELETE svc,flag-2,true");
            } finally {
                live.close();
            }
        } finally {
            gateway.closeSession(session);
        }
    }

    /**
     * The batch row-level statements in the SQL client, on one table, in three client runs; after
     * each run a plain client checks the tree. The first run's three statements each leave a mark
     * that the others cannot: the UPDATE a new owner and version, the DELETE pushed down to the
     * {@code checkout} subtree its count and no {@code checkout} node (a row-level delete would
     * leave the parent), the row-level DELETE the disabled rows gone with their parents kept. Which
     * statements ran a job is checked too: UPDATE, the row-level DELETE and INSERT OVERWRITE do;
     * the pushed-down DELETE and TRUNCATE run in the gateway's JVM while it plans them.
     */
    @Test
    @Order(5)
    void rowLevelStatementsRunInTheSqlClient() throws Exception {
        String root = "/e2e/row-level-client";
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            ZNodeTreeSnapshot.seed(
                    client,
                    root,
                    Map.of(
                            "checkout/one-click", flagJson(true, "team-x"),
                            "checkout/dark-mode", flagJson(false, "team-y"),
                            "search/typo", flagJson(true, "team-x"),
                            "search/legacy", flagJson(false, "team-z"),
                            "payments/wallet", flagJson(true, "team-z"),
                            "payments/refunds", flagJson(false, "team-x")));

            String output =
                    runBatchStatements(
                            root,
                            "row-level",
                            2,
                            "UPDATE flags SET owner = 'team-w' WHERE owner = 'team-x'",
                            "DELETE FROM flags WHERE service = 'checkout'",
                            // payments/refunds is read at version 1, after the UPDATE.
                            "DELETE FROM flags WHERE enabled = FALSE");
            assertThat(tableauRows(output))
                    .as("the pushed-down DELETE's count")
                    .containsSubsequence(List.of("rows affected"), List.of("2"));
            assertThat(ZNodeTreeSnapshot.of(client, root))
                    .isEqualTo(
                            Map.of(
                                    "search", ZNodeTreeSnapshot.node("", 0),
                                    "search/typo",
                                            ZNodeTreeSnapshot.node(flagJson(true, "team-w"), 1),
                                    "payments", ZNodeTreeSnapshot.node("", 0),
                                    "payments/wallet",
                                            ZNodeTreeSnapshot.node(flagJson(true, "team-z"), 0)));

            // The result's rows are written, then the rest is swept: payments/wallet and payments.
            runBatchStatements(
                    root,
                    "insert-overwrite",
                    1,
                    "INSERT OVERWRITE flags (service, flag, enabled, owner) VALUES"
                            + " ('search', 'typo', FALSE, 'team-v'),"
                            + " ('billing', 'invoices', TRUE, 'team-u')");
            assertThat(ZNodeTreeSnapshot.of(client, root))
                    .isEqualTo(
                            Map.of(
                                    "search", ZNodeTreeSnapshot.node("", 0),
                                    "search/typo",
                                            ZNodeTreeSnapshot.node(flagJson(false, "team-v"), 2),
                                    "billing", ZNodeTreeSnapshot.node("", 0),
                                    "billing/invoices",
                                            ZNodeTreeSnapshot.node(flagJson(true, "team-u"), 0)));

            runBatchStatements(root, "truncate", 0, "TRUNCATE TABLE flags");
            assertThat(ZNodeTreeSnapshot.of(client, root)).isEmpty();
            assertThat(client.checkExists().forPath(root)).as("the table root stays").isNotNull();
        }
    }

    /**
     * A DELETE pushed down and an UPDATE through the gateway's REST API, as an application would
     * send them: the DELETE returns its {@code rows affected} and runs no job.
     */
    @Test
    @Order(6)
    void rowLevelStatementsThroughTheSqlGatewayRestApi() throws Exception {
        String root = "/e2e/row-level-gateway";
        SqlGatewayRestClient gateway = new SqlGatewayRestClient(flink.http(), flink.gatewayUrl());
        String session =
                gateway.openSession(
                        Map.of("execution.runtime-mode", "batch", "table.dml-sync", "true"));
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            ZNodeTreeSnapshot.seed(
                    client,
                    root,
                    Map.of(
                            "checkout/one-click", flagJson(true, "team-x"),
                            "checkout/dark-mode", flagJson(false, "team-y"),
                            "search/typo", flagJson(true, "team-x"),
                            "search/legacy", flagJson(true, "team-z")));
            gateway.execute(session, "ADD JAR '" + sqlJar + "'", STATEMENT_TIMEOUT);
            gateway.execute(session, createFlagsTable(root), STATEMENT_TIMEOUT);

            String delete = "DELETE FROM flags WHERE service = 'checkout'";
            Map<String, String> jobs = jobStates();
            List<List<JsonNode>> deleted = gateway.execute(session, delete, STATEMENT_TIMEOUT);
            assertThat(deleted).as("the rows affected").hasSize(1);
            assertThat(deleted.get(0)).hasSize(1);
            assertThat(deleted.get(0).get(0).asLong()).as("the rows affected").isEqualTo(2L);
            assertNewJobsFinished(jobs, 0, delete);
            assertThat(ZNodeTreeSnapshot.of(client, root).keySet())
                    .containsExactly("search", "search/legacy", "search/typo");

            String update = "UPDATE flags SET enabled = FALSE WHERE owner = 'team-x'";
            jobs = jobStates();
            gateway.execute(session, update, STATEMENT_TIMEOUT);
            assertNewJobsFinished(jobs, 1, update);
            assertThat(ZNodeTreeSnapshot.of(client, root))
                    .isEqualTo(
                            Map.of(
                                    "search", ZNodeTreeSnapshot.node("", 0),
                                    "search/typo",
                                            ZNodeTreeSnapshot.node(flagJson(false, "team-x"), 1),
                                    "search/legacy",
                                            ZNodeTreeSnapshot.node(flagJson(true, "team-z"), 0)));
        } finally {
            gateway.closeSession(session);
        }
    }

    /**
     * {@code examples/register-instances.sql} as written, in the SQL client: a streaming INSERT
     * with {@code 'sink.create-mode' = 'ephemeral'}. The client only submits the job; the instance
     * node appears as an ephemeral node of the sink's session, and goes when the job is cancelled,
     * while its persistent parent stays.
     */
    @Test
    @Order(7)
    void ephemeralRegistrationScriptRunsInTheSqlClient() throws Exception {
        Path script = flink.runDir().resolve("register-instances.sql");
        String registration =
                Files.readString(
                        quickstartScript().resolveSibling("register-instances.sql"),
                        StandardCharsets.UTF_8);
        Files.writeString(
                script,
                "ADD JAR '"
                        + sqlJar
                        + "';\n\n"
                        + SqlScript.substitute(registration, Map.of("hosts", hosts)),
                StandardCharsets.UTF_8);
        String instance = "/services/billing/billing-1";
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            client.create()
                    .creatingParentsIfNeeded()
                    .forPath(
                            "/deploy/instances/billing/billing-1",
                            "{\"address\":\"10.0.1.11\",\"port\":8080,\"zone\":\"eu-west-1a\"}"
                                    .getBytes(UTF_8));
            Map<String, String> jobs = jobStates();
            LocalFlinkDeployment.ClientRun run =
                    flink.runSqlClient(
                            "register-instances-client",
                            List.of("-f", script.toString()),
                            CLIENT_TIMEOUT);
            String output = withoutAnsi(run.output);
            System.out.printf(
                    "SQL client (register instances) exit code %d:%n%s%n", run.exitCode, output);
            assertThat(run.exitCode).isZero();
            assertThat(output).doesNotContain("[ERROR]").contains("Job ID:");

            Map<String, String> started = jobStates();
            started.keySet().removeAll(jobs.keySet());
            assertThat(started).as("the INSERT job").hasSize(1);
            String job = started.keySet().iterator().next();

            awaitCondition(
                    "the ephemeral node " + instance,
                    () -> {
                        Stat stat = client.checkExists().forPath(instance);
                        return stat != null && stat.getEphemeralOwner() != 0;
                    });
            assertThat(new String(client.getData().forPath(instance), UTF_8))
                    .contains("\"name\":\"billing\"", "\"id\":\"billing-1\"", "\"port\":8080");

            flink.cancelJob(job);
            awaitCondition(
                    "the ephemeral node gone after the cancel",
                    () -> client.checkExists().forPath(instance) == null);
            assertThat(client.checkExists().forPath("/services/billing"))
                    .as("the persistent parent")
                    .isNotNull();
        }
    }

    /**
     * {@code examples/lookup-join.sql} as written, in the SQL client: a streaming lookup join that
     * prints rows while it runs. The test flips {@code checkout/one-click-buy} with a plain client
     * once the client has printed a row with the old value, sees rows with the new one, and the
     * query ends by itself after its 240 events.
     */
    @Test
    @Order(8)
    void lookupJoinScriptSeesAFlagFlipInTheSqlClient() throws Exception {
        Path script = flink.runDir().resolve("lookup-join.sql");
        String lookupJoin = Files.readString(lookupJoinScript(), StandardCharsets.UTF_8);
        Files.writeString(
                script,
                "ADD JAR '"
                        + sqlJar
                        + "';\n\n"
                        + SqlScript.substitute(lookupJoin, Map.of("hosts", hosts)),
                StandardCharsets.UTF_8);
        String flag = LookupJoinDemo.FLIPPED_PATH;
        try (CuratorFramework client = QuickstartDemo.connect(hosts)) {
            client.setData()
                    .forPath(
                            flag,
                            "{\"enabled\":false,\"rollout\":0,\"owner\":\"team-a\"}"
                                    .getBytes(UTF_8));
            int version = client.checkExists().forPath(flag).getVersion();
            String old = String.valueOf(version);
            String flipped = String.valueOf(version + 1);

            CompletableFuture<LocalFlinkDeployment.ClientRun> run =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return flink.runSqlClient(
                                            "lookup-join-client",
                                            List.of("-f", script.toString()),
                                            LOOKUP_CLIENT_TIMEOUT);
                                } catch (Exception e) {
                                    throw new CompletionException(e);
                                }
                            });
            Path out = flink.logDir().resolve("lookup-join-client.out");
            awaitClientRow(
                    out,
                    run,
                    List.of("checkout", "one-click-buy", "FALSE", "0", old),
                    "the old value");
            client.setData().forPath(flag, LookupJoinDemo.FLIPPED_DATA.getBytes(UTF_8));
            awaitClientRow(
                    out,
                    run,
                    List.of("checkout", "one-click-buy", "TRUE", "100", flipped),
                    "the new value");

            LocalFlinkDeployment.ClientRun result =
                    run.get(LOOKUP_CLIENT_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            String output = withoutAnsi(result.output);
            System.out.printf(
                    "SQL client (lookup join) exit code %d:%n%s%n", result.exitCode, output);
            assertThat(result.exitCode).isZero();
            assertThat(output).doesNotContain("[ERROR]");

            // One row per event, in order; the flag's rows show the old value, then the new one.
            List<List<String>> rows =
                    tableauRows(output).stream()
                            .filter(r -> r.size() == 7 && r.get(0).equals("+I"))
                            .collect(Collectors.toList());
            assertThat(rows).hasSize(240);
            List<String> states = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                List<String> row = rows.get(i);
                assertThat(row.get(1)).isEqualTo(String.valueOf(i + 1));
                if (row.get(3).equals("new-cart-ui")) {
                    assertThat(row.subList(4, 7)).containsExactly("TRUE", "25", "0");
                } else {
                    states.add(String.join(",", row.subList(4, 7)));
                }
            }
            String before = "FALSE,0," + old;
            String after = "TRUE,100," + flipped;
            assertThat(states).containsOnly(before, after);
            assertThat(states.lastIndexOf(before)).isLessThan(states.indexOf(after));
        }
    }

    /**
     * The connector's ZooKeeper clients log no warnings or errors in the JobManager (split
     * enumerator) and the TaskManager (readers, sink) of a deployment set up like a distribution.
     *
     * <p>KNOWN FAILURE (Flink 2.3.0, found by this test; MiniCluster tests cannot see it): Flink's
     * security modules set the JVM-wide {@code java.security.auth.login.config} to a generated JAAS
     * file without a {@code Client} section, and its ZooKeeperModule sets {@code
     * zookeeper.sasl.client=true}. Every connection of the connector's (relocated) ZooKeeper client
     * then logs WARN "SASL configuration failed ... LoginException: No JAAS configuration section
     * named 'Client'" with a stack trace, and Curator's ConnectionState logs ERROR "Authentication
     * failed"; the connection itself then works. Checked by hand: with {@code
     * 'properties.zookeeper.sasl.client' = 'false'} on the table, or {@code zookeeper.sasl.disable:
     * true} in the Flink configuration, the lines are gone.
     */
    @Test
    @Order(9)
    void zooKeeperClientsLogNoWarningsInTheCluster() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String process : List.of("jobmanager", "taskmanager")) {
            List<String> connectorLines =
                    flink.logLines(process, line -> line.contains("dev.zkflink.connector"));
            assertThat(connectorLines)
                    .as("the %s ran the connector", process)
                    .anyMatch(line -> line.contains("Session establishment complete"));
            connectorLines.stream()
                    .filter(line -> line.contains(" ERROR ") || line.contains(" WARN "))
                    .forEach(line -> problems.add(process + ": " + line));
        }
        assertThat(problems)
                .as("WARN and ERROR lines of the connector's ZooKeeper clients in the cluster")
                .isEmpty();
    }

    // ---------------------------------------------------------------------------------------

    private static String flagJson(boolean enabled, String owner) {
        return "{\"enabled\":" + enabled + ",\"owner\":\"" + owner + "\"}";
    }

    /** The table both row-level tests use: levels mode, JSON values, the version read. */
    private static String createFlagsTable(String root) {
        return "CREATE TABLE flags (\n"
                + "  service STRING,\n"
                + "  flag STRING,\n"
                + "  enabled BOOLEAN,\n"
                + "  owner STRING,\n"
                + "  version INT METADATA,\n"
                + "  PRIMARY KEY (service, flag) NOT ENFORCED\n"
                + ") WITH (\n"
                + "  'connector' = 'zookeeper',\n"
                + "  'hosts' = '"
                + hosts
                + "',\n"
                + "  'path' = '"
                + root
                + "',\n"
                + "  'format' = 'json',\n"
                + "  'scan.startup.mode' = 'snapshot'\n"
                + ")";
    }

    /**
     * Runs the statements in one SQL client run, in batch mode with synchronous DML, on the table
     * {@code flags} at {@code root}; checks that the client printed no error and that the cluster
     * ran {@code jobs} new jobs, all finished. Returns the client's output.
     */
    private static String runBatchStatements(
            String root, String name, int jobs, String... statements) throws Exception {
        List<String> script =
                new ArrayList<>(
                        List.of(
                                "ADD JAR '" + sqlJar + "'",
                                "SET 'execution.runtime-mode' = 'batch'",
                                "SET 'table.dml-sync' = 'true'",
                                "SET 'sql-client.execution.result-mode' = 'tableau'",
                                createFlagsTable(root)));
        script.addAll(List.of(statements));
        Path file = flink.runDir().resolve(name + ".sql");
        Files.writeString(file, String.join(";\n\n", script) + ";\n", StandardCharsets.UTF_8);
        Map<String, String> before = jobStates();
        long start = System.nanoTime();
        LocalFlinkDeployment.ClientRun run =
                flink.runSqlClient(name, List.of("-f", file.toString()), CLIENT_TIMEOUT);
        String output = withoutAnsi(run.output);
        System.out.printf(
                "SQL client (%s) finished in %d ms with exit code %d:%n%s%n",
                name, (System.nanoTime() - start) / 1_000_000, run.exitCode, output);
        // The exit code is 0 even when a statement fails; the output says so.
        assertThat(run.exitCode).isZero();
        assertThat(output).as(name).doesNotContain("[ERROR]").doesNotContain("Exception");
        assertNewJobsFinished(before, jobs, String.join("; ", statements));
        return output;
    }

    /** The state of every job the cluster has run so far, by job ID. */
    private static Map<String, String> jobStates() throws Exception {
        Map<String, String> states = new TreeMap<>();
        for (JsonNode job : JSON.readTree(flink.jobManagerGet("/jobs/overview")).get("jobs")) {
            states.put(job.get("jid").asText(), job.get("state").asText());
        }
        return states;
    }

    /** Checks that the jobs started since {@code before} are {@code count} finished ones. */
    private static void assertNewJobsFinished(
            Map<String, String> before, int count, String statement) throws Exception {
        Map<String, String> started = jobStates();
        started.keySet().removeAll(before.keySet());
        assertThat(started.values())
                .as("the jobs run by " + statement)
                .hasSize(count)
                .allSatisfy(state -> assertThat(state).isEqualTo("FINISHED"));
    }

    /** Polls {@code check} every 100 ms until it holds, for at most STATEMENT_TIMEOUT. */
    private static void awaitCondition(String what, Callable<Boolean> check) throws Exception {
        long deadline = System.nanoTime() + STATEMENT_TIMEOUT.toNanos();
        while (!check.call()) {
            assertThat(System.nanoTime())
                    .as("waiting %s for %s", STATEMENT_TIMEOUT, what)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void printLogTails() {
        if (flink != null) {
            System.out.println(flink.logTails(80));
        }
    }

    private static Path sqlJar(Path dir) throws IOException {
        List<Path> jars;
        try (Stream<Path> list = Files.list(dir)) {
            jars =
                    list.filter(
                                    p ->
                                            p.getFileName()
                                                    .toString()
                                                    .matches(
                                                            "flink-sql-connector-zookeeper-.*\\.jar"))
                            .collect(Collectors.toList());
        }
        assertThat(jars).as("the SQL jar copied into " + dir).hasSize(1);
        return jars.get(0).toAbsolutePath();
    }

    /** Waits, bounded, until the running client has printed a row ending with {@code cells}. */
    private static void awaitClientRow(
            Path out,
            CompletableFuture<LocalFlinkDeployment.ClientRun> run,
            List<String> cells,
            String what)
            throws Exception {
        long deadline = System.nanoTime() + STATEMENT_TIMEOUT.toNanos();
        while (true) {
            // The client's JVM creates the file when it starts.
            String output =
                    Files.exists(out)
                            ? withoutAnsi(Files.readString(out, StandardCharsets.UTF_8))
                            : "";
            if (tableauRows(output).stream()
                    .anyMatch(r -> r.size() == 7 && r.subList(2, 7).equals(cells))) {
                return;
            }
            assertThat(run.isDone())
                    .as("the SQL client ended before it printed %s: %s", what, output)
                    .isFalse();
            assertThat(System.nanoTime())
                    .as("the SQL client printed %s within %s: %s", what, STATEMENT_TIMEOUT, output)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String withoutAnsi(String text) {
        return text.replaceAll("\u001B\\[[0-9;]*[A-Za-z]", "");
    }

    private static Path lookupJoinScript() {
        Path script =
                Paths.get(
                        System.getProperty(
                                "quickstart.lookup.script", "../examples/lookup-join.sql"));
        assertThat(script).as("the lookup join script of the repository").isRegularFile();
        return script;
    }

    private static Path quickstartScript() {
        Path script =
                Paths.get(System.getProperty("quickstart.script", "../examples/quickstart.sql"));
        assertThat(script).as("the quickstart script of the repository").isRegularFile();
        return script;
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

    private static String readEntry(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name + " in " + jar.getName()).isNotNull();
        return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
}
