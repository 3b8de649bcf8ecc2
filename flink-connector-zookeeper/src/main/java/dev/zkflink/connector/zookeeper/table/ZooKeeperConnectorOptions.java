package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.sink.VersionConflictPolicy;
import dev.zkflink.connector.zookeeper.sink.ZNodeAclSpec;
import dev.zkflink.connector.zookeeper.sink.ZNodeCreateMode;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;
import dev.zkflink.connector.zookeeper.source.StartupMode;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;

/** Every {@code WITH} option of {@code 'connector' = 'zookeeper'}; the docs table mirrors this. */
@PublicEvolving
public final class ZooKeeperConnectorOptions {
    private ZooKeeperConnectorOptions() {}

    public static final String PROPERTIES_PREFIX = "properties.";

    public static final ConfigOption<String> HOSTS =
            ConfigOptions.key("hosts")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "ZooKeeper connect string, for example 'zk1:2181,zk2:2181' with an optional chroot '/apps'.");

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Absolute root znode of the table, without a trailing '/'.");

    public static final ConfigOption<String> FORMAT =
            ConfigOptions.key("format")
                    .stringType()
                    .defaultValue("raw")
                    .withDescription(
                            "Format of the node data (all non-key physical columns): 'raw', 'json', 'csv', 'avro', ...");

    public static final ConfigOption<KeyMode> KEY_MODE =
            ConfigOptions.key("key.mode")
                    .enumType(KeyMode.class)
                    .defaultValue(KeyMode.LEVELS)
                    .withDescription("How the PRIMARY KEY maps to znode paths.");

    public static final ConfigOption<StartupMode> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup.mode")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.INITIAL)
                    .withDescription("What a scan reads.");

    public static final ConfigOption<Integer> SCAN_READ_BATCH_SIZE =
            ConfigOptions.key("scan.read.batch-size")
                    .intType()
                    .defaultValue(100)
                    .withDescription("Reads (getData/getChildren) per multi read request.");

    public static final ConfigOption<Integer> SCAN_READ_MAX_IN_FLIGHT =
            ConfigOptions.key("scan.read.max-in-flight")
                    .intType()
                    .defaultValue(4)
                    .withDescription("Multi read requests a reader pipelines at once.");

    public static final ConfigOption<Integer> SINK_BUFFER_FLUSH_MAX_ROWS =
            ConfigOptions.key("sink.buffer-flush.max-rows")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Distinct keys buffered before a flush. Rows are collapsed per key first.");

    public static final ConfigOption<MemorySize> SINK_BUFFER_FLUSH_MAX_BYTES =
            ConfigOptions.key("sink.buffer-flush.max-bytes")
                    .memoryType()
                    .defaultValue(
                            new MemorySize(ZooKeeperWriteOptions.DEFAULT_BUFFER_FLUSH_MAX_BYTES))
                    .withDescription(
                            "Bytes buffered (node data plus path and bookkeeping, estimated) before a flush, whatever the number of rows.");

    public static final ConfigOption<Duration> SINK_BUFFER_FLUSH_INTERVAL =
            ConfigOptions.key("sink.buffer-flush.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "Flush the buffer at this interval even without new rows; '0' disables the timer.");

    public static final ConfigOption<DeliveryGuarantee> SINK_DELIVERY_GUARANTEE =
            ConfigOptions.key("sink.delivery-guarantee")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
                    .withDescription(
                            "'exactly-once' writes a checkpoint's changes only once it completed (through a committer); 'at-least-once' flushes on every checkpoint; 'none' does not.");

    public static final ConfigOption<Integer> SINK_MAX_RETRIES =
            ConfigOptions.key("sink.max-retries")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Retries of a write after ConnectionLoss, OperationTimeout or SessionExpired before the job fails.");

    public static final ConfigOption<Duration> SINK_RETRY_BACKOFF =
            ConfigOptions.key("sink.retry.backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "First backoff between write retries; it doubles per retry, up to 10 s.");

    public static final ConfigOption<Duration> SINK_RETRY_TIMEOUT =
            ConfigOptions.key("sink.retry.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "The longest the sink keeps retrying transient errors without a successful write before the job fails. Bounds how long a flush, and so a checkpoint, waits for an unreachable ensemble.");

    public static final ConfigOption<Integer> SINK_MAX_IN_FLIGHT =
            ConfigOptions.key("sink.max-in-flight")
                    .intType()
                    .defaultValue(ZooKeeperWriteOptions.DEFAULT_MAX_IN_FLIGHT)
                    .withDescription(
                            "Write transactions a sink subtask keeps sent and not yet answered, at most; '1' waits for each before sending the next. Checkpoints and the end of input wait for all of them.");

    public static final ConfigOption<ZNodeCreateMode> SINK_CREATE_MODE =
            ConfigOptions.key("sink.create-mode")
                    .enumType(ZNodeCreateMode.class)
                    .defaultValue(ZNodeCreateMode.PERSISTENT)
                    .withDescription(
                            "What kind of node a row creates: 'persistent', 'persistent-sequential', 'ephemeral', 'ephemeral-sequential', 'container', 'persistent-with-ttl' or 'persistent-sequential-with-ttl'. Existing nodes keep their kind.");

    public static final ConfigOption<String> SINK_ACL =
            ConfigOptions.key("sink.acl")
                    .stringType()
                    .defaultValue(ZNodeAclSpec.OPEN)
                    .withDescription(
                            "ACL of every node the sink creates, parents included, in the ZooKeeper CLI's syntax: comma-separated 'scheme:id:perms' (for example 'world:anyone:r,digest:app:<base64 sha1>:cdrwa', 'auth::cdrwa', 'ip:10.0.0.0/8:r'). Existing nodes keep their ACL.");

    public static final ConfigOption<Duration> SINK_TTL =
            ConfigOptions.key("sink.ttl")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "TTL of the nodes a TTL create mode creates, unless the row's 'ttl' metadata column gives one.");

    public static final ConfigOption<VersionConflictPolicy> SINK_VERSION_CONFLICT =
            ConfigOptions.key("sink.version-conflict")
                    .enumType(VersionConflictPolicy.class)
                    .defaultValue(VersionConflictPolicy.FAIL)
                    .withDescription(
                            "What a conditional write (a row with a non-NULL 'version' metadata column) does when the node is at another version: 'fail' the job, or 'skip' the row and count it in 'numVersionConflicts'.");

    public static final ConfigOption<Duration> SESSION_TIMEOUT =
            ConfigOptions.key("session.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "ZooKeeper session timeout requested by the connector's clients.");

    public static final ConfigOption<Duration> CONNECTION_TIMEOUT =
            ConfigOptions.key("connection.timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription("How long to wait for a connection before failing.");

    public static final ConfigOption<Integer> CONNECTION_MAX_RETRIES =
            ConfigOptions.key("connection.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Retries of a read or client operation after a lost connection.");

    public static final ConfigOption<Boolean> CONNECTION_SHARED_SESSION =
            ConfigOptions.key("connection.shared-session")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether the subtasks of this table in one TaskManager share one"
                                    + " ZooKeeper session per side (source, sink), and the live"
                                    + " readers one watch. false: one session per subtask.");

    public static final ConfigOption<Duration> CONNECTION_RETRY_BASE_SLEEP =
            ConfigOptions.key("connection.retry.base-sleep")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("First backoff of connection retries (exponential).");

    public static final ConfigOption<Duration> CONNECTION_RETRY_MAX_SLEEP =
            ConfigOptions.key("connection.retry.max-sleep")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Largest backoff of connection retries.");

    public static final ConfigOption<Boolean> TLS_ENABLED =
            ConfigOptions.key("tls.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether the clients connect with TLS, to the servers' secureClientPort.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_LOCATION =
            ConfigOptions.key("tls.truststore.location")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Trust store file that verifies the servers' certificates; the JVM's default trust store if unset.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD =
            ConfigOptions.key("tls.truststore.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of the trust store. Never logged or printed.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_TYPE =
            ConfigOptions.key("tls.truststore.type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "'JKS', 'PKCS12' or 'PEM'; inferred from the file extension if unset.");

    public static final ConfigOption<String> TLS_KEYSTORE_LOCATION =
            ConfigOptions.key("tls.keystore.location")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Key store file with the client certificate and its key, for servers that require client certificates (x509).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD =
            ConfigOptions.key("tls.keystore.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of the key store. Never logged or printed.");

    public static final ConfigOption<String> TLS_KEYSTORE_TYPE =
            ConfigOptions.key("tls.keystore.type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "'JKS', 'PKCS12' or 'PEM'; inferred from the file extension if unset.");

    public static final ConfigOption<Boolean> TLS_HOSTNAME_VERIFICATION =
            ConfigOptions.key("tls.hostname-verification")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether a server's certificate must name the host the client connected to.");

    public static final ConfigOption<String> AUTH_DIGEST_USER =
            ConfigOptions.key("auth.digest.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User for ZooKeeper digest authentication.");

    public static final ConfigOption<String> AUTH_DIGEST_PASSWORD =
            ConfigOptions.key("auth.digest.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password for ZooKeeper digest authentication. Never logged or printed.");

    public static final ConfigOption<String> AUTH_SASL_MECHANISM =
            ConfigOptions.key("auth.sasl.mechanism")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "SASL mechanism of the table's clients: 'GSSAPI' (Kerberos) or"
                                    + " 'DIGEST-MD5'. Unset: no SASL of the table's own (the JVM's"
                                    + " JAAS 'Client' section may still apply).");

    public static final ConfigOption<String> AUTH_SASL_USER =
            ConfigOptions.key("auth.sasl.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("DIGEST-MD5 user; set together with 'auth.sasl.password'.");

    public static final ConfigOption<String> AUTH_SASL_PASSWORD =
            ConfigOptions.key("auth.sasl.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "DIGEST-MD5 password. Never logged or printed by the connector.");

    public static final ConfigOption<String> AUTH_SASL_JAAS_CONFIG =
            ConfigOptions.key("auth.sasl.jaas-config")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A JAAS login-module line used as the table's login section, for"
                                    + " example 'com.sun.security.auth.module.Krb5LoginModule"
                                    + " required useKeyTab=true keyTab=\"/k\" principal=\"p\";'."
                                    + " Replaces the user/password and principal/keytab options."
                                    + " The connector never prints it, but Flink does not mask it.");

    public static final ConfigOption<String> AUTH_SASL_SERVICE_NAME =
            ConfigOptions.key("auth.sasl.service-name")
                    .stringType()
                    .defaultValue("zookeeper")
                    .withDescription(
                            "Service part of the servers' principal (ZooKeeper's"
                                    + " 'zookeeper.sasl.client.username').");

    public static final ConfigOption<String> AUTH_KERBEROS_PRINCIPAL =
            ConfigOptions.key("auth.kerberos.principal")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kerberos principal of the table's clients (GSSAPI); set together"
                                    + " with 'auth.kerberos.keytab'. Unset: the JVM's JAAS"
                                    + " 'Client' section, as Flink's security.kerberos.login.*"
                                    + " installs it.");

    public static final ConfigOption<String> AUTH_KERBEROS_KEYTAB =
            ConfigOptions.key("auth.kerberos.keytab")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Keytab file of 'auth.kerberos.principal', present on every"
                                    + " TaskManager and the JobManager.");

    public static final ConfigOption<Boolean> LOOKUP_ASYNC =
            ConfigOptions.key("lookup.async")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Whether lookup joins read with ZooKeeper's async API, pipelined on the"
                                    + " session (at most 'table.exec.async-lookup.buffer-capacity'"
                                    + " lookups open per subtask), instead of one blocking read at"
                                    + " a time.");

    public static final ConfigOption<Boolean> LOOKUP_CACHE_WATCH =
            ConfigOptions.key("lookup.cache.watch")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether a PARTIAL or FULL lookup cache is kept current by one"
                                    + " persistent recursive watch on 'path'. false: PARTIAL"
                                    + " entries live until their TTL, and FULL reloads on"
                                    + " 'lookup.full-cache.reload-strategy'.");
}
