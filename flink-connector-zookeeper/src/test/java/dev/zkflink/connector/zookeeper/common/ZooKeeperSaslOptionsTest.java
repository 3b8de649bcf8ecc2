package dev.zkflink.connector.zookeeper.common;

import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions.Mechanism;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperSaslOptionsTest {
    private static final String SECRET = "hunter2-secret";

    private static ZooKeeperSaslOptions digest(String user, String password) {
        return ZooKeeperSaslOptions.builder()
                .setMechanism(Mechanism.DIGEST_MD5)
                .setDigestCredentials(user, password)
                .build();
    }

    @Test
    void parsesMechanismsByTheirSaslNames() {
        assertThat(Mechanism.fromSaslName("GSSAPI")).isEqualTo(Mechanism.GSSAPI);
        assertThat(Mechanism.fromSaslName("digest-md5")).isEqualTo(Mechanism.DIGEST_MD5);
        assertThat(Mechanism.DIGEST_MD5.toString()).isEqualTo("DIGEST-MD5");
        assertThatThrownBy(() -> Mechanism.fromSaslName("PLAIN"))
                .hasMessageContaining("'auth.sasl.mechanism' must be 'GSSAPI' or 'DIGEST-MD5'")
                .hasMessageContaining("'PLAIN'");
    }

    @Test
    void builderRejectsInconsistentSettingsNamingTheOption() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setDigestCredentials("app", SECRET)
                                        .build())
                .hasMessageContaining("'auth.sasl.mechanism' must be set");
        assertThatThrownBy(() -> digest("app", null))
                .hasMessageContaining(
                        "'auth.sasl.user' and 'auth.sasl.password' must be set together");
        assertThatThrownBy(() -> digest(null, null))
                .hasMessageContaining(
                        "'DIGEST-MD5' needs 'auth.sasl.user' and 'auth.sasl.password'");
        assertThatThrownBy(() -> digest("", SECRET))
                .hasMessageContaining("'auth.sasl.user' must not be empty");
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.DIGEST_MD5)
                                        .setDigestCredentials("app", SECRET)
                                        .setKerberosLogin("app@EXAMPLE.COM", "/k")
                                        .build())
                .hasMessageContaining("'auth.kerberos.principal' and 'auth.kerberos.keytab' need")
                .hasMessageContaining("'GSSAPI'");
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.GSSAPI)
                                        .setDigestCredentials("app", SECRET)
                                        .build())
                .hasMessageContaining("'auth.sasl.user' and 'auth.sasl.password' need")
                .hasMessageContaining("'DIGEST-MD5'");
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.GSSAPI)
                                        .setKerberosLogin("app@EXAMPLE.COM", null)
                                        .build())
                .hasMessageContaining(
                        "'auth.kerberos.principal' and 'auth.kerberos.keytab' must be set together");
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.GSSAPI)
                                        .setServiceName(" ")
                                        .build())
                .hasMessageContaining("'auth.sasl.service-name' must not be empty");
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.DIGEST_MD5)
                                        .setDigestCredentials("app", SECRET)
                                        .setJaasConfig("x.Module required;")
                                        .build())
                .hasMessageContaining("'auth.sasl.jaas-config' replaces 'auth.sasl.user'");
    }

    @Test
    void aBrokenJaasLineFailsWithoutShowingIt() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperSaslOptions.builder()
                                        .setMechanism(Mechanism.DIGEST_MD5)
                                        .setJaasConfig(
                                                "org.example.Module required username=\"app\" "
                                                        + SECRET
                                                        + ";")
                                        .build())
                .hasMessageContaining("'auth.sasl.jaas-config' is not a JAAS login-module line")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void gssapiWithoutCredentialsUsesTheJvmSection() {
        ZooKeeperSaslOptions jvm =
                ZooKeeperSaslOptions.builder().setMechanism(Mechanism.GSSAPI).build();
        assertThat(jvm.usesJvmLoginSection()).isTrue();
        assertThat(jvm.getServiceName()).isEqualTo("zookeeper");
        ZooKeeperSaslOptions keytab =
                ZooKeeperSaslOptions.builder()
                        .setMechanism(Mechanism.GSSAPI)
                        .setKerberosLogin("app@EXAMPLE.COM", "/etc/app.keytab")
                        .build();
        assertThat(keytab.usesJvmLoginSection()).isFalse();
        assertThat(keytab.describeIdentity())
                .isEqualTo("principal 'app@EXAMPLE.COM' (keytab '/etc/app.keytab')");
    }

    @Test
    void printsNoSecretButComparesThem() {
        ZooKeeperSaslOptions a = digest("app", SECRET);
        assertThat(a.toString())
                .contains("DIGEST-MD5")
                .contains("'app'")
                .contains("password=******")
                .doesNotContain(SECRET);
        assertThat(a).isEqualTo(digest("app", SECRET)).hasSameHashCodeAs(digest("app", SECRET));
        assertThat(a).isNotEqualTo(digest("app", "other")).isNotEqualTo(digest("other", SECRET));

        ZooKeeperSaslOptions jaas =
                ZooKeeperSaslOptions.builder()
                        .setMechanism(Mechanism.DIGEST_MD5)
                        .setJaasConfig(
                                "org.apache.zookeeper.server.auth.DigestLoginModule required"
                                        + " username=\"app\" password=\""
                                        + SECRET
                                        + "\";")
                        .build();
        assertThat(jaas.toString()).contains("jaasConfig=******").doesNotContain(SECRET);
        assertThat(jaas.describeIdentity()).contains("'app'").doesNotContain(SECRET);
    }

    @Test
    void connectionOptionsCompareAndHideTheSaslOptions() {
        ZooKeeperConnectionOptions app =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk:2181")
                        .setSasl(digest("app", SECRET))
                        .build();
        assertThat(app.getSasl()).isEqualTo(digest("app", SECRET));
        assertThat(app.toString()).contains("sasl=").contains("'app'").doesNotContain(SECRET);
        assertThat(app)
                .isEqualTo(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts("zk:2181")
                                .setSasl(digest("app", SECRET))
                                .build());
        // Different users (or passwords) must never share a session.
        assertThat(app)
                .isNotEqualTo(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts("zk:2181")
                                .setSasl(digest("app", "other"))
                                .build())
                .isNotEqualTo(ZooKeeperConnectionOptions.builder().setHosts("zk:2181").build());
    }
}
