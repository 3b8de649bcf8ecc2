package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsClientConfigTest {

    private static ZooKeeperTlsOptions.Builder enabled() {
        return ZooKeeperTlsOptions.builder().setEnabled(true);
    }

    @Test
    void mutualTlsSetsTheClientsOwnProperties() {
        ZKClientConfig config = new ZKClientConfig();
        TlsClientConfig.apply(
                config,
                enabled()
                        .setTruststore("/etc/zk/trust.jks", "tpw", "JKS")
                        .setKeystore("/etc/zk/key.pem", "kpw", "pem")
                        .setHostnameVerification(false)
                        .build());
        assertThat(config.getProperty("zookeeper.client.secure")).isEqualTo("true");
        assertThat(config.getProperty("zookeeper.clientCnxnSocket"))
                .isEqualTo("ClientCnxnSocketNetty");
        assertThat(config.getProperty("zookeeper.ssl.trustStore.location"))
                .isEqualTo("/etc/zk/trust.jks");
        assertThat(config.getProperty("zookeeper.ssl.trustStore.password")).isEqualTo("tpw");
        assertThat(config.getProperty("zookeeper.ssl.trustStore.type")).isEqualTo("JKS");
        assertThat(config.getProperty("zookeeper.ssl.keyStore.location"))
                .isEqualTo("/etc/zk/key.pem");
        assertThat(config.getProperty("zookeeper.ssl.keyStore.password")).isEqualTo("kpw");
        assertThat(config.getProperty("zookeeper.ssl.keyStore.type")).isEqualTo("PEM");
        assertThat(config.getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("false");
        // Per client only: nothing leaks into the JVM for the next table.
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isNull();
        assertThat(System.getProperty("zookeeper.client.secure")).isNull();
    }

    @Test
    void unsetStoresAndDisabledTlsSetNothing() {
        ZKClientConfig config = new ZKClientConfig();
        TlsClientConfig.apply(config, ZooKeeperTlsOptions.disabled());
        assertThat(config.getProperty("zookeeper.client.secure")).isNull();
        assertThat(config.getProperty("zookeeper.clientCnxnSocket")).isNull();
        assertThat(config.getProperty("zookeeper.ssl.hostnameVerification")).isNull();

        TlsClientConfig.apply(config, enabled().build());
        assertThat(config.getProperty("zookeeper.client.secure")).isEqualTo("true");
        assertThat(config.getProperty("zookeeper.ssl.hostnameVerification")).isEqualTo("true");
        assertThat(config.getProperty("zookeeper.ssl.trustStore.location")).isNull();
        assertThat(config.getProperty("zookeeper.ssl.keyStore.location")).isNull();
        assertThat(config.getProperty("zookeeper.ssl.keyStore.type")).isNull();
    }

    @Test
    void aKeyNamedByBothPropertiesAndTlsIsRefusedNamingBoth() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2281")
                                        .setClientProperty(
                                                "zookeeper.ssl.keyStore.location", "/other.p12")
                                        .setTls(
                                                enabled()
                                                        .setKeystore("/k.p12", "kpw", null)
                                                        .build())
                                        .build())
                .hasMessage(
                        "'properties.zookeeper.ssl.keyStore.location' and 'tls.keystore.location'"
                                + " both set the ZooKeeper client property"
                                + " 'zookeeper.ssl.keyStore.location': remove"
                                + " 'properties.zookeeper.ssl.keyStore.location'.");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2281")
                                        .setClientProperty("zookeeper.client.secure", "true")
                                        .setTls(enabled().build())
                                        .build())
                .hasMessageContaining(
                        "'properties.zookeeper.client.secure' and 'tls.enabled' both set");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2281")
                                        .setClientProperty(
                                                "zookeeper.ssl.keyStore.password", "secret-pw")
                                        .setTls(
                                                enabled()
                                                        .setKeystore("/k.p12", "kpw", null)
                                                        .build())
                                        .build())
                .hasMessageContaining("'tls.keystore.password'")
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .doesNotContain("secret-pw")
                                        .doesNotContain("kpw"));
        // Without TLS the pass-through keys are the user's alone, as before.
        assertThat(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts("zk:2281")
                                .setClientProperty("zookeeper.client.secure", "true")
                                .build()
                                .getClientProperties())
                .containsEntry("zookeeper.client.secure", "true");
    }

    @Test
    void theTimeoutErrorSaysWhatToCheckForTls() {
        assertThat(ZooKeeperClientFactory.tlsHint(ZooKeeperTlsOptions.disabled())).isEmpty();
        assertThat(ZooKeeperClientFactory.tlsHint(enabled().build()))
                .contains("'tls.enabled' = 'true'", "secureClientPort", "this table sends none");
        assertThat(
                        ZooKeeperClientFactory.tlsHint(
                                enabled().setKeystore("/k.p12", "kpw", null).build()))
                .contains("'tls.keystore.*' holds a certificate they trust")
                .doesNotContain("kpw");
    }
}
