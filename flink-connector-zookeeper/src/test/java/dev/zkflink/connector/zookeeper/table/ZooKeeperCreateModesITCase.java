package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.KeeperException;
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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sequential create modes and 'sink.acl' through SQL, checked with a plain client: the names
 * ZooKeeper gives, no duplicate after a lost answer, the ACL of every node the sink creates, and
 * the errors of a malformed ACL or an update of a sequential table.
 */
class ZooKeeperCreateModesITCase extends ZooKeeperTableTestBase {

    @Test
    void sequentialRowsEachCreateANodeNamedByTheKeyAndACounter() throws Exception {
        String root = newRoot("seq");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE jobs (name STRING, v STRING, PRIMARY KEY (name) NOT ENFORCED) WITH ("
                        + with(root, "'sink.create-mode' = 'persistent-sequential'")
                        + ")");
        tEnv.executeSql(
                        "INSERT INTO jobs VALUES ('job-', 'a'), ('job-', 'b'), ('job-', 'c'),"
                                + " ('task-', 'd')")
                .await();
        List<String> names = children(root);
        assertThat(names).hasSize(4);
        for (String n : names) {
            assertThat(n).matches("_c_[0-9a-f-]{36}-(job|task)-\\d{10}");
        }
        List<String> data = new ArrayList<>();
        for (String n : names) {
            data.add(trees.get(root + "/" + n));
        }
        Collections.sort(data);
        assertThat(data).containsExactly("a", "b", "c", "d");
        assertThat(names.stream().filter(n -> n.contains("-job-")).count()).isEqualTo(3);
    }

