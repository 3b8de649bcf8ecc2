package dev.zkflink.connector.zookeeper.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperConnectionOptionsTest {

    @Test
    void toStringNeverShowsThePassword() {
        ZooKeeperConnectionOptions options =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2181")
                        .setDigestAuth("app", "hunter2")
                        .setClientProperty("zookeeper.ssl.keyStore.password", "kspass")
                        .build();
        assertThat(options.toString())
                .contains("app")
                .doesNotContain("hunter2")
                .doesNotContain("kspass");
    }

    @Test
    void builderRejectsBadValuesNamingTheOption() {
        assertThatThrownBy(() -> ZooKeeperConnectionOptions.builder().build())
                .hasMessageContaining("'hosts' must not be empty");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2181")
                                        .setSessionTimeout(Duration.ZERO)
                                        .build())
                .hasMessageContaining("'session.timeout' must be a positive duration");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2181")
                                        .setRetryBaseSleep(Duration.ofSeconds(10))
                                        .setRetryMaxSleep(Duration.ofSeconds(1))
                                        .build())
                .hasMessageContaining("'connection.retry.max-sleep'");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2181")
                                        .setDigestAuth("a:b", "pw")
                                        .build())
                .hasMessageContaining(
                        "'auth.digest.user' must be non-empty and must not contain ':'");
        assertThatThrownBy(
                        () ->
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("zk:2181")
                                        .setClientProperty("jute.maxbuffer", "100")
                                        .build())
                .hasMessageContaining("'properties.jute.maxbuffer' must be greater than");
    }

    @Test
    void juteLimitsDriveDataSizeChecks() {
        ZooKeeperConnectionOptions options =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2181")
                        .setClientProperty("jute.maxbuffer", "4194304")
                        .build();
        assertThat(options.getJuteMaxBuffer()).isEqualTo(4194304);
        assertThat(ZooKeeperLimits.maxDataBytes(1048575, "/a/b"))
                .isEqualTo(1048575 - ZooKeeperLimits.REQUEST_OVERHEAD_RESERVE - 4);
        assertThat(ZooKeeperLimits.utf8Length("ü€𝄞")).isEqualTo(2 + 3 + 4);
    }

    @Test
    void identitiesNameUsersAndCertificatesNeverSecrets() {
        assertThat(ZooKeeperConnectionOptions.builder().setHosts("zk:2181").build().hasIdentity())
                .isFalse();
        ZooKeeperConnectionOptions all =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2281")
                        .setDigestAuth("app", "hunter2")
                        .setSasl(
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(ZooKeeperSaslOptions.Mechanism.DIGEST_MD5)
                                        .setDigestCredentials("svc", "s3cret")
                                        .build())
                        .setTls(
                                ZooKeeperTlsOptions.builder()
                                        .setEnabled(true)
                                        .setKeystore("/etc/zk/client.p12", "kspass", "PKCS12")
                                        .build())
                        .build();
        assertThat(all.describeIdentities())
                .isEqualTo(
                        "'auth.digest.user' = 'app' and SASL DIGEST-MD5 user 'svc' and the TLS"
                                + " client certificate in 'tls.keystore.location'")
                .doesNotContain("hunter2", "s3cret", "kspass");
        assertThat(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts("zk:2281")
                                .setClientProperty(
                                        "zookeeper.ssl.keyStore.location", "/etc/zk/client.p12")
                                .build()
                                .hasIdentity())
                .isTrue();
    }
}
