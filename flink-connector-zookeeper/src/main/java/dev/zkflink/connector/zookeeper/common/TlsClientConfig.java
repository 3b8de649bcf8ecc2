package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.client.ZKClientConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns {@link ZooKeeperTlsOptions} into the {@code ZKClientConfig} properties of one client (key
 * names of ZooKeeper's {@code ZKClientConfig} and {@code ClientX509Util}, prefix {@code
 * zookeeper.ssl.}). Per client, never JVM system properties: tables in one TaskManager may use
 * different certificates.
 */
@Internal
public final class TlsClientConfig {
    static final String SECURE_CLIENT = "zookeeper.client.secure";
    static final String CLIENT_CNXN_SOCKET = "zookeeper.clientCnxnSocket";

    /**
     * TLS needs the Netty socket. The simple name, which ZooKeeper resolves to its own class: a
     * package literal would be rewritten by the SQL jar's relocation anyway.
     */
    static final String NETTY_SOCKET = "ClientCnxnSocketNetty";

    private static final String SSL = "zookeeper.ssl.";

    private TlsClientConfig() {}

    /** Sets the TLS properties of {@code tls} on {@code config}; nothing when TLS is disabled. */
    public static void apply(ZKClientConfig config, ZooKeeperTlsOptions tls) {
        for (Map.Entry<String, Setting> e : settings(tls).entrySet()) {
            config.setProperty(e.getKey(), e.getValue().value);
        }
    }

    /** The client properties the {@code tls.*} options set, each with the option that sets it. */
    static Map<String, String> ownedProperties(ZooKeeperTlsOptions tls) {
        Map<String, String> owned = new LinkedHashMap<>();
        settings(tls).forEach((key, setting) -> owned.put(key, setting.option));
        return owned;
    }

    /** ZooKeeper client property to the value and to the option it comes from, in order. */
    static Map<String, Setting> settings(ZooKeeperTlsOptions tls) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (!tls.isEnabled()) {
            return settings;
        }
        settings.put(SECURE_CLIENT, new Setting("'tls.enabled'", "true"));
        settings.put(CLIENT_CNXN_SOCKET, new Setting("'tls.enabled'", NETTY_SOCKET));
        putStore(
                settings,
                "trustStore",
                "tls.truststore",
                tls.getTruststoreLocation(),
                tls.getTruststorePassword(),
                tls.getTruststoreType());
        putStore(
                settings,
                "keyStore",
                "tls.keystore",
                tls.getKeystoreLocation(),
                tls.getKeystorePassword(),
                tls.getKeystoreType());
        settings.put(
                SSL + "hostnameVerification",
                new Setting(
                        "'tls.hostname-verification' (set whenever 'tls.enabled' is true)",
                        String.valueOf(tls.isHostnameVerification())));
        return settings;
    }

    private static void putStore(
            Map<String, Setting> settings,
            String store,
            String option,
            String location,
            String password,
            String type) {
        if (location != null) {
            settings.put(SSL + store + ".location", new Setting(option + ".location", location));
        }
        if (password != null) {
            settings.put(SSL + store + ".password", new Setting(option + ".password", password));
        }
        if (type != null) {
            settings.put(SSL + store + ".type", new Setting(option + ".type", type));
        }
    }

    /** One property value and the option it comes from (quoted, for messages). */
    static final class Setting {
        final String option;
        final String value;

        private Setting(String option, String value) {
            this.option = option.startsWith("'") ? option : "'" + option + "'";
            this.value = value;
        }
    }
}
