package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.zkflink.connector.zookeeper.testutils.FlinkSql.ON_CONFLICT_DEDUPLICATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TRUNCATE TABLE, DELETE pushed down to subtree deletes, and INSERT OVERWRITE, in batch mode
 * through SQL, checked with a plain client; and what Flink says about them in streaming mode.
 */
class ZooKeeperRowLevelITCase extends ZooKeeperTableTestBase {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String LEVELS =
            "(service STRING, instance STRING, v STRING, PRIMARY KEY (service, instance) NOT ENFORCED)";
    private static final String KV = "(k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED)";

    /** A top-level namespace of its own, so the server's read counters see only this test. */
    private static String newNamespace(String name) {
        return "rl-" + name + NAMESPACES.incrementAndGet();
    }

    /** A batch TableEnvironment, as the SQL client has with 'execution.runtime-mode' = 'batch'. */
    private static TableEnvironment batchEnv() {
        return TableEnvironment.create(EnvironmentSettings.inBatchMode());
    }

    /**
     * Table {@code t} in a batch environment. A DELETE plans a scan of the table even when it is
     * pushed down, and batch mode accepts only a bounded scan: 'snapshot'.
     */
    private static TableEnvironment table(String columns, String root, String... options)
            throws Exception {
        TableEnvironment tEnv = batchEnv();
        String[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = "'scan.startup.mode' = 'snapshot'";
        options = all;
        createTable(tEnv, columns, root, options);
        return tEnv;
    }

    private static void createTable(
            TableEnvironment tEnv, String columns, String root, String... options)
            throws Exception {
        tEnv.executeSql("CREATE TABLE t " + columns + " WITH (" + with(root, options) + ")")
                .await();
    }

    /** The rows of a levels table with two key columns: {@code service/instance -> v}. */
    private static Map<String, String> rows(String root) throws Exception {
        return trees.level(root, 2);
    }

    private static long deleted(TableEnvironment tEnv, String statement) throws Exception {
        TableResult tableResult = tEnv.executeSql(statement);
        assertThat(tableResult.getResolvedSchema().getColumnNames())
                .containsExactly("rows affected");
        List<Row> result = collect(tableResult);
        assertThat(result).as("the result of " + statement).hasSize(1);
        return (Long) result.get(0).getField(0);
    }

    private static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- TRUNCATE

    @Test
    void truncateDeletesEveryRowAndKeepsTheRoot() throws Exception {
        String root = newRoot("truncate");
        trees.put(root + "/a/i1", "1");
        trees.put(root + "/a/i1/below/row", "not a row"); // goes with its row
        trees.put(root + "/b/i2", "2");
        trees.put(root + "/empty", ""); // an intermediate node without rows
        TableEnvironment tEnv = table(LEVELS, root);

        tEnv.executeSql("TRUNCATE TABLE t").await();

        assertThat(trees.exists(root)).isTrue();
        assertThat(trees.tree(root)).isEmpty();
        assertThat(collect(tEnv.executeSql("SELECT * FROM t"))).isEmpty();
    }

    @Test
    void truncateOfAMissingRootDoesNothing() throws Exception {
        String root = newRoot("truncate-missing");
        TableEnvironment tEnv = table(KV, root);
        tEnv.executeSql("TRUNCATE TABLE t").await();
        assertThat(trees.exists(root)).isFalse();
    }

    /**
     * A parent wider than one response of the default 1 MiB and one transaction: 20,000 children
     * with 60-character names list as about 1.3 MB, and their deletes would make a 1.6 MB multi()
     * if the row bound did not cut it ('sink.buffer-flush.max-rows' is set far above).
     */
    @Test
    void deleteAllOfAWideParentStaysWithinJuteMaxBuffer() throws Exception {
        String root = newRoot("truncate-wide");
        int n = 20_000;
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(String.format("%060d", i));
        }
        trees.createChildren(root, names, Collections.nCopies(n, new byte[0]));
        TableEnvironment tEnv =
                table(
                        KV,
                        root,
                        "'key.mode' = 'relative-path'",
                        "'sink.buffer-flush.max-rows' = '100000'");

        assertThat(deleted(tEnv, "DELETE FROM t")).isEqualTo(n);
        assertThat(trees.client().getChildren().forPath(root)).isEmpty();
    }

