package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;

import javax.security.auth.login.Configuration;

import java.io.IOException;
import java.util.Map;

/**
 * Opens Curator clients configured from {@link ZooKeeperConnectionOptions}.
 *
 * <p>Every client gets its own {@link ZKClientConfig}: one TaskManager hosts many tables with
 * different TLS settings and credentials, so nothing goes through JVM system properties.
 */
@Internal
public final class ZooKeeperClientFactory {
    private static final byte[] EMPTY = new byte[0];
    private static final long CONNECTION_POLL_MS = 20;
    private static final String CLIENT_CNXN_SOCKET = "zookeeper.clientCnxnSocket";
    private static final String SASL_CLIENT = "zookeeper.sasl.client";
    private static final String SASL_CLIENT_CONFIG = "zookeeper.sasl.clientconfig";
    private static final String DEFAULT_SASL_SECTION = "Client";
    private static final String[] SOCKET_SIMPLE_NAMES = {
        "ClientCnxnSocketNetty", "ClientCnxnSocketNIO"
    };

    private ZooKeeperClientFactory() {}

    /** Opens a client with the configured {@code jute.maxbuffer}. */
    public static CuratorFramework open(ZooKeeperConnectionOptions options) throws IOException {
        return open(options, options.getJuteMaxBuffer());
    }

