package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.TestCertificates;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.zkflink.connector.zookeeper.testutils.TestCertificates.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual TLS and x509 ACLs through SQL, against a real TLS-only server in its own JVM ({@code
 * secureClientPort} only, {@code ssl.clientAuth=need}, the x509 provider) with certificates made by
 * {@code keytool}.
 */
class ZooKeeperTlsITCase extends ZooKeeperTableTestBase {
    private static final String APP = "CN=app,O=zkflink";
    private static final String CONNECTION_TIMEOUT = "3 s";

    @TempDir static Path tmp;

    private static TestCertificates certs;
    private static ZooKeeperServerProcess tlsServer;
    private static Path app;
    private static Path other;
    private static Path intruder;

    @BeforeAll
    static void startTlsServer() throws Exception {
        Path certDir = Files.createDirectories(tmp.resolve("certs"));
        certs = TestCertificates.create(certDir);
        app = certs.signedClient("app", APP);
        other = certs.signedClient("other", "CN=other,O=zkflink");
        intruder = certs.selfSignedClient("intruder", APP);
        tlsServer =
                ZooKeeperServerProcess.startTlsOnly(
                        Files.createDirectories(tmp.resolve("server")),
                        256,
                        certs.file("server.p12"),
                        PASSWORD,
                        certs.file("truststore.p12"),
                        PASSWORD);
    }

    @AfterAll
    static void stopTlsServer() throws Exception {
        if (tlsServer != null) {
            tlsServer.close();
        }
    }

    private static String tlsTable(String name, String root, String... options) {
        StringBuilder sb =
                new StringBuilder("CREATE TABLE ")
                        .append(name)
                        .append(" (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH (")
                        .append("'connector' = 'zookeeper', 'hosts' = '")
                        .append(tlsServer.connectString())
                        .append("', 'path' = '")
                        .append(root)
                        .append("', 'scan.startup.mode' = 'snapshot', 'tls.enabled' = 'true'")
                        .append(", 'connection.timeout' = '")
                        .append(CONNECTION_TIMEOUT)
                        .append("'");
        for (String o : options) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    private static String truststoreJks() {
        return "'tls.truststore.location' = '"
                + certs.file("truststore.jks")
                + "', 'tls.truststore.password' = '"
                + PASSWORD
                + "', 'tls.truststore.type' = 'JKS'";
    }

    private static String keystore(Path store) {
        return "'tls.keystore.location' = '"
                + store
                + "', 'tls.keystore.password' = '"
                + PASSWORD
                + "'";
    }

    private static String allMessages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    /** A plain ZooKeeper client with the app certificate, independent of the connector. */
    private static ZooKeeper appClient() throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty("zookeeper.client.secure", "true");
        config.setProperty(
                "zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty("zookeeper.sasl.client", "false");
        config.setProperty(
                "zookeeper.ssl.trustStore.location", certs.file("truststore.p12").toString());
        config.setProperty("zookeeper.ssl.trustStore.password", PASSWORD);
        config.setProperty("zookeeper.ssl.keyStore.location", app.toString());
        config.setProperty("zookeeper.ssl.keyStore.password", PASSWORD);
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk =
                new ZooKeeper(
                        tlsServer.connectString(),
                        30_000,
                        e -> {
                            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                                connected.countDown();
                            }
                        },
                        config);
        if (!connected.await(20, TimeUnit.SECONDS)) {
            zk.close();
            throw new AssertionError("the test's own TLS client did not connect");
        }
        return zk;
    }

