package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filter, projection and limit pushdown through SQL: the same rows as without it, and fewer reads
 * (the server's own per-namespace read counters).
 */
class ZooKeeperPushdownITCase extends ZooKeeperTableTestBase {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** A root in a top-level namespace of its own, so the server counts its reads apart. */
    private static String newNamespace(String name) {
        return name + NAMESPACES.incrementAndGet();
    }

    private static void createLevelsTable(StreamTableEnvironment tEnv, String root) {
        tEnv.executeSql(
                "CREATE TABLE t (service STRING, instance STRING, v STRING,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'")
                        + ")");
    }

    /**
     * Flink on its own: a table {@code t} holding the rows {@code SELECT *} reads from {@code
     * source}, as in-memory values, so Flink evaluates every predicate itself.
     */
    private static StreamTableEnvironment plainCopy(
            StreamTableEnvironment source, String... columns) throws Exception {
        List<Row> rows = collect(source.executeSql("SELECT * FROM t"));
        DataTypes.Field[] fields = new DataTypes.Field[columns.length];
        for (int i = 0; i < columns.length; i++) {
            fields[i] = DataTypes.FIELD(columns[i], DataTypes.STRING());
        }
        StreamTableEnvironment plain = streamingTableEnv();
        plain.createTemporaryView("t", plain.fromValues(DataTypes.ROW(fields), rows));
        return plain;
    }

    private static List<String> sorted(List<String> rows) {
        List<String> out = new ArrayList<>(rows);
        Collections.sort(out);
        return out;
    }

    @Test
    void levelsFiltersReturnWhatFlinkReturns() throws Exception {
        String root = newRoot("levels");
        for (String service : Arrays.asList("a", "b", "c", "ab")) {
            for (String instance : Arrays.asList("i1", "i2", "i3")) {
                trees.put(root + "/" + service + "/" + instance, service + "-" + instance);
            }
        }
        trees.put(root + "/a/i1/deeper", "not a row");
        StreamTableEnvironment pushed = streamingTableEnv();
        createLevelsTable(pushed, root);
        StreamTableEnvironment plain = plainCopy(pushed, "service", "instance", "v");

        String[][] cases = {
            // where clause, expected row count, pushed filter (null: nothing pushed)
            {"service = 'a'", "3", "prefixes=[a]"},
            {"'b' = service", "3", "prefixes=[b]"},
            {"service IN ('a', 'b')", "6", "prefixes=[a, b]"},
            {"service = 'a' OR service = 'c'", "6", "prefixes=[a, c]"},
            {"service = 'a' AND instance = 'i2'", "1", "prefixes=[a/i2]"},
            {
                "service IN ('a', 'b') AND instance IN ('i1', 'i3')",
                "4",
                "prefixes=[a/i1, a/i3, b/i1, b/i3]"
            },
            {"service = 'a' AND service = 'b'", "0", null}, // Flink drops the scan itself
            {"instance = 'i1'", "4", null},
            {"v = 'a-i1'", "1", null},
            {"service = 'a' OR instance = 'i2'", "6", null},
            {"service = 'a' AND v = 'a-i3'", "1", "prefixes=[a]"},
            {"service LIKE 'a%'", "6", null},
            {"service = ''", "0", "prefixes=[]"},
            {"service = 'a/i1'", "0", "prefixes=[]"},
            {"service = 'a' AND instance = '..'", "0", "prefixes=[]"},
        };
        for (String[] c : cases) {
            String query = "SELECT * FROM t WHERE " + c[0];
            List<String> rows = sorted(collectStrings(pushed.executeSql(query)));
            assertThat(rows).as(query).hasSize(Integer.parseInt(c[1]));
            assertThat(rows).as(query).isEqualTo(sorted(collectStrings(plain.executeSql(query))));
            String summary = scanSummary(pushed, query);
            if (c[2] == null) {
                assertThat(summary).as(query).doesNotContain("snapshot, filter=");
            } else {
                assertThat(summary).as(query).contains("snapshot, filter=[" + c[2] + "])");
            }
        }
    }

    @Test
    void relativePathFiltersReturnWhatFlinkReturns() throws Exception {
        String root = newRoot("relative");
        for (String p :
                Arrays.asList("a", "a/b", "a/b/c", "a/b/c/d", "a/x", "ab", "ab/c", "b", "b/a")) {
            trees.put(root + "/" + p, p.toUpperCase());
        }
        String ddl =
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'key.mode' = 'relative-path'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")";
        StreamTableEnvironment pushed = streamingTableEnv();
        pushed.executeSql(ddl);
        StreamTableEnvironment plain = plainCopy(pushed, "k", "v");
        String[][] cases = {
            {"k = 'a/b'", "1", "nodes=[a/b]"},
            {"k IN ('a/b', 'b')", "2", "nodes=[a/b, b]"},
            {"k LIKE 'a/%'", "4", "below=[a]"},
            {"k LIKE 'a/b/%'", "2", "below=[a/b]"},
            {"k LIKE 'a/%' AND k = 'a/x'", "1", "nodes=[a/x]"},
            {"k LIKE 'a/%' AND k = 'a'", "0", "prefixes=[]"},
            {"k LIKE 'a_b/%'", "2", null},
            {"k LIKE 'a_/%'", "1", null},
            {"k LIKE 'a%'", "7", null},
            {"k LIKE '%/c'", "2", null},
            {"k = ''", "0", "prefixes=[]"},
            {"k = 'a//b'", "0", "prefixes=[]"},
            {"k = '/a'", "0", "prefixes=[]"},
            {"k LIKE '/%'", "0", "prefixes=[]"},
            {"v = 'AB'", "1", null},
        };
        for (String[] c : cases) {
            String query = "SELECT * FROM t WHERE " + c[0];
            List<String> rows = sorted(collectStrings(pushed.executeSql(query)));
            assertThat(rows).as(query).hasSize(Integer.parseInt(c[1]));
            assertThat(rows).as(query).isEqualTo(sorted(collectStrings(plain.executeSql(query))));
            String summary = scanSummary(pushed, query);
            if (c[2] == null) {
                assertThat(summary).as(query).doesNotContain("snapshot, filter=");
            } else {
                assertThat(summary).as(query).contains("snapshot, filter=[" + c[2] + "])");
            }
        }
    }

    /** The plan down to the job's operators, whose scan is named by the source's summary. */
    private static String scanSummary(StreamTableEnvironment tEnv, String query) {
        return tEnv.explainSql(query, ExplainDetail.JSON_EXECUTION_PLAN);
    }

    @Test
    void explainShowsThePushedFilterAndProjection() {
        String root = newRoot("explain");
        StreamTableEnvironment tEnv = streamingTableEnv();
        createLevelsTable(tEnv, root);
        String plan = tEnv.explainSql("SELECT instance FROM t WHERE service = 'a'");
        assertThat(plan).contains("filter=[=(service, _UTF-16LE'a'");
        assertThat(plan).contains("project=[instance]");
        assertThat(plan).doesNotContain("where="); // nothing left for Flink to filter
    }

    @Test
    void aFilterOnTheFirstKeyReadsOnlyItsSubtree() throws Exception {
        String ns = newNamespace("pdfilter");
        String root = "/" + ns + "/t";
        build100Subtrees(root);
        StreamTableEnvironment tEnv = streamingTableEnv();
        createLevelsTable(tEnv, root);

        long[] all = readsDuring(ns, () -> collect(tEnv.executeSql("SELECT * FROM t")), 500);
        long[] one =
                readsDuring(
                        ns,
                        () -> collect(tEnv.executeSql("SELECT * FROM t WHERE service = 's042'")),
                        5);
        // All: 1 + 100 listings + 500 getData. One subtree: 1 listing + 5 getData, about 1%.
        assertThat(all[0]).isGreaterThanOrEqualTo(600);
        assertThat(one[0]).isBetween(5L, all[0] * 2 / 100);
    }

    @Test
    void aKeysOnlyProjectionReadsNoData() throws Exception {
        String ns = newNamespace("pdproject");
        String root = "/" + ns + "/t";
        build100Subtrees(root);
        StreamTableEnvironment tEnv = streamingTableEnv();
        createLevelsTable(tEnv, root);
        StreamTableEnvironment batch = batchTableEnv();
        createLevelsTable(batch, root);

        long[] withData =
                readsDuring(ns, () -> collect(tEnv.executeSql("SELECT service, v FROM t")), 500);
        long[] keys =
                readsDuring(
                        ns, () -> collect(tEnv.executeSql("SELECT service, instance FROM t")), 500);
        long[] count =
                readsDuring(
                        ns,
                        () -> {
                            List<Row> rows = collect(batch.executeSql("SELECT COUNT(*) FROM t"));
                            assertThat(rows).hasToString("[+I[500]]");
                            return Collections.nCopies(500, rows.get(0));
                        },
                        500);
        // 500 values of 500 bytes are read with data; listings are a few bytes per name.
        assertThat(withData[1]).isGreaterThan(500L * 500);
        for (long[] r : Arrays.asList(keys, count)) {
            assertThat(r[0]).as("reads").isBetween(101L, 110L); // the listings only
            assertThat(r[1]).as("bytes").isLessThan(withData[1] / 10);
        }
    }

    private static void build100Subtrees(String root) throws Exception {
        byte[] value = new byte[500];
        Arrays.fill(value, (byte) 'x');
        for (int s = 0; s < 100; s++) {
            String service = String.format("s%03d", s);
            List<String> names = Arrays.asList("i1", "i2", "i3", "i4", "i5");
            trees.createChildren(
                    root + "/" + service, names, Collections.nCopies(names.size(), value));
        }
    }

    private interface Query {
        List<?> run() throws Exception;
    }

    /** Runs {@code query}, checks its row count, returns the reads and bytes it cost. */
    private static long[] readsDuring(String namespace, Query query, int expectedRows)
            throws Exception {
        long[] before = ServerStats.readsIn(server.getPort(), namespace);
        assertThat(query.run()).hasSize(expectedRows);
        long[] after = ServerStats.readsIn(server.getPort(), namespace);
        return new long[] {after[0] - before[0], after[1] - before[1]};
    }

    @Test
    void projectionKeepsTheRowsAndOrdersColumnsAsAsked() throws Exception {
        String root = newRoot("project");
        trees.put(root + "/a/i1", "{\"host\":\"h1\",\"port\":1}");
        trees.put(root + "/a/i2", "{\"host\":\"h2\"}");
        trees.put(root + "/b/i1", "");
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (service STRING, instance STRING, host STRING, port INT,"
                        + " ver INT METADATA FROM 'version' VIRTUAL,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'format' = 'json'", "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT port, instance FROM t")))
                .containsExactlyInAnyOrder("+I[1, i1]", "+I[null, i2]", "+I[null, i1]");
        assertThat(collectStrings(tEnv.executeSql("SELECT instance, ver, service FROM t")))
                .containsExactlyInAnyOrder("+I[i1, 0, a]", "+I[i2, 0, a]", "+I[i1, 0, b]");
        assertThat(collectStrings(tEnv.executeSql("SELECT instance FROM t WHERE service = 'a'")))
                .containsExactlyInAnyOrder("+I[i1]", "+I[i2]");
        assertThat(collectStrings(tEnv.executeSql("SELECT host FROM t WHERE port = 1")))
                .containsExactly("+I[h1]");
    }

    @Test
    void relativePathKeysOnlyWalksEveryNode() throws Exception {
        String root = newRoot("relkeys");
        for (String p : Arrays.asList("a", "a/b", "a/b/c", "x", "x/y")) {
            trees.put(root + "/" + p, "data-of-" + p);
        }
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'key.mode' = 'relative-path'",
                                "'scan.startup.mode' = 'snapshot'")
                        + ")");
        assertThat(collectStrings(tEnv.executeSql("SELECT k FROM t")))
                .containsExactlyInAnyOrder("+I[a]", "+I[a/b]", "+I[a/b/c]", "+I[x]", "+I[x/y]");
        assertThat(collectStrings(tEnv.executeSql("SELECT k FROM t WHERE k LIKE 'a/%'")))
                .containsExactlyInAnyOrder("+I[a/b]", "+I[a/b/c]");
        assertThat(collectStrings(tEnv.executeSql("SELECT k FROM t WHERE k = 'a/b'")))
                .containsExactly("+I[a/b]");
        assertThat(collectStrings(tEnv.executeSql("SELECT k FROM t WHERE k = 'a/nope'"))).isEmpty();
    }

    @Test
    void aLimitStopsTheReader() throws Exception {
        String ns = newNamespace("pdlimit");
        String root = "/" + ns + "/t";
        build100Subtrees(root);
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (service STRING, instance STRING, v STRING,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'snapshot'", "'scan.parallelism' = '1'")
                        + ")");
        assertThat(tEnv.explainSql("SELECT * FROM t LIMIT 3")).contains("limit=[3]");
        long[] limited =
                readsDuring(ns, () -> collect(tEnv.executeSql("SELECT * FROM t LIMIT 3")), 3);
        // The planner's listing, then the first split's 25 listings and 3 rows; all: 601 reads.
        assertThat(limited[0]).isBetween(4L, 40L);
        long[] keysOnly =
                readsDuring(ns, () -> collect(tEnv.executeSql("SELECT service FROM t LIMIT 7")), 7);
        assertThat(keysOnly[0]).isBetween(2L, 40L);
    }

    @Test
    void aLiveFilterWatchesOnlyItsSubtree() throws Exception {
        String root = newRoot("live");
        for (String service : Arrays.asList("a", "b")) {
            trees.put(root + "/" + service + "/i1", service + "1");
        }
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (service STRING, instance STRING, v STRING,"
                        + " PRIMARY KEY (service, instance) NOT ENFORCED) WITH ("
                        + with(root, "'scan.startup.mode' = 'initial'")
                        + ")");
        assertThat(tEnv.explainSql("SELECT * FROM t WHERE service = 'a'"))
                .contains("filter=[=(service, _UTF-16LE'a'");
        TableResult result = tEnv.executeSql("SELECT * FROM t WHERE service = 'a'");
        try (CloseableIterator<Row> it = result.collect()) {
            assertThat(it.next()).hasToString("+I[a, i1, a1]");
            awaitWatch(root + "/a");
            assertThat(ServerStats.watchedPaths(server.getPort())).doesNotContain(root);
            trees.put(root + "/b/i1", "b1-new");
            trees.put(root + "/b/i2", "b2");
            trees.put(root + "/a/i1", "a1-new".getBytes(StandardCharsets.UTF_8));
            trees.put(root + "/a/i2", "a2");
            trees.put(root + "/b/i3", "b3");
            trees.put(root + "/a/i3", "last");
            // b's changes come before a/i3's, and rows of different buckets may come in any
            // order: read until all of a's changes arrived, and check nothing of b came.
            List<String> expected =
                    Arrays.asList("+U[a, i1, a1-new]", "+I[a, i2, a2]", "+I[a, i3, last]");
            List<String> changes = new ArrayList<>();
            while (!changes.containsAll(expected)) {
                changes.add(it.next().toString());
            }
            assertThat(changes).noneMatch(r -> r.contains("[b,"));
            assertThat(changes).allMatch(r -> r.contains("[a, "));
        } finally {
            result.getJobClient().get().cancel();
        }
    }

    private static void awaitWatch(String path) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!ServerStats.watchedPaths(server.getPort()).contains(path)) {
            assertThat(System.currentTimeMillis()).as("watch on " + path).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
