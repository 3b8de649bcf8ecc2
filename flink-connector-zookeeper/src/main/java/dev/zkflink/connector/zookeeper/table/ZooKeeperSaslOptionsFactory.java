package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZooKeeperSaslOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_KERBEROS_KEYTAB;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_KERBEROS_PRINCIPAL;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_SASL_JAAS_CONFIG;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_SASL_MECHANISM;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_SASL_PASSWORD;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_SASL_SERVICE_NAME;
import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.AUTH_SASL_USER;

/** The {@code auth.sasl.*} and {@code auth.kerberos.*} options: a table's SASL login. */
final class ZooKeeperSaslOptionsFactory {
    private static final List<ConfigOption<String>> OPTIONS =
            Arrays.asList(
                    AUTH_SASL_MECHANISM,
                    AUTH_SASL_USER,
                    AUTH_SASL_PASSWORD,
                    AUTH_SASL_JAAS_CONFIG,
                    AUTH_SASL_SERVICE_NAME,
                    AUTH_KERBEROS_PRINCIPAL,
                    AUTH_KERBEROS_KEYTAB);

    private ZooKeeperSaslOptionsFactory() {}

    static Set<ConfigOption<?>> options() {
        return new LinkedHashSet<>(OPTIONS);
    }

    /** The table's SASL options, or null when none of them is set. */
    static ZooKeeperSaslOptions from(ReadableConfig config) {
        boolean any = false;
        for (ConfigOption<String> option : OPTIONS) {
            any |= config.getOptional(option).isPresent();
        }
        if (!any) {
            return null;
        }
        String mechanism = config.getOptional(AUTH_SASL_MECHANISM).orElse(null);
        String user = config.getOptional(AUTH_SASL_USER).orElse(null);
        String password = config.getOptional(AUTH_SASL_PASSWORD).orElse(null);
        String principal = config.getOptional(AUTH_KERBEROS_PRINCIPAL).orElse(null);
        String keytab = config.getOptional(AUTH_KERBEROS_KEYTAB).orElse(null);
        return ZooKeeperSaslOptions.builder()
                .setMechanism(
                        mechanism == null
                                ? null
                                : ZooKeeperSaslOptions.Mechanism.fromSaslName(mechanism))
                .setDigestCredentials(user, password)
                .setKerberosLogin(principal, keytab)
                .setJaasConfig(config.getOptional(AUTH_SASL_JAAS_CONFIG).orElse(null))
                .setServiceName(config.get(AUTH_SASL_SERVICE_NAME))
                .build();
    }
}