    @Test
    void trustedCertificateWritesAndReadsNodesOnlyItsX509IdentityMayUse() throws Exception {
        String root = newRoot("tls-rw");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                tlsTable(
                        "app_t",
                        root,
                        truststoreJks(),
                        keystore(app),
                        // A pass-through key beside the tls.* options.
                        "'properties.zookeeper.ssl.enabledProtocols' = 'TLSv1.3,TLSv1.2'",
                        "'sink.acl' = 'x509:" + APP + ":cdrwa'"));
        tEnv.executeSql("INSERT INTO app_t VALUES ('a', '1'), ('b', '2')").await();

        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM app_t")))
                .containsExactlyInAnyOrder("+I[a, 1]", "+I[b, 2]");
        try (ZooKeeper zk = appClient()) {
            assertThat(new String(zk.getData(root + "/a", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("1");
            assertThat(zk.getACL(root + "/a", new Stat()))
                    .isEqualTo(
                            Collections.singletonList(
                                    new ACL(ZooDefs.Perms.ALL, new Id("x509", APP))));
            assertThat(zk.getACL(root, new Stat()))
                    .isEqualTo(
                            Collections.singletonList(
                                    new ACL(ZooDefs.Perms.ALL, new Id("x509", APP))));
        }

        // Another certificate the servers trust is another x509 identity: no READ, no WRITE.
        // Its key store password comes from a file, which keeps it out of the DDL.
        Path passwordFile = tmp.resolve("other-keystore-password");
        Files.write(passwordFile, PASSWORD.getBytes(StandardCharsets.UTF_8));
        tEnv.executeSql(
                tlsTable(
                        "other_t",
                        root,
                        truststoreJks(),
                        "'tls.keystore.location' = '" + other + "'",
                        "'properties.zookeeper.ssl.keyStore.passwordPath' = '"
                                + passwordFile
                                + "'"));
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM other_t")))
                .satisfies(e -> assertThat(allMessages(e)).containsIgnoringCase("NoAuth"));
        assertThatThrownBy(() -> tEnv.executeSql("INSERT INTO other_t VALUES ('a', 'x')").await())
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .containsIgnoringCase("NoAuth")
                                        .doesNotContain(PASSWORD));
        try (ZooKeeper zk = appClient()) {
            assertThat(new String(zk.getData(root + "/a", false, null), StandardCharsets.UTF_8))
                    .isEqualTo("1");
        }
    }

    @Test
    void pemTrustStoreAndPemKeyStore() throws Exception {
        String root = newRoot("tls-pem");
        Path appPem = certs.pemKeyStore("app");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                tlsTable(
                        "pem_t",
                        root,
                        "'tls.truststore.location' = '" + certs.file("ca.pem") + "'",
                        "'tls.truststore.type' = 'PEM'",
                        "'tls.keystore.location' = '" + appPem + "'",
                        "'tls.keystore.type' = 'pem'",
                        "'sink.acl' = 'x509:" + APP + ":cdrwa'"));
        tEnv.executeSql("INSERT INTO pem_t VALUES ('p', 'pem')").await();
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM pem_t")))
                .containsExactly("+I[p, pem]");
        try (ZooKeeper zk = appClient()) {
            assertThat(zk.getACL(root + "/p", new Stat()))
                    .containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("x509", APP)));
        }
    }

    /** TLS set up through {@code properties.*} alone, as before the {@code tls.*} options. */
    @Test
    void thePropertiesPassThroughStillConnectsWithTls() throws Exception {
        String root = newRoot("tls-properties");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                "CREATE TABLE props_t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + tlsServer.connectString()
                        + "', 'path' = '"
                        + root
                        + "', 'scan.startup.mode' = 'snapshot', 'connection.timeout' = '"
                        + CONNECTION_TIMEOUT
                        + "', 'properties.zookeeper.client.secure' = 'true'"
                        + ", 'properties.zookeeper.clientCnxnSocket' = 'ClientCnxnSocketNetty'"
                        + ", 'properties.zookeeper.ssl.trustStore.location' = '"
                        + certs.file("truststore.p12")
                        + "', 'properties.zookeeper.ssl.trustStore.password' = '"
                        + PASSWORD
                        + "', 'properties.zookeeper.ssl.keyStore.location' = '"
                        + app
                        + "', 'properties.zookeeper.ssl.keyStore.password' = '"
                        + PASSWORD
                        + "')");
        tEnv.executeSql("INSERT INTO props_t VALUES ('a', 'via-properties')").await();
        assertThat(collectStrings(tEnv.executeSql("SELECT * FROM props_t")))
                .containsExactly("+I[a, via-properties]");
    }

    @Test
    void withoutClientCertificateTheReadFailsWithinTheConnectionTimeout() throws Exception {
        String root = newRoot("tls-nocert");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(tlsTable("nocert_t", root, truststoreJks()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM nocert_t")))
                .hasStackTraceContaining(
                        "Could not connect to ZooKeeper at '"
                                + tlsServer.connectString()
                                + "' within 'connection.timeout' (PT3S).")
                .hasStackTraceContaining("The table connects with TLS ('tls.enabled' = 'true')")
                .hasStackTraceContaining(
                        "'tls.keystore.location' is set to a key store with a certificate they"
                                + " trust (this table sends none)")
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain(PASSWORD));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                .as("seconds until the read failed (connection.timeout is 3 s)")
                .isLessThan(20);
    }

    @Test
    void untrustedClientCertificateFailsTheWriteWithinTheConnectionTimeout() throws Exception {
        String root = newRoot("tls-untrusted");
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(tlsTable("intruder_t", root, truststoreJks(), keystore(intruder)));
        long start = System.nanoTime();
        assertThatThrownBy(
                        () -> tEnv.executeSql("INSERT INTO intruder_t VALUES ('a', 'x')").await())
                .hasStackTraceContaining("within 'connection.timeout' (PT3S).")
                .hasStackTraceContaining("'tls.keystore.*' holds a certificate they trust")
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain(PASSWORD));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                .as("seconds until the write failed (connection.timeout is 3 s)")
                .isLessThan(20);
        try (ZooKeeper zk = appClient()) {
            assertThat(zk.exists(root, false)).isNull();
        }
    }

    /** A key store that cannot be opened fails the same bounded way, without the password. */
    @Test
    void wrongKeyStorePasswordFailsWithinTheConnectionTimeout() throws Exception {
        String wrong = "wr0ng-Pa55word";
        StreamTableEnvironment tEnv = batchTableEnv();
        tEnv.executeSql(
                tlsTable(
                        "wrongpw_t",
                        newRoot("tls-wrongpw"),
                        truststoreJks(),
                        "'tls.keystore.location' = '" + app + "'",
                        "'tls.keystore.password' = '" + wrong + "'"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> collect(tEnv.executeSql("SELECT * FROM wrongpw_t")))
                .hasStackTraceContaining("within 'connection.timeout' (PT3S).")
                .hasStackTraceContaining("'tls.keystore.*' holds a certificate they trust")
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .doesNotContain(wrong)
                                        .doesNotContain(PASSWORD));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                .as("seconds until the read failed (connection.timeout is 3 s)")
                .isLessThan(20);
    }
}
