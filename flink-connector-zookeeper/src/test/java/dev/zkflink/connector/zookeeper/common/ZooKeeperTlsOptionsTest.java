package dev.zkflink.connector.zookeeper.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperTlsOptionsTest {
    private static final String TRUST_SECRET = "trust-Secret-1";
    private static final String KEY_SECRET = "key-Secret-2";

    private static ZooKeeperTlsOptions mutual() {
        return ZooKeeperTlsOptions.builder()
                .setEnabled(true)
                .setTruststore("/etc/zk/trust.jks", TRUST_SECRET, "jks")
                .setKeystore("/etc/zk/key.p12", KEY_SECRET, "PKCS12")
                .build();
    }

    @Test
    void defaultsAreDisabledWithHostnameVerification() {
        ZooKeeperTlsOptions tls = ZooKeeperTlsOptions.disabled();
        assertThat(tls.isEnabled()).isFalse();
        assertThat(tls.isHostnameVerification()).isTrue();
        assertThat(ZooKeeperTlsOptions.builder().setEnabled(true).build().isHostnameVerification())
                .isTrue();
        assertThat(ZooKeeperConnectionOptions.builder().setHosts("zk:2181").build().getTls())
                .isEqualTo(ZooKeeperTlsOptions.disabled());
    }

    @Test
    void storeTypesAreNormalized() {
        assertThat(mutual().getTruststoreType()).isEqualTo("JKS");
        assertThat(
                        ZooKeeperTlsOptions.builder()
                                .setEnabled(true)
                                .setKeystore("/k.pem", null, " pem ")
                                .build()
                                .getKeystoreType())
                .isEqualTo("PEM");
    }

    @Test
    void tlsOptionsNeedTlsEnabled() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperTlsOptions.builder()
                                        .setTruststoreLocation("/etc/zk/trust.jks")
                                        .build())
                .hasMessage(
                        "'tls.truststore.location' is set, but 'tls.enabled' is false: set"
                                + " 'tls.enabled' = 'true' to connect with TLS, or remove"
                                + " 'tls.truststore.location'.");
        assertThatThrownBy(
                        () -> ZooKeeperTlsOptions.builder().setHostnameVerification(false).build())
                .hasMessageContaining("'tls.hostname-verification' is set, but 'tls.enabled'");
        assertThatThrownBy(
                        () -> ZooKeeperTlsOptions.builder().setKeystorePassword(KEY_SECRET).build())
                .hasMessageContaining("'tls.keystore.password' is set, but 'tls.enabled'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY_SECRET));
    }

    @Test
    void passwordOrTypeWithoutLocationIsRefused() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setKeystorePassword(KEY_SECRET)
                                        .build())
                .hasMessage(
                        "'tls.keystore.password' is set without 'tls.keystore.location': set the"
                                + " store's location too.");
        assertThatThrownBy(
                        () ->
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setTruststoreType("PEM")
                                        .build())
                .hasMessageContaining(
                        "'tls.truststore.type' is set without 'tls.truststore.location'");
        assertThatThrownBy(
                        () ->
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setTruststoreLocation(" ")
                                        .build())
                .hasMessage("'tls.truststore.location' must not be empty.");
    }

    @Test
    void unknownStoreTypeIsRefused() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setKeystore("/k.bcfks", KEY_SECRET, "BCFKS")
                                        .build())
                .hasMessage(
                        "'tls.keystore.type' must be one of [JKS, PKCS12, PEM] (case-insensitive),"
                                + " but was 'BCFKS'.");
    }

    @Test
    void toStringNeverShowsPasswords() {
        String text = mutual().toString();
        assertThat(text)
                .contains("/etc/zk/trust.jks", "/etc/zk/key.p12", "password=******")
                .doesNotContain(TRUST_SECRET)
                .doesNotContain(KEY_SECRET);
        String connection =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2281")
                        .setTls(mutual())
                        .build()
                        .toString();
        assertThat(connection)
                .contains("tls={truststore='/etc/zk/trust.jks' (JKS)")
                .doesNotContain(TRUST_SECRET)
                .doesNotContain(KEY_SECRET);
    }

    /** Tables share a session when their options are equal: other TLS settings must not. */
    @Test
    void connectionOptionsWithOtherTlsSettingsAreNotEqual() {
        ZooKeeperConnectionOptions plain =
                ZooKeeperConnectionOptions.builder().setHosts("zk:2281").build();
        ZooKeeperConnectionOptions tls =
                ZooKeeperConnectionOptions.builder().setHosts("zk:2281").setTls(mutual()).build();
        ZooKeeperConnectionOptions sameTls =
                ZooKeeperConnectionOptions.builder().setHosts("zk:2281").setTls(mutual()).build();
        ZooKeeperConnectionOptions otherKeyPassword =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2281")
                        .setTls(
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setTruststore("/etc/zk/trust.jks", TRUST_SECRET, "jks")
                                        .setKeystore("/etc/zk/key.p12", "another", "PKCS12")
                                        .build())
                        .build();
        ZooKeeperConnectionOptions noHostnameVerification =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2281")
                        .setTls(
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setTruststore("/etc/zk/trust.jks", TRUST_SECRET, "jks")
                                        .setKeystore("/etc/zk/key.p12", KEY_SECRET, "PKCS12")
                                        .setHostnameVerification(false)
                                        .build())
                        .build();
        assertThat(tls).isEqualTo(sameTls).hasSameHashCodeAs(sameTls);
        assertThat(tls).isNotEqualTo(plain);
        assertThat(tls).isNotEqualTo(otherKeyPassword);
        assertThat(tls).isNotEqualTo(noHostnameVerification);
        assertThat(tls.hashCode()).isNotEqualTo(plain.hashCode());
    }
}
