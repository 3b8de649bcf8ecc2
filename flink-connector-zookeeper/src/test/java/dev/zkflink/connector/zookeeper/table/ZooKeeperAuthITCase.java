package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Digest authentication and ACL errors against a real server. */
class ZooKeeperAuthITCase extends ZooKeeperTableTestBase {
    private static final String PASSWORD = "s3cret-Pa55";

    /** A root only the digest user 'app' may change; everyone may read the first level. */
    private static String secureRoot() throws Exception {
        String root = newRoot("secure");
        String digest = DigestAuthenticationProvider.generateDigest("app:" + PASSWORD);
        List<ACL> acl =
                Arrays.asList(
                        new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                        new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        try (CuratorFramework app =
                CuratorFrameworkFactory.builder()
                        .connectString(server.getConnectString())
                        .retryPolicy(new RetryOneTime(100))
                        .authorization(
                                "digest", ("app:" + PASSWORD).getBytes(StandardCharsets.UTF_8))
                        .build()) {
            app.start();
            app.blockUntilConnected();
            app.create().creatingParentsIfNeeded().withACL(acl).forPath(root, new byte[0]);
            app.create()
                    .withACL(acl)
                    .forPath(root + "/existing", "v0".getBytes(StandardCharsets.UTF_8));
            // Not even readable without the digest identity.
            app.create()
                    .withACL(
                            Collections.singletonList(
                                    new ACL(ZooDefs.Perms.ALL, new Id("digest", digest))))
                    .forPath(root + "/hidden", "h".getBytes(StandardCharsets.UTF_8));
        }
        return root;
    }

    private static String table(String name, String root, String... auth) {
        String[] options = new String[auth.length + 1];
        options[0] = "'scan.startup.mode' = 'snapshot'";
        System.arraycopy(auth, 0, options, 1, auth.length);
        return "CREATE TABLE "
                + name
                + " (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                + with(root, options)
                + ")";
    }

    private static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    @Test
    void writesWithDigestCredentialsAndFailsWithoutThem() throws Exception {
        String root = secureRoot();
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(table("anon", root));
        tEnv.executeSql(
                table(
                        "wrong",
                        root,
                        "'auth.digest.user' = 'app'",
                        "'auth.digest.password' = 'not-the-password'"));
        tEnv.executeSql(
                table(
                        "app",
                        root,
                        "'auth.digest.user' = 'app'",
                        "'auth.digest.password' = '" + PASSWORD + "'"));

        assertThatThrownBy(
                        () -> tEnv.executeSql("INSERT INTO anon VALUES ('existing', 'x')").await())
                .hasStackTraceContaining(
                        "Writing znode '" + root + "/existing' failed with ZooKeeper code NOAUTH")
                .hasStackTraceContaining("set 'auth.digest.user' and 'auth.digest.password'");
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO wrong VALUES ('new', 'x')").await())
                .hasStackTraceContaining("NOAUTH")
                .hasStackTraceContaining("'auth.digest.user' = 'app'")
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain("not-the-password"));
        assertThat(trees.get(root + "/existing")).isEqualTo("v0");
        assertThat(trees.exists(root + "/new")).isFalse();

        tEnv.executeSql("INSERT INTO app VALUES ('existing', 'v1'), ('new', 'n1')").await();
        assertThat(trees.get(root + "/existing")).isEqualTo("v1");
        assertThat(trees.get(root + "/new")).isEqualTo("n1");
    }

    @Test
    void readsNeedReadPermission() throws Exception {
        String root = secureRoot();
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(table("anon_read", root));
        tEnv.executeSql(
                table(
                        "app_read",
                        root,
                        "'auth.digest.user' = 'app'",
                        "'auth.digest.password' = '" + PASSWORD + "'"));
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM anon_read")))
                .hasStackTraceContaining(
                        "getData of '" + root + "/hidden' failed with ZooKeeper code NOAUTH");
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM app_read")))
                .containsExactlyInAnyOrder("+I[existing, v0]", "+I[hidden, h]");
    }
}
