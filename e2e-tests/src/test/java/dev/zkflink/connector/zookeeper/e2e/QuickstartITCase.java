package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.types.Row;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the quickstart, with the script from the repository, against a ZooKeeper test server and
 * checks what it wrote with its own ZooKeeper client.
 */
class QuickstartITCase {
    private static TestingServer zooKeeper;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zooKeeper = new TestingServer(true);
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        zooKeeper.close();
    }

    /**
     * The demo as README command 1 starts it: its own JVM, its own embedded ZooKeeper, the
     * repository's script, exit code 0.
     */
    @Test
    void mainRunsTheDemoOnItsOwnEmbeddedZooKeeper() throws Exception {
        Path log = Files.createTempFile("quickstart-main", ".out");
        Process demo =
                new ProcessBuilder(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                QuickstartDemo.class.getName(),
                                "--script",
                                script().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean exited = demo.waitFor(180, java.util.concurrent.TimeUnit.SECONDS);
        if (!exited) {
            demo.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(exited).as("the demo exits by itself").isTrue();
        assertThat(demo.exitValue()).isZero();
        assertThat(output)
                .contains("Started an embedded ZooKeeper server")
                .contains("{\"flag_count\":3,\"enabled_count\":2,\"avg_rollout\":62.5}")
                .contains("{\"flag_count\":4,\"enabled_count\":3,\"avg_rollout\":56.7}")
                .contains("{\"flag_count\":2,\"enabled_count\":2,\"avg_rollout\":55.0}")
                .contains("Quickstart finished.");
    }

    @Test
    void writesThePerServiceSummaryOfTheSeededFlags() throws Exception {
        // A leftover of an earlier run, which the quickstart must replace.
        try (CuratorFramework client = QuickstartDemo.connect(zooKeeper.getConnectString())) {
            client.create()
                    .creatingParentsIfNeeded()
                    .forPath(QuickstartDemo.SUMMARY_PATH + "/stale", "{}".getBytes());
        }

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        QuickstartDemo.Result result;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            result = QuickstartDemo.run(zooKeeper.getConnectString(), script(), out);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        QuickstartTreeAssertions.assertScriptResult(zooKeeper.getConnectString());

        // What the demo read back and printed matches what is in ZooKeeper.
        assertThat(result.summaryZnodes).hasSize(3);
        assertThat(output)
                .contains("/demo/flags/inventory")
                .contains("/demo/summary/payments")
                .contains("{\"flag_count\":4,\"enabled_count\":3,\"avg_rollout\":56.7}");

        // The two SELECTs of the script.
        assertThat(result.queryResults).hasSize(2);
        List<List<Object>> flags = rowsOf(result, "FROM flags");
        assertThat(flags).hasSize(QuickstartDemo.FLAGS.size());
        assertThat(flags)
                .contains(
                        Arrays.asList("payments", "wallet-google-pay", true, 20, "team-d", 1),
                        Arrays.asList("search", "typo-tolerance", true, 100, "team-c", 0));
        assertThat(rowsOf(result, "FROM service_summary"))
                .containsExactly(
                        Arrays.asList("checkout", 3L, 2L, 62.5),
                        Arrays.asList("payments", 4L, 3L, 56.7),
                        Arrays.asList("search", 2L, 2L, 55.0));
    }

    private static Path script() {
        Path script =
                Paths.get(System.getProperty("quickstart.script", "../examples/quickstart.sql"));
        assertThat(script).as("the quickstart script of the repository").isRegularFile();
        assertThat(Files.isReadable(script)).isTrue();
        return script;
    }

    private static List<List<Object>> rowsOf(QuickstartDemo.Result result, String fromClause) {
        List<Map.Entry<String, List<Row>>> matches =
                result.queryResults.entrySet().stream()
                        .filter(e -> e.getKey().contains(fromClause))
                        .collect(Collectors.toList());
        assertThat(matches).as("SELECT statements " + fromClause).hasSize(1);
        List<List<Object>> rows = new ArrayList<>();
        for (Row row : matches.get(0).getValue()) {
            List<Object> fields = new ArrayList<>();
            for (int i = 0; i < row.getArity(); i++) {
                fields.add(row.getField(i));
            }
            rows.add(fields);
        }
        return rows;
    }
}