    @Test
    void truncateUnderTheZooKeeperRootKeepsZooKeepersOwnNodes() throws Exception {
        try (TestingServer own = new TestingServer(true);
                ZooKeeperTrees ownTrees = new ZooKeeperTrees(own.getConnectString())) {
            ownTrees.put("/a", "1");
            ownTrees.put("/b/c", "2");
            Map<String, String> systemBefore = ownTrees.tree("/zookeeper");
            TableEnvironment tEnv = batchEnv();
            tEnv.executeSql(
                            "CREATE TABLE t "
                                    + KV
                                    + " WITH ('connector' = 'zookeeper', 'hosts' = '"
                                    + own.getConnectString()
                                    + "', 'path' = '/', 'key.mode' = 'relative-path')")
                    .await();

            tEnv.executeSql("TRUNCATE TABLE t").await();

            assertThat(ownTrees.client().getChildren().forPath("/")).containsExactly("zookeeper");
            assertThat(ownTrees.tree("/zookeeper")).isEqualTo(systemBefore).isNotEmpty();
        }
    }

    @Test
    void truncateStopsAtANodeItMayNotListNamingThePathAndTheCode() throws Exception {
        String root = newRoot("truncate-noauth");
        String adminAuth = "admin:admin-pw";
        List<ACL> adminOnly =
                new ArrayList<>(
                        Collections.singletonList(
                                new ACL(
                                        ZooDefs.Perms.ALL,
                                        new Id(
                                                "digest",
                                                DigestAuthenticationProvider.generateDigest(
                                                        adminAuth)))));
        trees.put(root + "/open/i1", "1");
        try (CuratorFramework admin =
                CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new RetryOneTime(100))
                        .authorization("digest", adminAuth.getBytes(StandardCharsets.UTF_8))
                        .build()) {
            admin.start();
            admin.blockUntilConnected();
            admin.create().withACL(adminOnly).forPath(root + "/locked", new byte[0]);
            admin.create().withACL(adminOnly).forPath(root + "/locked/i1", new byte[0]);
        }
        TableEnvironment tEnv =
                table(
                        KV,
                        root,
                        "'key.mode' = 'relative-path'",
                        "'auth.digest.user' = 'app'",
                        "'auth.digest.password' = 'app-pw-123'");

