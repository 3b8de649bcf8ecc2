package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * How to reach a ZooKeeper ensemble: connect string, TLS ({@link ZooKeeperTlsOptions}), timeouts,
 * retries, digest credentials, SASL ({@link ZooKeeperSaslOptions}) and per-client {@code
 * ZKClientConfig} properties. Immutable; the builder validates.
 *
 * <p>{@link #toString()} never prints a password: this object travels inside job graphs, logs and
 * EXPLAIN output.
 */
@PublicEvolving
public final class ZooKeeperConnectionOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String hosts;
    private final ZooKeeperTlsOptions tls;
    private final Duration sessionTimeout;
    private final Duration connectionTimeout;
    private final int maxRetries;
    private final Duration retryBaseSleep;
    private final Duration retryMaxSleep;
    private final String digestUser;
    private final String digestPassword;
    private final boolean sharedSession;
    private final Map<String, String> clientProperties;
    private final ZooKeeperSaslOptions sasl;

    private ZooKeeperConnectionOptions(Builder b) {
        this.hosts = b.hosts;
        this.tls = b.tls;
        this.sessionTimeout = b.sessionTimeout;
        this.connectionTimeout = b.connectionTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBaseSleep = b.retryBaseSleep;
        this.retryMaxSleep = b.retryMaxSleep;
        this.digestUser = b.digestUser;
        this.digestPassword = b.digestPassword;
        this.sharedSession = b.sharedSession;
        this.clientProperties =
                Collections.unmodifiableMap(new LinkedHashMap<>(b.clientProperties));
        this.sasl = b.sasl;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getHosts() {
        return hosts;
    }

    /** TLS of this table's clients; {@link ZooKeeperTlsOptions#disabled()} by default. */
    public ZooKeeperTlsOptions getTls() {
        return tls;
    }

    public Duration getSessionTimeout() {
        return sessionTimeout;
    }

    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public Duration getRetryBaseSleep() {
        return retryBaseSleep;
    }

    public Duration getRetryMaxSleep() {
        return retryMaxSleep;
    }

    /** Whether subtasks in one TaskManager share a session ({@link SharedZooKeeperClients}). */
    public boolean isSharedSession() {
        return sharedSession;
    }

    public boolean hasDigestAuth() {
        return digestUser != null;
    }

    /**
     * The identities this table's sessions present to the servers, for error messages: the digest
     * user, the SASL user or principal, the TLS client certificate. Never a secret; {@code null}
     * when the sessions are anonymous.
     */
    @Nullable
    public String describeIdentities() {
        List<String> ids = new ArrayList<>();
        if (digestUser != null) {
            ids.add("'auth.digest.user' = '" + digestUser + "'");
        }
        if (sasl != null) {
            ids.add("SASL " + sasl.getMechanism().saslName() + " " + sasl.describeIdentity());
        }
        if (tls.isEnabled() && tls.getKeystoreLocation() != null) {
            ids.add("the TLS client certificate in 'tls.keystore.location'");
        } else if (clientProperties.containsKey("zookeeper.ssl.keyStore.location")) {
            ids.add("the TLS client certificate in 'properties.zookeeper.ssl.keyStore.location'");
        }
        return ids.isEmpty() ? null : String.join(" and ", ids);
    }

    /** Whether the sessions have any identity (an {@code auth} ACL entry then names it). */
    public boolean hasIdentity() {
        return describeIdentities() != null;
    }

    /** The {@code user:password} auth bytes for {@code addAuthInfo("digest", ...)}. */
    byte[] digestAuthBytes() {
        return (digestUser + ":" + digestPassword)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public String getDigestUser() {
        return digestUser;
    }

    /** The table's SASL authentication, or null (then only the JVM's JAAS 'Client' may apply). */
    public ZooKeeperSaslOptions getSasl() {
        return sasl;
    }

    /** Properties handed to this client's own {@code ZKClientConfig}. */
    public Map<String, String> getClientProperties() {
        return clientProperties;
    }

    /** The request and response size limit this client assumes ({@code jute.maxbuffer}). */
    public int getJuteMaxBuffer() {
        return ZooKeeperLimits.juteMaxBuffer(clientProperties);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ZooKeeperConnectionOptions)) {
            return false;
        }
        ZooKeeperConnectionOptions that = (ZooKeeperConnectionOptions) o;
        return maxRetries == that.maxRetries
                && sharedSession == that.sharedSession
                && hosts.equals(that.hosts)
                && tls.equals(that.tls)
                && sessionTimeout.equals(that.sessionTimeout)
                && connectionTimeout.equals(that.connectionTimeout)
                && retryBaseSleep.equals(that.retryBaseSleep)
                && retryMaxSleep.equals(that.retryMaxSleep)
                && Objects.equals(digestUser, that.digestUser)
                && Objects.equals(digestPassword, that.digestPassword)
                && clientProperties.equals(that.clientProperties)
                && Objects.equals(sasl, that.sasl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                hosts, sessionTimeout, connectionTimeout, maxRetries, digestUser, tls, sasl);
    }

    @Override
    public String toString() {
        return "ZooKeeperConnectionOptions{hosts='"
                + hosts
                + (tls.isEnabled() ? "', tls=" + tls + ", sessionTimeout=" : "', sessionTimeout=")
                + sessionTimeout
                + ", connectionTimeout="
                + connectionTimeout
                + ", maxRetries="
                + maxRetries
                + ", digestUser="
                + (digestUser == null ? "<none>" : "'" + digestUser + "', digestPassword=******")
                + (sharedSession ? "" : ", sharedSession=false")
                + (sasl == null ? "" : ", sasl=" + sasl)
                + ", clientProperties="
                + clientProperties.keySet()
                + "}";
    }

    /** Builder that rejects inconsistent settings with a message naming the SQL option. */
    public static final class Builder {
        private String hosts;
        private ZooKeeperTlsOptions tls = ZooKeeperTlsOptions.disabled();
        private Duration sessionTimeout = Duration.ofSeconds(30);
        private Duration connectionTimeout = Duration.ofSeconds(15);
        private int maxRetries = 5;
        private Duration retryBaseSleep = Duration.ofMillis(100);
        private Duration retryMaxSleep = Duration.ofSeconds(5);
        private String digestUser;
        private String digestPassword;
        private boolean sharedSession = true;
        private final Map<String, String> clientProperties = new LinkedHashMap<>();
        private ZooKeeperSaslOptions sasl;

        private Builder() {}

        public Builder setHosts(String hosts) {
            this.hosts = hosts;
            return this;
        }

        /** TLS of the clients (a {@link ZooKeeperTlsOptions}); disabled by default. */
        public Builder setTls(ZooKeeperTlsOptions tls) {
            this.tls = tls;
            return this;
        }

        public Builder setSessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
            return this;
        }

        public Builder setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        public Builder setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder setRetryBaseSleep(Duration retryBaseSleep) {
            this.retryBaseSleep = retryBaseSleep;
            return this;
        }

        public Builder setRetryMaxSleep(Duration retryMaxSleep) {
            this.retryMaxSleep = retryMaxSleep;
            return this;
        }

        public Builder setDigestAuth(String user, String password) {
            this.digestUser = user;
            this.digestPassword = password;
            return this;
        }

        /** Whether subtasks in one TaskManager share a session; true by default. */
        public Builder setSharedSession(boolean sharedSession) {
            this.sharedSession = sharedSession;
            return this;
        }

        /**
         * SASL authentication (Kerberos or DIGEST-MD5) of this table's clients; none by default.
         */
        public Builder setSasl(ZooKeeperSaslOptions sasl) {
            this.sasl = sasl;
            return this;
        }

        public Builder setClientProperty(String key, String value) {
            clientProperties.put(key, value);
            return this;
        }

        public Builder setClientProperties(Map<String, String> properties) {
            clientProperties.putAll(properties);
            return this;
        }

        /**
         * Refuses a {@code properties.*} key that a typed option sets too: which one should win
         * would be a guess, and a silent one could drop a certificate or a login section.
         */
        private void requireNotAlsoProperties(Map<String, String> ownedByOption) {
            for (Map.Entry<String, String> e : ownedByOption.entrySet()) {
                checkArgument(
                        !clientProperties.containsKey(e.getKey()),
                        "'properties.%s' and %s both set the ZooKeeper client property '%s':"
                                + " remove 'properties.%s'.",
                        e.getKey(),
                        e.getValue(),
                        e.getKey(),
                        e.getKey());
            }
        }

        public ZooKeeperConnectionOptions build() {
            checkArgument(hosts != null && !hosts.trim().isEmpty(), "'hosts' must not be empty.");
            checkArgument(
                    !hosts.contains(" "),
                    "'hosts' must be a ZooKeeper connect string such as 'zk1:2181,zk2:2181/chroot' without spaces, but was '%s'.",
                    hosts);
            checkArgument(
                    tls != null,
                    "TLS options must not be null: use ZooKeeperTlsOptions.disabled().");
            requireNotAlsoProperties(TlsClientConfig.ownedProperties(tls));
            requireNotAlsoProperties(SaslClientConfig.ownedProperties(sasl));
            requirePositive(sessionTimeout, "session.timeout");
            requirePositive(connectionTimeout, "connection.timeout");
            requirePositive(retryBaseSleep, "connection.retry.base-sleep");
            requirePositive(retryMaxSleep, "connection.retry.max-sleep");
            checkArgument(
                    maxRetries >= 0,
                    "'connection.max-retries' must be >= 0, but was %s.",
                    maxRetries);
            checkArgument(
                    retryMaxSleep.compareTo(retryBaseSleep) >= 0,
                    "'connection.retry.max-sleep' (%s) must not be smaller than 'connection.retry.base-sleep' (%s).",
                    retryMaxSleep,
                    retryBaseSleep);
            checkArgument(
                    (digestUser == null) == (digestPassword == null),
                    "'auth.digest.user' and 'auth.digest.password' must be set together.");
            checkArgument(
                    digestUser == null || (!digestUser.isEmpty() && !digestUser.contains(":")),
                    "'auth.digest.user' must be non-empty and must not contain ':'.");
            ZooKeeperLimits.juteMaxBuffer(clientProperties); // validates the value early
            return new ZooKeeperConnectionOptions(this);
        }

        private static void requirePositive(Duration d, String option) {
            checkArgument(
                    d != null && !d.isNegative() && !d.isZero(),
                    "'%s' must be a positive duration, but was %s.",
                    option,
                    d);
        }
    }
}
