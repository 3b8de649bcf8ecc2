package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * SASL authentication of one table's ZooKeeper clients: Kerberos (GSSAPI) or DIGEST-MD5.
 *
 * <p>Each table gets its own JAAS login section (see {@link SaslClientConfig}), so two tables in
 * one TaskManager can authenticate as different users. Immutable; the builder validates and names
 * the SQL option in its messages. {@link #toString()} never prints the password or the JAAS line.
 *
 * <pre>{@code
 * ZooKeeperSaslOptions kerberos =
 *         ZooKeeperSaslOptions.builder()
 *                 .setMechanism(ZooKeeperSaslOptions.Mechanism.GSSAPI)
 *                 .setKerberosPrincipal("flink@EXAMPLE.COM")
 *                 .setKerberosKeytab("/etc/security/flink.keytab")
 *                 .build();
 * }</pre>
 */
@PublicEvolving
public final class ZooKeeperSaslOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The service part of the server principal ZooKeeper servers use by default. */
    public static final String DEFAULT_SERVICE_NAME = "zookeeper";

    /** The SASL mechanism, as {@code auth.sasl.mechanism} names it. */
    @PublicEvolving
    public enum Mechanism {
        GSSAPI("GSSAPI"),
        DIGEST_MD5("DIGEST-MD5");

        private final String saslName;

        Mechanism(String saslName) {
            this.saslName = saslName;
        }

        /** The name SASL uses ({@code GSSAPI}, {@code DIGEST-MD5}). */
        public String saslName() {
            return saslName;
        }

        /** Parses {@code GSSAPI} or {@code DIGEST-MD5}, case-insensitively. */
        public static Mechanism fromSaslName(String name) {
            String normalized = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            for (Mechanism m : values()) {
                if (m.saslName.equals(normalized)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    String.format(
                            "'auth.sasl.mechanism' must be 'GSSAPI' or 'DIGEST-MD5', but was '%s'.",
                            name));
        }

        @Override
        public String toString() {
            return saslName;
        }
    }

    private final Mechanism mechanism;
    private final String user;
    private final String password;
    private final String kerberosPrincipal;
    private final String kerberosKeytab;
    private final String jaasConfig;
    private final String serviceName;

    private ZooKeeperSaslOptions(Builder b) {
        this.mechanism = b.mechanism;
        this.user = b.user;
        this.password = b.password;
        this.kerberosPrincipal = b.kerberosPrincipal;
        this.kerberosKeytab = b.kerberosKeytab;
        this.jaasConfig = b.jaasConfig;
        this.serviceName = b.serviceName;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Mechanism getMechanism() {
        return mechanism;
    }

    /** The DIGEST-MD5 user, or null. */
    public String getUser() {
        return user;
    }

    /** The Kerberos principal of the table, or null. */
    public String getKerberosPrincipal() {
        return kerberosPrincipal;
    }

    /** The keytab file of {@link #getKerberosPrincipal()}, or null. */
    public String getKerberosKeytab() {
        return kerberosKeytab;
    }

    /** Whether the login comes from {@code auth.sasl.jaas-config}. */
    public boolean hasJaasConfig() {
        return jaasConfig != null;
    }

    /**
     * Whether no credentials are given: GSSAPI then logs in with the JVM's own JAAS section ({@code
     * Client}, as Flink's {@code security.kerberos.login.contexts} installs it).
     */
    public boolean usesJvmLoginSection() {
        return jaasConfig == null && user == null && kerberosPrincipal == null;
    }

    /** The service part of the server principal ({@code zookeeper.sasl.client.username}). */
    public String getServiceName() {
        return serviceName;
    }

    String password() {
        return password;
    }

    String jaasConfig() {
        return jaasConfig;
    }

    /**
     * Who this table authenticates as, for error messages: the user or principal, never a secret.
     */
    public String describeIdentity() {
        if (jaasConfig != null) {
            String id = JaasConfigLine.identity(jaasConfig);
            return id == null
                    ? "the login module of 'auth.sasl.jaas-config'"
                    : "'" + id + "' (the login module of 'auth.sasl.jaas-config')";
        }
        if (user != null) {
            return "user '" + user + "'";
        }
        if (kerberosPrincipal != null) {
            return "principal '" + kerberosPrincipal + "' (keytab '" + kerberosKeytab + "')";
        }
        return "the JVM's JAAS login section";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ZooKeeperSaslOptions)) {
            return false;
        }
        ZooKeeperSaslOptions that = (ZooKeeperSaslOptions) o;
        return mechanism == that.mechanism
                && Objects.equals(user, that.user)
                && Objects.equals(password, that.password)
                && Objects.equals(kerberosPrincipal, that.kerberosPrincipal)
                && Objects.equals(kerberosKeytab, that.kerberosKeytab)
                && Objects.equals(jaasConfig, that.jaasConfig)
                && serviceName.equals(that.serviceName);
    }

    /** Secrets are compared in {@link #equals} but left out of the hash. */
    @Override
    public int hashCode() {
        return Objects.hash(mechanism, user, kerberosPrincipal, kerberosKeytab, serviceName);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ZooKeeperSaslOptions{mechanism=").append(mechanism);
        if (user != null) {
            sb.append(", user='").append(user).append("', password=******");
        }
        if (kerberosPrincipal != null) {
            sb.append(", principal='").append(kerberosPrincipal);
            sb.append("', keytab='").append(kerberosKeytab).append('\'');
        }
        if (jaasConfig != null) {
            sb.append(", jaasConfig=******");
        }
        return sb.append(", serviceName='").append(serviceName).append("'}").toString();
    }

    /** Builder that rejects inconsistent settings with a message naming the SQL option. */
    @PublicEvolving
    public static final class Builder {
        private Mechanism mechanism;
        private String user;
        private String password;
        private String kerberosPrincipal;
        private String kerberosKeytab;
        private String jaasConfig;
        private String serviceName = DEFAULT_SERVICE_NAME;

        private Builder() {}

        /** GSSAPI (Kerberos) or DIGEST-MD5; required. */
        public Builder setMechanism(Mechanism mechanism) {
            this.mechanism = mechanism;
            return this;
        }

        /** DIGEST-MD5 user and password, both or neither (then {@code jaas-config} is needed). */
        public Builder setDigestCredentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * The table's Kerberos principal and keytab, both or neither. Neither: the JVM's JAAS
         * section ({@code Client} unless {@code zookeeper.sasl.clientconfig} names another).
         */
        public Builder setKerberosLogin(String principal, String keytab) {
            this.kerberosPrincipal = principal;
            this.kerberosKeytab = keytab;
            return this;
        }

        /**
         * A JAAS login-module line such as {@code org.example.MyLoginModule required key="v";},
         * used instead of user/password or principal/keytab.
         */
        public Builder setJaasConfig(String jaasConfig) {
            this.jaasConfig = jaasConfig;
            return this;
        }

        /** The service part of the server's principal; {@code zookeeper} by default. */
        public Builder setServiceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        public ZooKeeperSaslOptions build() {
            checkArgument(
                    mechanism != null,
                    "'auth.sasl.mechanism' must be set ('GSSAPI' or 'DIGEST-MD5') when any other"
                            + " 'auth.sasl.*' or 'auth.kerberos.*' option is set.");
            checkArgument(
                    serviceName != null && !serviceName.trim().isEmpty(),
                    "'auth.sasl.service-name' must not be empty.");
            checkArgument(
                    (user == null) == (password == null),
                    "'auth.sasl.user' and 'auth.sasl.password' must be set together.");
            checkArgument(
                    (kerberosPrincipal == null) == (kerberosKeytab == null),
                    "'auth.kerberos.principal' and 'auth.kerberos.keytab' must be set together.");
            if (jaasConfig != null) {
                checkArgument(
                        user == null && kerberosPrincipal == null,
                        "'auth.sasl.jaas-config' replaces 'auth.sasl.user', 'auth.sasl.password',"
                                + " 'auth.kerberos.principal' and 'auth.kerberos.keytab': set"
                                + " either the JAAS line or those options.");
                JaasConfigLine.parse(jaasConfig); // fails early, without echoing the line
            } else if (mechanism == Mechanism.DIGEST_MD5) {
                checkArgument(
                        kerberosPrincipal == null,
                        "'auth.kerberos.principal' and 'auth.kerberos.keytab' need"
                                + " 'auth.sasl.mechanism' = 'GSSAPI', but it is 'DIGEST-MD5'.");
                checkArgument(
                        user != null,
                        "'auth.sasl.mechanism' = 'DIGEST-MD5' needs 'auth.sasl.user' and"
                                + " 'auth.sasl.password' (or 'auth.sasl.jaas-config').");
                checkArgument(!user.isEmpty(), "'auth.sasl.user' must not be empty.");
            } else {
                checkArgument(
                        user == null,
                        "'auth.sasl.user' and 'auth.sasl.password' need 'auth.sasl.mechanism' ="
                                + " 'DIGEST-MD5', but it is 'GSSAPI'.");
                checkArgument(
                        kerberosPrincipal == null
                                || (!kerberosPrincipal.trim().isEmpty()
                                        && !kerberosKeytab.trim().isEmpty()),
                        "'auth.kerberos.principal' and 'auth.kerberos.keytab' must not be empty.");
            }
            return new ZooKeeperSaslOptions(this);
        }
    }
}