        assertThatThrownBy(() -> tEnv.executeSql("TRUNCATE TABLE t"))
                .satisfies(
                        e -> {
                            String messages = allMessages(e);
                            assertThat(messages)
                                    .contains(
                                            "Listing the children of znode '"
                                                    + root
                                                    + "/locked' failed with ZooKeeper code NOAUTH (-102)")
                                    .contains("failed after deleting 0 rows")
                                    .contains("'auth.digest.user' = 'app'")
                                    .doesNotContain("app-pw-123");
                        });
        // Sorted: 'locked' is walked before 'open', so nothing was deleted.
        assertThat(trees.exists(root + "/open/i1")).isTrue();
    }

    // ---------------------------------------------------------------- DELETE

    /** Four services with rows of 2,000 bytes, a non-row node below one row. */
    private static String seedServices(String ns) throws Exception {
        String root = "/" + ns + "/t";
        byte[] value = new byte[2000];
        Arrays.fill(value, (byte) 'x');
        for (String service : Arrays.asList("a", "b", "c", "d")) {
            trees.createChildren(
                    root + "/" + service,
                    Arrays.asList("i1", "i2", "i3"),
                    Collections.nCopies(3, value));
        }
        trees.put(root + "/d/i1/extra", "not a row");
        return root;
    }

    @Test
    void deleteByLeadingKeysRemovesSubtreesWithoutReadingARow() throws Exception {
        String ns = newNamespace("delete");
        String root = seedServices(ns);
        TableEnvironment tEnv = table(LEVELS, root);

        long[] before = ServerStats.readsIn(server.getPort(), ns);
        assertThat(deleted(tEnv, "DELETE FROM t WHERE service = 'a'")).isEqualTo(3);
        assertThat(deleted(tEnv, "DELETE FROM t WHERE service IN ('b', 'zz')")).isEqualTo(3);
        assertThat(deleted(tEnv, "DELETE FROM t WHERE service = 'd' AND instance = 'i1'"))
                .isEqualTo(1); // the row, with the non-row node below it
        assertThat(
                        deleted(
                                tEnv,
                                "DELETE FROM t WHERE service = 'c' AND (instance = 'i1' OR instance = 'i3')"))
                .isEqualTo(2);
        long[] during = ServerStats.readsIn(server.getPort(), ns);

        assertThat(trees.tree(root)).containsOnlyKeys("c", "c/i2", "d", "d/i2", "d/i3");
        // Only listings were read: 9 rows of 2,000 bytes were deleted, and reading even one
        // would add 2,000 bytes.
        assertThat(during[1] - before[1]).as("bytes read").isLessThan(2000);

        // The measure sees row reads: a scan of the 3 rows left reads their 6,000 bytes.
        assertThat(collect(tEnv.executeSql("SELECT * FROM t"))).hasSize(3);
        long[] afterScan = ServerStats.readsIn(server.getPort(), ns);
        assertThat(afterScan[1] - during[1]).as("bytes read by a scan").isGreaterThan(6000);

        assertThat(deleted(tEnv, "DELETE FROM t")).isEqualTo(3);
        assertThat(trees.exists(root)).isTrue();
        assertThat(trees.tree(root)).isEmpty();
    }

    /**
     * Flink plans a scan of the table for every DELETE, also one it pushes down, and in batch mode
     * refuses an unbounded scan. Nothing is read: the hint only makes the plan bounded.
     */
    @Test
    void aDeleteNeedsABoundedScanEvenWhenItReadsNothing() throws Exception {
        String root = newRoot("delete-unbounded");
        trees.put(root + "/a/i1", "1");
        TableEnvironment tEnv = batchEnv();
        createTable(tEnv, LEVELS, root); // 'scan.startup.mode' = 'initial': unbounded

        assertThatThrownBy(() -> tEnv.executeSql("DELETE FROM t WHERE service = 'a'"))
                .hasMessage(
                        "Querying an unbounded table 'default_catalog.default_database.t' in batch"
                                + " mode is not allowed. The table source is unbounded.");
        assertThat(rows(root)).containsOnlyKeys("a/i1");

        assertThat(
                        deleted(
                                tEnv,
                                "DELETE FROM t /*+ OPTIONS('scan.startup.mode'='snapshot') */"
                                        + " WHERE service = 'a'"))
                .isEqualTo(1);
        assertThat(rows(root)).isEmpty();
    }

    @Test
    void keyValuesThatCannotNameANodeDeleteNothing() throws Exception {
        String root = newRoot("delete-illegal");
        trees.put(root + "/a/b", "the row (a, b)");
        trees.put(root + "/a/b/c", "not a row");
        trees.put(root + "/x/y", "the row (x, y)");
        TableEnvironment tEnv = table(LEVELS, root);
        Map<String, String> before = trees.tree(root);

        for (String where :
                Arrays.asList(
                        "service = 'a/b'",
                        "service = ''",
                        "service = '.'",
                        "service = '..'",
                        "service = 'x' AND instance = '../a'",
                        "service IS NULL",
                        "service = 'a' AND service = 'x'")) {
            assertThat(deleted(tEnv, "DELETE FROM t WHERE " + where)).as(where).isZero();
        }
        assertThat(trees.tree(root)).isEqualTo(before);
    }

    @Test
    void deletesThatMustReadRowsDeleteExactlyTheMatchedOnes() throws Exception {
        String[][] cases = {
            {"instance = 'i1'", "a/i2"},
            {"v = '1'", "a/i2,b/i1"},
            {"service = 'a' OR instance = 'i1'", ""},
        };
        for (String[] c : cases) {
            String root = newRoot("delete-row-level");
            trees.put(root + "/a/i1", "1");
            trees.put(root + "/a/i2", "3");
            trees.put(root + "/b/i1", "2");
            TableEnvironment levels = table(LEVELS, root);
            levels.executeSql("DELETE FROM t WHERE " + c[0]).await();
            assertThat(String.join(",", trees.level(root, 2).keySet())).as(c[0]).isEqualTo(c[1]);
        }

        // In relative-path mode a row holds the rows below it: refused, nothing deleted.
        String relRoot = newRoot("delete-refused-rel");
        trees.put(relRoot + "/a", "1");
        trees.put(relRoot + "/a/b", "2");
        TableEnvironment relative = table(KV, relRoot, "'key.mode' = 'relative-path'");
        Map<String, String> relativeBefore = trees.tree(relRoot);
        assertThatThrownBy(() -> relative.executeSql("DELETE FROM t WHERE k = 'a'"))
                .hasStackTraceContaining("rows the statement does not match");
        assertThat(trees.tree(relRoot)).isEqualTo(relativeBefore);
    }

    // ---------------------------------------------------------------- INSERT OVERWRITE

    @Test
    void insertOverwriteLeavesExactlyTheResultsRows() throws Exception {
        String root = newRoot("overwrite");
        trees.put(root + "/a/i1", "old");
        trees.put(root + "/a/i1/below", "stays with its row");
        trees.put(root + "/a/i2", "stale");
        trees.put(root + "/b/i1", "stale");
        trees.put(root + "/c", ""); // intermediate, no rows
        TableEnvironment tEnv = table(LEVELS, root);

        tEnv.executeSql(
                        "INSERT OVERWRITE t VALUES ('a', 'i1', 'new'), ('b', 'i9', 'x'), ('e', 'i1', 'y')")
                .await();

        Map<String, String> expected = new TreeMap<>();
        expected.put("a", "");
        expected.put("a/i1", "new");
        expected.put("a/i1/below", "stays with its row");
        expected.put("b", "");
        expected.put("b/i9", "x");
        expected.put("e", "");
        expected.put("e/i1", "y");
        assertThat(trees.tree(root)).isEqualTo(expected);
    }

    @Test
    void insertOverwriteInRelativePathModeKeepsTheAncestorsOfWrittenRows() throws Exception {
        String root = newRoot("overwrite-rel");
        trees.put(root + "/a", "old a");
        trees.put(root + "/a/b", "old b");
        trees.put(root + "/a/b/c", "stale");
        trees.put(root + "/a/d", "stale");
        trees.put(root + "/x/y", "stale");
        TableEnvironment tEnv = table(KV, root, "'key.mode' = 'relative-path'");

        tEnv.executeSql("INSERT OVERWRITE t VALUES ('a/b', 'new b'), ('z/w', 'w')").await();

        Map<String, String> expected = new TreeMap<>();
        expected.put("a", "old a"); // the parent of a written row: not in the result, kept
        expected.put("a/b", "new b");
        expected.put("z", ""); // created as the parent of z/w
        expected.put("z/w", "w");
        assertThat(trees.tree(root)).isEqualTo(expected);
    }

    @Test
    void insertOverwriteWithAnEmptyResultDeletesEveryRow() throws Exception {
        String root = newRoot("overwrite-empty");
        trees.put(root + "/a/i1", "1");
        trees.put(root + "/b/i2", "2");
        TableEnvironment tEnv = table(LEVELS, root);

        tEnv.executeSql("INSERT OVERWRITE t SELECT * FROM t WHERE v = 'none'").await();

        assertThat(trees.exists(root)).isTrue();
        assertThat(trees.tree(root)).isEmpty();
    }

    @Test
    void insertOverwriteWithExactlyOnceIsRefusedAtPlanning() throws Exception {
        String root = newRoot("overwrite-eo");
        trees.put(root + "/a/i1", "1");
        TableEnvironment tEnv = table(LEVELS, root, "'sink.delivery-guarantee' = 'exactly-once'");

        assertThatThrownBy(() -> tEnv.executeSql("INSERT OVERWRITE t VALUES ('b', 'i1', 'x')"))
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .contains(
                                                "cannot use 'sink.delivery-guarantee' = 'exactly-once'"));
        assertThat(rows(root)).containsOnlyKeys("a/i1");

        // The way out the error names works.
        tEnv.executeSql(
                        "INSERT OVERWRITE t /*+ OPTIONS('sink.delivery-guarantee'='at-least-once') */"
                                + " VALUES ('b', 'i1', 'x')")
                .await();
        assertThat(rows(root)).containsOnlyKeys("b/i1");
    }

    // ---------------------------------------------------------------- streaming mode

    @Test
    void streamingModeRefusesEveryStatementWithFlinksOwnMessage() throws Exception {
        String root = newRoot("streaming");
        trees.put(root + "/a/i1", "1");
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        createTable(tEnv, LEVELS, root);

        assertThatThrownBy(() -> tEnv.executeSql("TRUNCATE TABLE t"))
                .hasMessage("TRUNCATE TABLE statement is not supported in streaming mode.");
        assertThatThrownBy(() -> tEnv.executeSql("DELETE FROM t WHERE service = 'a'"))
                .hasMessage("DELETE statement is not supported for streaming mode now.");
        assertThatThrownBy(() -> tEnv.executeSql("DELETE FROM t"))
                .hasMessage("DELETE statement is not supported for streaming mode now.");
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql(
                                        "INSERT OVERWRITE t VALUES ('b', 'i1', 'x')"
                                                + ON_CONFLICT_DEDUPLICATE))
                // Flink itself accepts it: the connector refuses it while planning.
                .hasMessage(
                        "INSERT OVERWRITE into the 'zookeeper' table at '"
                                + root
                                + "' runs only in batch mode ('execution.runtime-mode' = 'batch'): the rows"
                                + " not in the result are deleted when the input ends, and a streaming"
                                + " input does not end.");

        assertThat(rows(root)).containsOnlyKeys("a/i1");
    }
}
