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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
                                script().toString(),
                                "--lookup-script",
                                lookupScript().toString())
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

        // The lookup join: the flag's old value in a row printed before the flip, the new value
        // (and the node's new version) in a row printed after it.
        int flip = output.indexOf("setData " + LookupJoinDemo.FLIPPED_PATH);
        assertThat(flip).as("the demo flips the flag").isPositive();
        Matcher before =
                Pattern.compile(
                                "\\| \\d+ +\\| checkout +\\| one-click-buy +\\| false +\\| 0 +\\| 0 +\\|")
                        .matcher(output);
        assertThat(before.find()).as("a row with the old value").isTrue();
        assertThat(before.start()).as("the old value is printed before the flip").isLessThan(flip);
        Matcher after =
                Pattern.compile(
                                "\\| \\d+ +\\| checkout +\\| one-click-buy +\\| true +\\| 100 +\\| 1 +\\|")
                        .matcher(output);
        assertThat(after.find()).as("a row with the new value").isTrue();
        assertThat(after.start()).as("the new value is printed after the flip").isGreaterThan(flip);
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
            result =
                    QuickstartDemo.run(zooKeeper.getConnectString(), script(), lookupScript(), out);
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

        assertLookupJoinRows(result);
    }

    /**
     * The lookup join's rows: one per event, in order; checkout/new-cart-ui as seeded throughout;
     * checkout/one-click-buy off before the flip, and after it the old value for at most the rows
     * already under way, then only the new value.
     */
    private static void assertLookupJoinRows(QuickstartDemo.Result result) {
        List<Row> all = new ArrayList<>(result.lookupRowsBefore);
        all.addAll(result.lookupRowsAfter);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).getField(0)).as("event ids in order").isEqualTo(i + 1L);
        }
        List<Object> oldValue = Arrays.asList(false, 0, 0);
        List<Object> newValue = Arrays.asList(true, 100, 1);
        assertThat(fields(result.lookupRowsBefore))
                .containsExactly(
                        Arrays.asList(1L, "checkout", "new-cart-ui", true, 25, 0),
                        Arrays.asList(2L, "checkout", "one-click-buy", false, 0, 0),
                        Arrays.asList(3L, "checkout", "new-cart-ui", true, 25, 0),
                        Arrays.asList(4L, "checkout", "one-click-buy", false, 0, 0));

        List<List<Object>> states = new ArrayList<>();
        for (List<Object> row : fields(result.lookupRowsAfter)) {
            if (row.get(2).equals("new-cart-ui")) {
                assertThat(row.subList(3, 6)).isEqualTo(Arrays.asList(true, 25, 0));
            } else {
                assertThat(row.get(2)).isEqualTo(LookupJoinDemo.FLIPPED_FLAG);
                states.add(row.subList(3, 6));
            }
        }
        assertThat(states).isSubsetOf(oldValue, newValue);
        assertThat(states.subList(states.indexOf(newValue), states.size()))
                .as("once the new value shows, it stays")
                .containsOnly(newValue)
                .hasSize(LookupJoinDemo.CHANGED_ROWS_AFTER);
    }

    private static Path script() {
        Path script =
                Paths.get(System.getProperty("quickstart.script", "../examples/quickstart.sql"));
        assertThat(script).as("the quickstart script of the repository").isRegularFile();
        assertThat(Files.isReadable(script)).isTrue();
        return script;
    }

    private static Path lookupScript() {
        Path script =
                Paths.get(
                        System.getProperty(
                                "quickstart.lookup.script", "../examples/lookup-join.sql"));
        assertThat(script).as("the lookup join script of the repository").isRegularFile();
        return script;
    }

    private static List<List<Object>> rowsOf(QuickstartDemo.Result result, String fromClause) {
        List<Map.Entry<String, List<Row>>> matches =
                result.queryResults.entrySet().stream()
                        .filter(e -> e.getKey().contains(fromClause))
                        .collect(Collectors.toList());
        assertThat(matches).as("SELECT statements " + fromClause).hasSize(1);
        return fields(matches.get(0).getValue());
    }

    private static List<List<Object>> fields(List<Row> rows) {
        List<List<Object>> result = new ArrayList<>();
        for (Row row : rows) {
            List<Object> fields = new ArrayList<>();
            for (int i = 0; i < row.getArity(); i++) {
                fields.add(row.getField(i));
            }
            result.add(fields);
        }
        return result;
    }
}
