package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.server.auth.DigestLoginModule;

import javax.annotation.Nullable;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-client SASL set-up: the table's JAAS section ({@link ZooKeeperJaasSections}) and the client's
 * own {@link ZKClientConfig} properties, never JVM system properties, so tables with different
 * credentials share a TaskManager safely. The section is given back when the client closes.
 */
@Internal
public final class SaslClientConfig {
    static final String SASL_CLIENT = ZKClientConfig.ENABLE_CLIENT_SASL_KEY;
    static final String SASL_CLIENT_CONFIG = ZKClientConfig.LOGIN_CONTEXT_NAME_KEY;
    static final String DEFAULT_SECTION = ZKClientConfig.LOGIN_CONTEXT_NAME_KEY_DEFAULT;
    static final String SERVICE_NAME = ZKClientConfig.ZK_SASL_CLIENT_USERNAME;

    /** ZooKeeper 3.9 refuses DIGEST-MD5 in FIPS mode, its default. */
    static final String FIPS_MODE = "zookeeper.fips-mode";

    static final String KRB5_LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

    private SaslClientConfig() {}

    /** The client properties the SASL options set, each with the option that sets it. */
    static Map<String, String> ownedProperties(@Nullable ZooKeeperSaslOptions sasl) {
        Map<String, String> owned = new LinkedHashMap<>();
        if (sasl == null) {
            return owned;
        }
        owned.put(SASL_CLIENT, "'auth.sasl.mechanism'");
        if (!sasl.usesJvmLoginSection()) {
            owned.put(SASL_CLIENT_CONFIG, "the table's own login section ('auth.sasl.*')");
        }
        owned.put(SERVICE_NAME, "'auth.sasl.service-name'");
        if (sasl.getMechanism() == ZooKeeperSaslOptions.Mechanism.DIGEST_MD5) {
            owned.put(FIPS_MODE, "'auth.sasl.mechanism' = 'DIGEST-MD5'");
        }
        return owned;
    }

    /**
     * Builds the client. With the table's SASL options it registers the table's login section and
     * turns SASL on in {@code config}; either way the client's authentication progress is tracked
     * for {@link ZooKeeperClientFactory#awaitConnection}.
     */
    static CuratorFramework build(
            CuratorFrameworkFactory.Builder builder,
            ZKClientConfig config,
            ZooKeeperConnectionOptions options) {
        ZooKeeperSaslOptions sasl = options.getSasl();
        String jvmSection =
                options.getClientProperties().getOrDefault(SASL_CLIENT_CONFIG, DEFAULT_SECTION);
        String registered = null;
        String section = jvmSection;
        if (sasl != null) {
            if (sasl.usesJvmLoginSection()) {
                if (!ZooKeeperClientFactory.jaasHasSection(jvmSection)) {
                    throw new IllegalStateException(
                            String.format(
                                    "'auth.sasl.mechanism' = 'GSSAPI' without"
                                            + " 'auth.kerberos.principal' and 'auth.kerberos.keytab'"
                                            + " logs in with the JVM's JAAS section '%s', but this"
                                            + " JVM has none. Set 'security.kerberos.login.contexts'"
                                            + " to include '%s' in Flink's configuration, or give"
                                            + " the table a principal and keytab.",
                                    jvmSection, jvmSection));
                }
            } else {
                registered = ZooKeeperJaasSections.acquire(sasl, () -> loginModules(sasl));
                section = registered;
            }
            config.setProperty(SASL_CLIENT, "true");
            config.setProperty(SASL_CLIENT_CONFIG, section);
            config.setProperty(SERVICE_NAME, sasl.getServiceName());
            if (sasl.getMechanism() == ZooKeeperSaslOptions.Mechanism.DIGEST_MD5) {
                config.setProperty(FIPS_MODE, "false");
            }
        }
        SaslAuthState state = new SaslAuthState(sasl, section);
        builder.zookeeperFactory(tracking(builder.getZookeeperFactory(), state));
        CuratorFramework client;
        try {
            client = builder.build();
        } catch (RuntimeException e) {
            if (registered != null) {
                ZooKeeperJaasSections.release(registered);
            }
            throw e;
        }
        state.attach(client);
        if (registered != null) {
            releaseOnClose(client, registered);
        }
        return client;
    }

    /** The login modules of the table's section. */
    static List<AppConfigurationEntry> loginModules(ZooKeeperSaslOptions sasl) {
        if (sasl.hasJaasConfig()) {
            return JaasConfigLine.parse(sasl.jaasConfig());
        }
        Map<String, String> o = new HashMap<>();
        String module;
        if (sasl.getMechanism() == ZooKeeperSaslOptions.Mechanism.DIGEST_MD5) {
            module = DigestLoginModule.class.getName();
            o.put("username", sasl.getUser());
            o.put("password", sasl.password());
        } else {
            module = KRB5_LOGIN_MODULE;
            o.put("useKeyTab", "true");
            o.put("keyTab", sasl.getKerberosKeytab());
            o.put("principal", sasl.getKerberosPrincipal());
            o.put("storeKey", "true");
            o.put("useTicketCache", "false");
            o.put("doNotPrompt", "true");
            o.put("isInitiator", "true");
        }
        return Collections.singletonList(
                new AppConfigurationEntry(module, LoginModuleControlFlag.REQUIRED, o));
    }

    private static void releaseOnClose(CuratorFramework client, String section) {
        AtomicBoolean released = new AtomicBoolean();
        client.getCuratorListenable()
                .addListener(
                        (c, event) -> {
                            if (event.getType() == CuratorEventType.CLOSING
                                    && released.compareAndSet(false, true)) {
                                ZooKeeperJaasSections.release(section);
                            }
                        });
    }

    /** Tells {@code state} every handle Curator creates. */
    private static ZookeeperFactory tracking(ZookeeperFactory factory, SaslAuthState state) {
        return new ZookeeperFactory() {
            @Override
            public ZooKeeper newZooKeeper(
                    String connectString, int sessionTimeout, Watcher watcher, boolean ro)
                    throws Exception {
                ZooKeeper zk = factory.newZooKeeper(connectString, sessionTimeout, watcher, ro);
                state.handleCreated(zk);
                return zk;
            }

            @Override
            public ZooKeeper newZooKeeper(
                    String connectString,
                    int sessionTimeout,
                    Watcher watcher,
                    boolean ro,
                    ZKClientConfig config)
                    throws Exception {
                ZooKeeper zk =
                        factory.newZooKeeper(connectString, sessionTimeout, watcher, ro, config);
                state.handleCreated(zk);
                return zk;
            }
        };
    }
}