    @Test
    void aLostAnswerToASequentialCreateNeverCreatesASecondNode() throws Exception {
        String root = newRoot("seq-lost");
        trees.put(root, "");
        try (TcpProxy proxy = new TcpProxy(server.getPort())) {
            StreamTableEnvironment tEnv = batchTableEnv();
            tEnv.executeSql(
                    "CREATE TABLE seq (name STRING, v STRING, PRIMARY KEY (name) NOT ENFORCED)"
                            + " WITH ("
                            + with(root, "'sink.create-mode' = 'persistent-sequential'")
                                    .replace(server.getConnectString(), proxy.connectString())
                            + ", 'sink.buffer-flush.max-rows' = '5')");
            // The server applies each transaction of 5 creates; the proxy closes the
            // connection instead of passing on the answer (at least 300 bytes: not a ping's,
            // not an exists'). The writer retries; the guard finds the nodes already there.
            proxy.dropNextResponses(3, 300);
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                values.append(i == 0 ? "" : ", ").append("('n-', 'v").append(i).append("')");
            }
            tEnv.executeSql("INSERT INTO seq VALUES " + values).await();
            assertThat(proxy.responsesDropped()).as("answers lost").isEqualTo(3);
        }
        List<String> data = new ArrayList<>();
        for (String n : children(root)) {
            data.add(trees.get(root + "/" + n));
        }
        Collections.sort(data);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("v" + i);
        }
        Collections.sort(expected);
        assertThat(data).as("one node per row, none twice").isEqualTo(expected);
    }

    @Test
    void sequentialTablesRefuseUpdatingQueriesAtPlanning() {
        String root = newRoot("seq-updates");
        StreamTableEnvironment tEnv = streamingTableEnv();
        tEnv.executeSql(
                "CREATE TABLE src (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(newRoot("seq-src"))
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE seq (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(root, "'sink.create-mode' = 'persistent-sequential'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO seq SELECT k, v FROM src"))
                .hasStackTraceContaining(
                        "'sink.create-mode' = 'persistent-sequential' is insert-only");
    }

    @Test
    void createdNodesAndParentsGetTheAclAndExistingNodesKeepTheirs() throws Exception {
        String root = newRoot("acl");
        trees.put(root + "/old/keep", "x"); // exists before: keeps the open ACL
        String digest = DigestAuthenticationProvider.generateDigest("app:secret");
        String acl = "world:anyone:r,digest:" + digest + ":cdrwa,ip:127.0.0.0/8:r";
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (a STRING, b STRING, v STRING, PRIMARY KEY (a, b) NOT ENFORCED)"
                        + " WITH ("
                        + with(
                                root,
                                "'auth.digest.user' = 'app'",
                                "'auth.digest.password' = 'secret'",
                                "'sink.acl' = '" + acl + "'")
                        + ")");
        tEnv.executeSql("INSERT INTO t VALUES ('new', 'x', '1'), ('old', 'keep', '2')").await();

        List<ACL> expected =
                Arrays.asList(
                        new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")),
                        new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                        new ACL(ZooDefs.Perms.READ, new Id("ip", "127.0.0.0/8")));
        try (CuratorFramework app = client("app:secret")) {
            assertThat(app.getACL().forPath(root + "/new/x")).isEqualTo(expected);
            assertThat(app.getACL().forPath(root + "/new"))
                    .as("a parent it created")
                    .isEqualTo(expected);
            assertThat(app.getACL().forPath(root + "/old/keep"))
                    .as("an existing node keeps its ACL")
                    .isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
            assertThat(
                            new String(
                                    app.getData().forPath(root + "/old/keep"),
                                    StandardCharsets.UTF_8))
                    .isEqualTo("2");
        }
        // Anyone may read; only 'app' may write.
        assertThat(trees.get(root + "/new/x")).isEqualTo("1");
        assertThatThrownBy(() -> trees.client().setData().forPath(root + "/new/x", new byte[0]))
                .isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void theAuthSchemeGrantsTheTablesOwnIdentity() throws Exception {
        String root = newRoot("acl-auth");
        trees.put(root, "");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(
                                root,
                                "'auth.digest.user' = 'owner'",
                                "'auth.digest.password' = 'pw'",
                                "'sink.acl' = 'auth::cdrwa'")
                        + ")");
        tEnv.executeSql("INSERT INTO t VALUES ('k', 'v')").await();
        try (CuratorFramework owner = client("owner:pw")) {
            assertThat(owner.getACL().forPath(root + "/k"))
                    .containsExactly(
                            new ACL(
                                    ZooDefs.Perms.ALL,
                                    new Id(
                                            "digest",
                                            DigestAuthenticationProvider.generateDigest(
                                                    "owner:pw"))));
        }
        assertThatThrownBy(() -> trees.client().getData().forPath(root + "/k"))
                .isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void malformedAclsFailAtPlanningNamingTheEntry() {
        StreamTableEnvironment tEnv = batchTableEnv();
        String[][] cases = {
            {"world:anyone:rx", "unknown permission 'x'"},
            {"wrold:anyone:r", "unknown scheme 'wrold'"},
            {"world:everyone:r", "the one id 'anyone'"},
            {"ip:10.0.0.300/8:r", "is not an IPv4/IPv6 address"},
            {"digest:app:secret:cdrwa", "user:base64(sha1(user:password))"},
            {"anyone", "not of the form 'scheme:id:perms'"},
            {"auth::cdrwa", "the table has none: set 'auth.digest.user'"},
        };
        int i = 0;
        for (String[] c : cases) {
            String name = "bad" + i++;
            tEnv.executeSql(
                    "CREATE TABLE "
                            + name
                            + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                            + with(newRoot("acl-bad"), "'sink.acl' = '" + c[0] + "'")
                            + ")");
            assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO " + name + " VALUES ('a', 'b')"))
                    .as(c[0])
                    .hasStackTraceContaining("'sink.acl'")
                    .hasStackTraceContaining(c[1]);
        }
        // The connector's own message does not echo a digest entry that may hold a password
        // (Flink's "Table options are" list above it prints the options as written).
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO bad4 VALUES ('a', 'b')"))
                .satisfies(
                        e -> {
                            Throwable root = e;
                            while (root.getCause() != null) {
                                root = root.getCause();
                            }
                            assertThat(root.getMessage())
                                    .contains("digest:<user>:<hash>:<perms>")
                                    .doesNotContain("secret");
                        });
    }

    @Test
    void aRowBelowAnEphemeralNodeFailsNamingTheReason() throws Exception {
        String root = newRoot("eph-parent");
        trees.put(root, "");
        // Another session's ephemeral node where the table expects a persistent parent.
        trees.client()
                .create()
                .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                .forPath(root + "/svc");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (a STRING, b STRING, v STRING, PRIMARY KEY (a, b) NOT ENFORCED)"
                        + " WITH ("
                        + with(root)
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO t VALUES ('svc', 'x', 'v')").await())
                .hasStackTraceContaining("NOCHILDRENFOREPHEMERALS")
                .hasStackTraceContaining("ephemeral nodes cannot have children");
    }

    @Test
    void unknownCreateModeFailsAtPlanning() {
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + with(newRoot("mode-bad"), "'sink.create-mode' = 'persistant'")
                        + ")");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO t VALUES ('a', 'b')"))
                .hasStackTraceContaining("sink.create-mode")
                .hasStackTraceContaining("persistant");
    }

    private static List<String> children(String path) throws Exception {
        return trees.client().getChildren().forPath(path).stream()
                .sorted()
                .collect(Collectors.toList());
    }

    private static CuratorFramework client(String digestAuth) throws InterruptedException {
        CuratorFramework c =
                CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new RetryOneTime(100))
                        .authorization("digest", digestAuth.getBytes(StandardCharsets.UTF_8))
                        .build();
        c.start();
        c.blockUntilConnected();
        return c;
    }
}
