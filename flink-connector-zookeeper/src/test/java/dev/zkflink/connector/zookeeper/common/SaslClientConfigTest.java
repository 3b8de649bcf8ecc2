package dev.zkflink.connector.zookeeper.common;

import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions.Mechanism;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.server.auth.DigestLoginModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;
import javax.security.auth.login.Configuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-table JAAS sections and client settings, without a server. */
class SaslClientConfigTest {
    private static final String SECRET = "s3cret-Pa55";

    private Configuration before;

    /** What Flink's security module or a user's JAAS file would have installed. */
    private static final class Installed extends Configuration {
        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return "Client".equals(name) || "KafkaClient".equals(name)
                    ? new AppConfigurationEntry[] {
                        new AppConfigurationEntry(
                                "com.sun.security.auth.module.Krb5LoginModule",
                                LoginModuleControlFlag.REQUIRED,
                                Collections.singletonMap("useTicketCache", "true"))
                    }
                    : null;
        }
    }

    @BeforeEach
    void installAConfiguration() {
        before = Configuration.getConfiguration();
        Configuration.setConfiguration(new Installed());
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration(before);
    }

    /** No server listens there; short timeouts keep closing a connecting client quick. */
    private static ZooKeeperConnectionOptions.Builder unreachable() {
        return ZooKeeperConnectionOptions.builder()
                .setHosts("127.0.0.1:1")
                .setSessionTimeout(Duration.ofSeconds(1))
                .setConnectionTimeout(Duration.ofSeconds(1));
    }

    private static ZooKeeperConnectionOptions digest(String user, String password) {
        return unreachable()
                .setSasl(
                        ZooKeeperSaslOptions.builder()
                                .setMechanism(Mechanism.DIGEST_MD5)
                                .setDigestCredentials(user, password)
                                .build())
                .build();
    }

    private static CuratorFramework started(ZooKeeperConnectionOptions options) {
        CuratorFramework client = ZooKeeperClientFactory.create(options, 1 << 20);
        client.start();
        return client;
    }

    /** The settings the client's handle was opened with. */
    private static ZKClientConfig config(CuratorFramework client) throws Exception {
        return client.getZookeeperClient().getZooKeeper().getClientConfig();
    }

    private static String section(CuratorFramework client) throws Exception {
        return config(client).getProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY);
    }

    @Test
    void aDigestTableGetsItsOwnSectionAndClientSettings() throws Exception {
        int registered = ZooKeeperJaasSections.registered();
        try (CuratorFramework client = started(digest("app", SECRET))) {
            ZKClientConfig config = config(client);
            String name = section(client);
            assertThat(name)
                    .startsWith("zkflink-sasl-")
                    .doesNotContain("app")
                    .doesNotContain(SECRET);
            assertThat(config.getProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY)).isEqualTo("true");
            assertThat(config.getProperty("zookeeper.fips-mode")).isEqualTo("false");
            assertThat(config.getProperty(ZKClientConfig.ZK_SASL_CLIENT_USERNAME))
                    .isEqualTo("zookeeper");
            AppConfigurationEntry[] entries =
                    Configuration.getConfiguration().getAppConfigurationEntry(name);
            assertThat(entries).hasSize(1);
            assertThat(entries[0].getLoginModuleName())
                    .isEqualTo(DigestLoginModule.class.getName());
            assertThat(options(entries[0]))
                    .containsEntry("username", "app")
                    .containsEntry("password", SECRET);
            // What was installed before still answers.
            assertThat(Configuration.getConfiguration().getAppConfigurationEntry("KafkaClient"))
                    .hasSize(1);
            assertThat(Configuration.getConfiguration().getAppConfigurationEntry("Other")).isNull();
            assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered + 1);
        }
        assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered);
    }

    @Test
    void sectionsAreSharedByEqualCredentialsAndRemovedWithTheirLastClient() throws Exception {
        int registered = ZooKeeperJaasSections.registered();
        CuratorFramework a1 = started(digest("app", SECRET));
        CuratorFramework a2 = started(digest("app", SECRET));
        CuratorFramework b = started(digest("app", "another"));
        try {
            assertThat(section(a1)).isEqualTo(section(a2)).isNotEqualTo(section(b));
            assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered + 2);
            String shared = section(a1);
            a1.close();
            assertThat(Configuration.getConfiguration().getAppConfigurationEntry(shared))
                    .isNotNull();
            a2.close();
            assertThat(Configuration.getConfiguration().getAppConfigurationEntry(shared)).isNull();
            a2.close(); // a second close gives nothing back twice
            assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered + 1);
        } finally {
            a1.close();
            a2.close();
            b.close();
        }
        assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered);
    }

    /** A configuration installed after the connector's (Flink's, a user's) is wrapped again. */
    @Test
    void aConfigurationInstalledLaterIsWrappedAgain() throws Exception {
        try (CuratorFramework first = started(digest("app", SECRET))) {
            Configuration.setConfiguration(new Installed());
            try (CuratorFramework second = started(digest("other", SECRET))) {
                assertThat(
                                Configuration.getConfiguration()
                                        .getAppConfigurationEntry(section(second)))
                        .isNotNull();
                assertThat(Configuration.getConfiguration().getAppConfigurationEntry("Client"))
                        .isNotNull();
            }
        }
    }

    @Test
    void manyThreadsRegisterAndReleaseSafely() throws Exception {
        int registered = ZooKeeperJaasSections.registered();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int user = t % 3;
                futures.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 200; i++) {
                                        ZooKeeperSaslOptions sasl =
                                                digest("u" + user, SECRET).getSasl();
                                        String name =
                                                ZooKeeperJaasSections.acquire(
                                                        sasl,
                                                        () -> SaslClientConfig.loginModules(sasl));
                                        assertThat(
                                                        options(
                                                                Configuration.getConfiguration()
                                                                        .getAppConfigurationEntry(
                                                                                name)[0]))
                                                .containsEntry("username", "u" + user);
                                        ZooKeeperJaasSections.release(name);
                                    }
                                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ZooKeeperJaasSections.registered()).isEqualTo(registered);
    }

    @Test
    void kerberosKeytabLoginsAndJaasLines() throws Exception {
        ZooKeeperSaslOptions keytab =
                ZooKeeperSaslOptions.builder()
                        .setMechanism(Mechanism.GSSAPI)
                        .setKerberosLogin("app@EXAMPLE.COM", "/etc/app.keytab")
                        .setServiceName("zk")
                        .build();
        AppConfigurationEntry krb5 = SaslClientConfig.loginModules(keytab).get(0);
        assertThat(krb5.getLoginModuleName())
                .isEqualTo("com.sun.security.auth.module.Krb5LoginModule");
        assertThat(options(krb5))
                .containsEntry("useKeyTab", "true")
                .containsEntry("keyTab", "/etc/app.keytab")
                .containsEntry("principal", "app@EXAMPLE.COM")
                .containsEntry("useTicketCache", "false");
        try (CuratorFramework client = started(unreachable().setSasl(keytab).build())) {
            ZKClientConfig config = config(client);
            assertThat(config.getProperty(ZKClientConfig.ZK_SASL_CLIENT_USERNAME)).isEqualTo("zk");
            // FIPS mode only blocks DIGEST-MD5: Kerberos leaves it alone.
            assertThat(config.getProperty("zookeeper.fips-mode")).isNull();
        }

        ZooKeeperSaslOptions line =
                ZooKeeperSaslOptions.builder()
                        .setMechanism(Mechanism.GSSAPI)
                        .setJaasConfig("org.example.Login optional a=\"1\";")
                        .build();
        assertThat(options(SaslClientConfig.loginModules(line).get(0))).containsEntry("a", "1");
    }

    @Test
    void gssapiFromTheJvmNeedsItsSection() throws Exception {
        ZooKeeperSaslOptions jvm =
                ZooKeeperSaslOptions.builder().setMechanism(Mechanism.GSSAPI).build();
        try (CuratorFramework client = started(unreachable().setSasl(jvm).build())) {
            assertThat(section(client)).isEqualTo("Client");
        }
        assertThatThrownBy(
                        () ->
                                ZooKeeperClientFactory.create(
                                        unreachable()
                                                .setSasl(jvm)
                                                .setClientProperty(
                                                        ZKClientConfig.LOGIN_CONTEXT_NAME_KEY,
                                                        "Missing")
                                                .build(),
                                        1 << 20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("JVM's JAAS section 'Missing'")
                .hasMessageContaining("security.kerberos.login.contexts");
    }

    /** Without SASL options the existing rule stands: no JAAS section, no SASL attempt. */
    @Test
    void withoutSaslOptionsNothingChanges() throws Exception {
        try (CuratorFramework client = started(unreachable().build())) {
            ZKClientConfig config = config(client);
            assertThat(config.getProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY)).isNull();
            // 'Client' exists in the installed configuration, so SASL stays on as before.
            assertThat(config.getProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY)).isNull();
        }
        Configuration.setConfiguration(
                new Configuration() {
                    @Override
                    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                        return null;
                    }
                });
        try (CuratorFramework client = started(unreachable().build())) {
            assertThat(config(client).getProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY))
                    .isEqualTo("false");
        }
    }

    /** A login module's options, typed for assertions. */
    static Map<String, Object> options(AppConfigurationEntry entry) {
        return new HashMap<>(entry.getOptions());
    }

    @Test
    void aPropertyTheSaslOptionsSetIsRefusedNamingBoth() {
        ZooKeeperSaslOptions digest =
                ZooKeeperSaslOptions.builder()
                        .setMechanism(ZooKeeperSaslOptions.Mechanism.DIGEST_MD5)
                        .setDigestCredentials("app", "pw")
                        .build();
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2181")
                                        .setSasl(digest)
                                        .setClientProperty("zookeeper.sasl.client.username", "zk")
                                        .build())
                .hasMessage(
                        "'properties.zookeeper.sasl.client.username' and"
                                + " 'auth.sasl.service-name' both set the ZooKeeper client"
                                + " property 'zookeeper.sasl.client.username': remove"
                                + " 'properties.zookeeper.sasl.client.username'.");
        assertThat(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts("zk:2181")
                                .setSasl(digest)
                                .setClientProperty(
                                        "zookeeper.sasl.client.canonicalize.hostname", "false")
                                .build()
                                .getSasl())
                .isEqualTo(digest);
    }
}