    /**
     * Opens a client and waits until it is connected.
     *
     * @param clientMaxPacketBytes the largest response this client accepts. Readers raise it above
     *     the request limit so a batched read of many nodes never trips the client's own check.
     */
    public static CuratorFramework open(
            ZooKeeperConnectionOptions options, int clientMaxPacketBytes) throws IOException {
        CuratorFramework client = create(options, clientMaxPacketBytes);
        client.start();
        try {
            awaitConnection(client, options, System.currentTimeMillis(), ZooKeeperWakeUp.NEVER);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * Waits until a started client is connected, at most until {@code connection.timeout} after
     * {@code startedAtMillis}. A wake-up ends the wait with {@link
     * ZooKeeperWakeUp.WokenUpException} and leaves the client connecting, so the caller can wait
     * again later (closing a client that is still connecting can block for the session timeout).
     * With SASL the client counts as connected once it authenticated; a refused or failed login
     * ends the wait at once with an error naming the mechanism and the identity.
     */
    public static void awaitConnection(
            CuratorFramework client,
            ZooKeeperConnectionOptions options,
            long startedAtMillis,
            ZooKeeperWakeUp wakeUp)
            throws IOException {
        long deadline = startedAtMillis + options.getConnectionTimeout().toMillis();
        SaslAuthState auth = SaslAuthState.of(client);
        while (!client.getZookeeperClient().isConnected() || (auth != null && !auth.ready())) {
            if (auth != null) {
                auth.throwIfFailed(options); // wrong credentials are terminal
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IOException(
                        String.format(
                                "Could not connect to ZooKeeper at '%s' within 'connection.timeout' (%s).%s",
                                options.getHosts(),
                                options.getConnectionTimeout(),
                                tlsHint(options.getTls())
                                        + (auth == null ? "" : auth.pendingDescription())));
            }
            wakeUp.sleep(Math.min(CONNECTION_POLL_MS, left));
        }
    }

    /**
     * A failed TLS handshake looks like an unreachable server to the client, which only logs it and
     * retries: say what to check.
     */
    static String tlsHint(ZooKeeperTlsOptions tls) {
        if (!tls.isEnabled()) {
            return "";
        }
        return " The table connects with TLS ('tls.enabled' = 'true'): check that 'hosts' names the"
                + " servers' secureClientPort, that 'tls.truststore.*' trusts the servers'"
                + " certificate"
                + (tls.isHostnameVerification()
                        ? " and that the certificate names the host in 'hosts'"
                                + " ('tls.hostname-verification')"
                        : "")
                + ", and, if the servers require client certificates (ssl.clientAuth=need), that"
                + (tls.getKeystoreLocation() == null
                        ? " 'tls.keystore.location' is set to a key store with a certificate they"
                                + " trust (this table sends none)."
                        : " 'tls.keystore.*' holds a certificate they trust.")
                + " ZooKeeper's client logs the handshake error itself.";
    }

    /**
     * ZooKeeper accepts the simple names {@code ClientCnxnSocketNetty} and {@code
     * ClientCnxnSocketNIO} and resolves them to its own classes. The SQL jar relocates ZooKeeper,
     * so a fully qualified {@code org.apache.zookeeper...} name would not load: reduce it to the
     * simple name. (No package literal here on purpose: the shade plugin would rewrite it.)
     */
    static String clientPropertyValue(String key, String value) {
        if (CLIENT_CNXN_SOCKET.equals(key) && value != null) {
            String trimmed = value.trim();
            for (String simple : SOCKET_SIMPLE_NAMES) {
                if (trimmed.endsWith("." + simple)) {
                    return simple;
                }
            }
        }
        return value;
    }

    /** Whether the JVM's JAAS configuration has a login section of that name. */
    static boolean jaasHasSection(String section) {
        try {
            return Configuration.getConfiguration().getAppConfigurationEntry(section) != null;
        } catch (RuntimeException e) {
            return false; // no JAAS configuration at all
        }
    }

    /** Creates an unstarted client. */
    public static CuratorFramework create(
            ZooKeeperConnectionOptions options, int clientMaxPacketBytes) {
        ZKClientConfig clientConfig = new ZKClientConfig();
        for (Map.Entry<String, String> e : options.getClientProperties().entrySet()) {
            clientConfig.setProperty(e.getKey(), clientPropertyValue(e.getKey(), e.getValue()));
        }
        TlsClientConfig.apply(clientConfig, options.getTls());
        clientConfig.setProperty(
                ZooKeeperLimits.JUTE_MAXBUFFER, String.valueOf(clientMaxPacketBytes));
        if (options.getSasl() == null
                && !options.getClientProperties().containsKey(SASL_CLIENT)
                && !jaasHasSection(
                        options.getClientProperties()
                                .getOrDefault(SASL_CLIENT_CONFIG, DEFAULT_SASL_SECTION))) {
            // Flink's security modules turn zookeeper.sasl.client on JVM-wide and point JAAS at a
            // generated file, with or without a 'Client' section. Without one, every connection
            // would log a failed SASL login and an "Authentication failed" error, then go on
            // without SASL anyway.
            clientConfig.setProperty(SASL_CLIENT, "false");
        }

        CuratorFrameworkFactory.Builder builder =
                CuratorFrameworkFactory.builder()
                        .connectString(options.getHosts())
                        .sessionTimeoutMs((int) options.getSessionTimeout().toMillis())
                        .connectionTimeoutMs((int) options.getConnectionTimeout().toMillis())
                        .retryPolicy(
                                new BoundedExponentialBackoffRetry(
                                        (int) options.getRetryBaseSleep().toMillis(),
                                        (int) options.getRetryMaxSleep().toMillis(),
                                        options.getMaxRetries()))
                        .zkClientConfig(clientConfig)
                        // Curator would otherwise write the client's IP address into new nodes.
                        .defaultData(EMPTY)
                        // Parents we create are ordinary persistent nodes, never reaped containers.
                        .dontUseContainerParents()
                        // No dynamic-reconfig tracking: it watches /zookeeper/config and logs
                        // errors when a client closes under it.
                        .ensembleTracker(false)
                        // Handles that tell the newest zxid they saw ('latest' start points).
                        .zookeeperFactory(ZxidAwareZooKeeper.FACTORY);
        if (options.hasDigestAuth()) {
            builder.authorization("digest", options.digestAuthBytes());
        }
        // The table's SASL login section and settings, if it has any; tracks authentication.
        return SaslClientConfig.build(builder, clientConfig, options);
    }
}
