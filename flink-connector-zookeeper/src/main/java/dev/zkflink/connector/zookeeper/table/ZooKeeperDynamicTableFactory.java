package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperTlsOptions;
import dev.zkflink.connector.zookeeper.sink.ZNodeAclSpec;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;
import dev.zkflink.connector.zookeeper.source.StartupMode;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperLookupOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.types.RowKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.zkflink.connector.zookeeper.table.ZooKeeperConnectorOptions.*;

/**
 * {@code 'connector' = 'zookeeper'}. Thin on purpose: it validates options through {@link
 * FactoryUtil}, turns them into the typed option objects (whose builders check values) and hands
 * those to the source and sink.
 */
@Internal
public final class ZooKeeperDynamicTableFactory
        implements DynamicTableSourceFactory, DynamicTableSinkFactory {
    public static final String IDENTIFIER = "zookeeper";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        Set<ConfigOption<?>> options = new HashSet<>();
        options.add(HOSTS);
        options.add(PATH);
        return options;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new HashSet<>();
        options.add(FORMAT);
        options.add(KEY_MODE);
        options.add(SCAN_STARTUP_MODE);
        options.add(SCAN_READ_BATCH_SIZE);
        options.add(SCAN_READ_MAX_IN_FLIGHT);
        options.add(FactoryUtil.SOURCE_PARALLELISM);
        options.add(FactoryUtil.SINK_PARALLELISM);
        options.add(SINK_BUFFER_FLUSH_MAX_ROWS);
        options.add(SINK_BUFFER_FLUSH_MAX_BYTES);
        options.add(SINK_BUFFER_FLUSH_INTERVAL);
        options.add(SINK_DELIVERY_GUARANTEE);
        options.add(SINK_MAX_RETRIES);
        options.add(SINK_RETRY_BACKOFF);
        options.add(SINK_RETRY_TIMEOUT);
        options.add(SINK_MAX_IN_FLIGHT);
        options.add(SINK_CREATE_MODE);
        options.add(SINK_ACL);
        options.add(SINK_TTL);
        options.add(SINK_VERSION_CONFLICT);
        options.add(SESSION_TIMEOUT);
        options.add(CONNECTION_TIMEOUT);
        options.add(CONNECTION_MAX_RETRIES);
        options.add(CONNECTION_RETRY_BASE_SLEEP);
        options.add(CONNECTION_RETRY_MAX_SLEEP);
        options.add(CONNECTION_SHARED_SESSION);
        options.add(TLS_ENABLED);
        options.add(TLS_TRUSTSTORE_LOCATION);
        options.add(TLS_TRUSTSTORE_PASSWORD);
        options.add(TLS_TRUSTSTORE_TYPE);
        options.add(TLS_KEYSTORE_LOCATION);
        options.add(TLS_KEYSTORE_PASSWORD);
        options.add(TLS_KEYSTORE_TYPE);
        options.add(TLS_HOSTNAME_VERIFICATION);
        options.add(AUTH_DIGEST_USER);
        options.add(AUTH_DIGEST_PASSWORD);
        options.addAll(ZooKeeperSaslOptionsFactory.options());
        options.addAll(ZooKeeperLookupOptionsFactory.options());
        return options;
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        Set<ConfigOption<?>> options = new HashSet<>();
        options.add(HOSTS);
        options.add(PATH);
        return options;
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        DecodingFormat<DeserializationSchema<RowData>> format =
                helper.discoverDecodingFormat(DeserializationFormatFactory.class, FORMAT);
        helper.validateExcept(PROPERTIES_PREFIX);
        ReadableConfig config = helper.getOptions();

        StartupMode startupMode = config.get(SCAN_STARTUP_MODE);
        KeyMode keyMode = config.get(KEY_MODE);
        String formatName = config.get(FORMAT);
        requireInsertOnlyFormat(formatName, format.getChangelogMode(), false);
        ZooKeeperTableColumns columns =
                ZooKeeperTableColumns.of(
                        context.getCatalogTable().getResolvedSchema(), keyMode, formatName);
        ZNodeTreeLayout layout = validated(() -> columns.layout(config.get(PATH), keyMode));
        ZooKeeperReadOptions readOptions =
                validated(
                        () ->
                                ZooKeeperReadOptions.builder()
                                        .setConnection(connection(config, context))
                                        .setBatchSize(config.get(SCAN_READ_BATCH_SIZE))
                                        .setMaxInFlight(config.get(SCAN_READ_MAX_IN_FLIGHT))
                                        .build());
        ZooKeeperLookupOptions lookupOptions =
                validated(() -> ZooKeeperLookupOptionsFactory.from(config));
        return new ZooKeeperDynamicTableSource(
                columns,
                layout,
                readOptions,
                lookupOptions,
                format,
                formatName,
                startupMode,
                config.getOptional(FactoryUtil.SOURCE_PARALLELISM).orElse(null));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        EncodingFormat<SerializationSchema<RowData>> format =
                helper.discoverEncodingFormat(SerializationFormatFactory.class, FORMAT);
        helper.validateExcept(PROPERTIES_PREFIX);
        ReadableConfig config = helper.getOptions();

        KeyMode keyMode = config.get(KEY_MODE);
        String formatName = config.get(FORMAT);
        requireInsertOnlyFormat(formatName, format.getChangelogMode(), true);
        ZooKeeperTableColumns columns =
                ZooKeeperTableColumns.of(
                        context.getCatalogTable().getResolvedSchema(), keyMode, formatName);
        ZNodeTreeLayout layout = validated(() -> columns.layout(config.get(PATH), keyMode));
        ZooKeeperWriteOptions writeOptions =
                validated(
                        () ->
                                ZooKeeperWriteOptions.builder()
                                        .setConnection(connection(config, context))
                                        .setBufferFlushMaxRows(
                                                config.get(SINK_BUFFER_FLUSH_MAX_ROWS))
                                        .setBufferFlushMaxBytes(
                                                config.get(SINK_BUFFER_FLUSH_MAX_BYTES).getBytes())
                                        .setBufferFlushInterval(
                                                config.get(SINK_BUFFER_FLUSH_INTERVAL))
                                        .setDeliveryGuarantee(config.get(SINK_DELIVERY_GUARANTEE))
                                        .setMaxRetries(config.get(SINK_MAX_RETRIES))
                                        .setRetryBackoff(config.get(SINK_RETRY_BACKOFF))
                                        .setRetryTimeout(config.get(SINK_RETRY_TIMEOUT))
                                        .setMaxInFlight(config.get(SINK_MAX_IN_FLIGHT))
                                        .setCreateMode(config.get(SINK_CREATE_MODE))
                                        .setAcl(ZNodeAclSpec.parse(config.get(SINK_ACL)))
                                        .setTtl(config.getOptional(SINK_TTL).orElse(null))
                                        .setVersionConflict(config.get(SINK_VERSION_CONFLICT))
                                        .build());
        if (writeOptions.getCreateMode().isEphemeral() && keyMode == KeyMode.RELATIVE_PATH) {
            throw new ValidationException(
                    String.format(
                            "'sink.create-mode' = '%s' needs 'key.mode' = 'levels': in 'relative-path'"
                                    + " mode a row can be the parent of another row, and ephemeral"
                                    + " nodes cannot have children.",
                            writeOptions.getCreateMode()));
        }
        return new ZooKeeperDynamicTableSink(
                columns,
                layout,
                writeOptions,
                format,
                formatName,
                config.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }

    private static ZooKeeperConnectionOptions connection(ReadableConfig config, Context context) {
        Map<String, String> properties = new HashMap<>();
        String prefix = PROPERTIES_PREFIX;
        for (Map.Entry<String, String> e : context.getCatalogTable().getOptions().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                properties.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        ZooKeeperConnectionOptions.Builder builder =
                ZooKeeperConnectionOptions.builder()
                        .setHosts(config.get(HOSTS))
                        .setTls(tls(config))
                        .setSessionTimeout(config.get(SESSION_TIMEOUT))
                        .setConnectionTimeout(config.get(CONNECTION_TIMEOUT))
                        .setMaxRetries(config.get(CONNECTION_MAX_RETRIES))
                        .setRetryBaseSleep(config.get(CONNECTION_RETRY_BASE_SLEEP))
                        .setRetryMaxSleep(config.get(CONNECTION_RETRY_MAX_SLEEP))
                        .setSharedSession(config.get(CONNECTION_SHARED_SESSION))
                        .setClientProperties(properties);
        String user = config.getOptional(AUTH_DIGEST_USER).orElse(null);
        String password = config.getOptional(AUTH_DIGEST_PASSWORD).orElse(null);
        if (user != null || password != null) {
            builder.setDigestAuth(user, password);
        }
        builder.setSasl(ZooKeeperSaslOptionsFactory.from(config));
        return builder.build();
    }

    private static ZooKeeperTlsOptions tls(ReadableConfig config) {
        ZooKeeperTlsOptions.Builder tls =
                ZooKeeperTlsOptions.builder()
                        .setEnabled(config.get(TLS_ENABLED))
                        .setTruststore(
                                config.getOptional(TLS_TRUSTSTORE_LOCATION).orElse(null),
                                config.getOptional(TLS_TRUSTSTORE_PASSWORD).orElse(null),
                                config.getOptional(TLS_TRUSTSTORE_TYPE).orElse(null))
                        .setKeystore(
                                config.getOptional(TLS_KEYSTORE_LOCATION).orElse(null),
                                config.getOptional(TLS_KEYSTORE_PASSWORD).orElse(null),
                                config.getOptional(TLS_KEYSTORE_TYPE).orElse(null));
        // Only an explicit value counts as set: 'tls.enabled' = 'false' refuses the other tls.*.
        config.getOptional(TLS_HOSTNAME_VERIFICATION).ifPresent(tls::setHostnameVerification);
        return tls.build();
    }

    /**
     * A znode's data holds one row's value, and the connector itself turns changes to the tree into
     * a changelog (and a changelog into writes). A changelog format such as {@code debezium-json}
     * would decode or encode row kinds that the connector then ignores, so it is refused at
     * planning rather than failing on every node at runtime.
     */
    private static void requireInsertOnlyFormat(
            String formatName, ChangelogMode mode, boolean sink) {
        if (mode.containsOnly(RowKind.INSERT)) {
            return;
        }
        List<String> kinds = new ArrayList<>();
        for (RowKind kind : mode.getContainedKinds()) {
            kinds.add(kind.name());
        }
        String message =
                sink
                        ? "'format' = '%s' cannot be used to write a 'zookeeper' table: it is a"
                                + " changelog format (it encodes rows of kinds %s), but the sink"
                                + " writes each row as the data of one znode and maps the"
                                + " changelog to the tree itself (an upsert writes the node, a"
                                + " DELETE removes it)."
                        : "'format' = '%s' cannot be used to read a 'zookeeper' table: it is a"
                                + " changelog format (it decodes rows of kinds %s), but each row"
                                + " comes from the data of one znode and the connector produces"
                                + " the changelog itself from the tree (insert-only for"
                                + " 'snapshot', upserts and deletes for 'initial' and 'latest').";
        throw new ValidationException(
                String.format(
                        message
                                + " Use a format that holds one row per value, such as 'json',"
                                + " 'raw', 'csv' or 'avro'.",
                        formatName,
                        kinds));
    }

    /** Builders throw IllegalArgumentException; the planner reports ValidationException. */
    private static <T> T validated(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
    }
}
