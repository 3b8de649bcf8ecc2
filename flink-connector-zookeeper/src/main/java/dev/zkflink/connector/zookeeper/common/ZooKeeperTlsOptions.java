package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * TLS of a table's ZooKeeper clients: whether to connect to the servers' {@code secureClientPort},
 * the trust store that verifies the servers, and the key store with the client certificate that
 * servers with {@code ssl.clientAuth=need} require (and the {@code x509} scheme identifies). Each
 * client gets these in its own {@code ZKClientConfig} ({@link TlsClientConfig}), never through JVM
 * system properties. Immutable; the builder validates.
 *
 * <p>A store type left unset is inferred by ZooKeeper from the file extension ({@code .jks}, {@code
 * .p12}/{@code .pkcs12}, {@code .pem}). {@link #toString()} never prints a password.
 *
 * <pre>{@code
 * ZooKeeperTlsOptions tls = ZooKeeperTlsOptions.builder()
 *         .setEnabled(true)
 *         .setTruststore("/etc/flink/zk-ca.pem", null, "PEM")
 *         .setKeystore("/etc/flink/zk-client.p12", "changeit", "PKCS12")
 *         .build();
 * }</pre>
 */
@PublicEvolving
public final class ZooKeeperTlsOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The store types ZooKeeper's client reads (its {@code KeyStoreFileType}s we support). */
    public static final List<String> STORE_TYPES =
            Collections.unmodifiableList(Arrays.asList("JKS", "PKCS12", "PEM"));

    private static final ZooKeeperTlsOptions DISABLED = builder().build();

    private final boolean enabled;
    private final String truststoreLocation;
    private final String truststorePassword;
    private final String truststoreType;
    private final String keystoreLocation;
    private final String keystorePassword;
    private final String keystoreType;
    private final boolean hostnameVerification;

    private ZooKeeperTlsOptions(Builder b) {
        this.enabled = b.enabled;
        this.truststoreLocation = b.truststoreLocation;
        this.truststorePassword = b.truststorePassword;
        this.truststoreType = normalizedType(b.truststoreType);
        this.keystoreLocation = b.keystoreLocation;
        this.keystorePassword = b.keystorePassword;
        this.keystoreType = normalizedType(b.keystoreType);
        this.hostnameVerification = b.hostnameVerification == null || b.hostnameVerification;
    }

    /** Plain connections: the default. */
    public static ZooKeeperTlsOptions disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** The trust store file, or null for the JVM's default trust store. */
    public String getTruststoreLocation() {
        return truststoreLocation;
    }

    public String getTruststorePassword() {
        return truststorePassword;
    }

    /** {@code JKS}, {@code PKCS12}, {@code PEM}, or null to infer it from the file extension. */
    public String getTruststoreType() {
        return truststoreType;
    }

    /** The key store file with the client certificate, or null for none. */
    public String getKeystoreLocation() {
        return keystoreLocation;
    }

    public String getKeystorePassword() {
        return keystorePassword;
    }

    /** {@code JKS}, {@code PKCS12}, {@code PEM}, or null to infer it from the file extension. */
    public String getKeystoreType() {
        return keystoreType;
    }

    /** Whether the client checks that a server's certificate names the host it connected to. */
    public boolean isHostnameVerification() {
        return hostnameVerification;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ZooKeeperTlsOptions)) {
            return false;
        }
        ZooKeeperTlsOptions that = (ZooKeeperTlsOptions) o;
        return enabled == that.enabled
                && hostnameVerification == that.hostnameVerification
                && Objects.equals(truststoreLocation, that.truststoreLocation)
                && Objects.equals(truststorePassword, that.truststorePassword)
                && Objects.equals(truststoreType, that.truststoreType)
                && Objects.equals(keystoreLocation, that.keystoreLocation)
                && Objects.equals(keystorePassword, that.keystorePassword)
                && Objects.equals(keystoreType, that.keystoreType);
    }

    @Override
    public int hashCode() {
        // Passwords stay out of the hash: equals still tells two otherwise equal settings apart.
        return Objects.hash(
                enabled,
                hostnameVerification,
                truststoreLocation,
                truststoreType,
                keystoreLocation,
                keystoreType);
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "disabled";
        }
        return "{truststore="
                + store(truststoreLocation, truststorePassword, truststoreType)
                + ", keystore="
                + store(keystoreLocation, keystorePassword, keystoreType)
                + ", hostnameVerification="
                + hostnameVerification
                + "}";
    }

    private static String store(String location, String password, String type) {
        if (location == null) {
            return "<none>";
        }
        return "'"
                + location
                + "'"
                + (type == null ? "" : " (" + type + ")")
                + (password == null ? "" : ", password=******");
    }

    private static String normalizedType(String type) {
        return type == null ? null : type.trim().toUpperCase(Locale.ROOT);
    }

    /** Builder that rejects inconsistent settings with a message naming the SQL option. */
    public static final class Builder {
        private boolean enabled;
        private String truststoreLocation;
        private String truststorePassword;
        private String truststoreType;
        private String keystoreLocation;
        private String keystorePassword;
        private String keystoreType;
        private Boolean hostnameVerification;

        private Builder() {}

        /** Whether the clients connect with TLS; false by default. */
        public Builder setEnabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** The trust store file; without one the JVM's default trust store is used. */
        public Builder setTruststoreLocation(String location) {
            this.truststoreLocation = location;
            return this;
        }

        public Builder setTruststorePassword(String password) {
            this.truststorePassword = password;
            return this;
        }

        /** {@code JKS}, {@code PKCS12} or {@code PEM}; by default inferred from the extension. */
        public Builder setTruststoreType(String type) {
            this.truststoreType = type;
            return this;
        }

        /** Location, password and type of the trust store at once; nulls leave them unset. */
        public Builder setTruststore(String location, String password, String type) {
            return setTruststoreLocation(location)
                    .setTruststorePassword(password)
                    .setTruststoreType(type);
        }

        /** The key store file with the client certificate; none by default. */
        public Builder setKeystoreLocation(String location) {
            this.keystoreLocation = location;
            return this;
        }

        public Builder setKeystorePassword(String password) {
            this.keystorePassword = password;
            return this;
        }

        /** {@code JKS}, {@code PKCS12} or {@code PEM}; by default inferred from the extension. */
        public Builder setKeystoreType(String type) {
            this.keystoreType = type;
            return this;
        }

        /** Location, password and type of the key store at once; nulls leave them unset. */
        public Builder setKeystore(String location, String password, String type) {
            return setKeystoreLocation(location)
                    .setKeystorePassword(password)
                    .setKeystoreType(type);
        }

        /** Whether server certificates must name the host connected to; true by default. */
        public Builder setHostnameVerification(boolean hostnameVerification) {
            this.hostnameVerification = hostnameVerification;
            return this;
        }

        public ZooKeeperTlsOptions build() {
            if (!enabled) {
                requireUnset(truststoreLocation, "tls.truststore.location");
                requireUnset(truststorePassword, "tls.truststore.password");
                requireUnset(truststoreType, "tls.truststore.type");
                requireUnset(keystoreLocation, "tls.keystore.location");
                requireUnset(keystorePassword, "tls.keystore.password");
                requireUnset(keystoreType, "tls.keystore.type");
                requireUnset(hostnameVerification, "tls.hostname-verification");
            }
            checkStore(truststoreLocation, truststorePassword, truststoreType, "tls.truststore");
            checkStore(keystoreLocation, keystorePassword, keystoreType, "tls.keystore");
            return new ZooKeeperTlsOptions(this);
        }

        private static void requireUnset(Object value, String option) {
            checkArgument(
                    value == null,
                    "'%s' is set, but 'tls.enabled' is false: set 'tls.enabled' = 'true' to"
                            + " connect with TLS, or remove '%s'.",
                    option,
                    option);
        }

        private static void checkStore(
                String location, String password, String type, String prefix) {
            checkArgument(
                    location == null || !location.trim().isEmpty(),
                    "'%s.location' must not be empty.",
                    prefix);
            checkArgument(
                    location != null || password == null,
                    "'%s.password' is set without '%s.location': set the store's location too.",
                    prefix,
                    prefix);
            checkArgument(
                    location != null || type == null,
                    "'%s.type' is set without '%s.location': set the store's location too.",
                    prefix,
                    prefix);
            checkArgument(
                    type == null || STORE_TYPES.contains(normalizedType(type)),
                    "'%s.type' must be one of %s (case-insensitive), but was '%s'.",
                    prefix,
                    STORE_TYPES,
                    type);
        }
    }
}
