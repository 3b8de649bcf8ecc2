package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code tls.*} options at planning, without a server: bad combinations fail naming the
 * options, and store passwords never reach errors or {@code EXPLAIN}.
 */
class ZooKeeperTlsTableOptionsTest {
    private static final String TRUST_SECRET = "tRust-s3cret-value";
    private static final String KEY_SECRET = "kEy-s3cret-value";
    private static final String VALID =
            "'connector'='zookeeper', 'hosts'='localhost:2281', 'path'='/flags',"
                    + " 'scan.startup.mode'='snapshot'";
    private static final String MUTUAL_TLS =
            ", 'tls.enabled'='true', 'tls.truststore.location'='/etc/zk/trust.jks',"
                    + " 'tls.truststore.password'='"
                    + TRUST_SECRET
                    + "', 'tls.truststore.type'='JKS', 'tls.keystore.location'='/etc/zk/key.p12',"
                    + " 'tls.keystore.password'='"
                    + KEY_SECRET
                    + "', 'tls.keystore.type'='PKCS12', 'tls.hostname-verification'='false'";

    private TableEnvironment tEnv;

    @BeforeEach
    void setUp() {
        tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.executeSql(
                "CREATE TABLE src (k STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
    }

    private void table(String options) {
        tEnv.executeSql(
                "CREATE TABLE t (k STRING, v STRING, PRIMARY KEY (k) NOT ENFORCED) WITH ("
                        + options
                        + ")");
    }

    private String planScan(String options) {
        table(options);
        return tEnv.explainSql("SELECT * FROM t");
    }

    private static String allMessages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void mutualTlsPlansForScanAndSinkWithoutPasswordsInExplain() {
        String scan = planScan(VALID + MUTUAL_TLS);
        assertThat(scan).contains("TableSourceScan").doesNotContain(TRUST_SECRET, KEY_SECRET);
        String sink =
                tEnv.explainSql(
                        "INSERT INTO t SELECT k, v FROM (SELECT k, LAST_VALUE(v) AS v FROM src GROUP BY k)");
        assertThat(sink).contains("Sink").doesNotContain(TRUST_SECRET, KEY_SECRET);
    }

    @Test
    void tlsOptionsWithoutTlsEnabledFailAtPlanning() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        VALID
                                                + ", 'tls.keystore.location'='/etc/zk/key.p12',"
                                                + " 'tls.keystore.password'='"
                                                + KEY_SECRET
                                                + "'"))
                .hasStackTraceContaining(
                        "'tls.keystore.location' is set, but 'tls.enabled' is false")
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain(KEY_SECRET));
        tEnv.executeSql("DROP TABLE t");
        assertThatThrownBy(
                        () ->
                                planScan(
                                        VALID
                                                + ", 'tls.enabled'='false',"
                                                + " 'tls.hostname-verification'='true'"))
                .hasStackTraceContaining(
                        "'tls.hostname-verification' is set, but 'tls.enabled' is false");
    }

    @Test
    void badStoreSettingsFailNamingTheOption() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        VALID
                                                + ", 'tls.enabled'='true',"
                                                + " 'tls.truststore.password'='"
                                                + TRUST_SECRET
                                                + "'"))
                .hasStackTraceContaining(
                        "'tls.truststore.password' is set without 'tls.truststore.location'")
                .satisfies(e -> assertThat(allMessages(e)).doesNotContain(TRUST_SECRET));
        tEnv.executeSql("DROP TABLE t");
        assertThatThrownBy(
                        () ->
                                planScan(
                                        VALID
                                                + ", 'tls.enabled'='true',"
                                                + " 'tls.keystore.location'='/k.bks',"
                                                + " 'tls.keystore.type'='BKS'"))
                .hasStackTraceContaining(
                        "'tls.keystore.type' must be one of [JKS, PKCS12, PEM] (case-insensitive), but was 'BKS'.");
    }

    @Test
    void aPropertyAlsoSetByATlsOptionFailsNamingBoth() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        VALID
                                                + MUTUAL_TLS
                                                + ", 'properties.zookeeper.ssl.trustStore.password'='other-pw'"))
                .hasStackTraceContaining(
                        "'properties.zookeeper.ssl.trustStore.password' and"
                                + " 'tls.truststore.password' both set the ZooKeeper client"
                                + " property 'zookeeper.ssl.trustStore.password'")
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .doesNotContain(TRUST_SECRET, KEY_SECRET, "other-pw"));
    }

    /** Flink lists the table's options in its own errors; it masks keys containing "password". */
    @Test
    void flinkMasksStorePasswordsWhenItPrintsTheOptions() {
        assertThatThrownBy(() -> planScan(VALID + MUTUAL_TLS + ", 'scan.read.batch-size'='0'"))
                .satisfies(
                        e ->
                                assertThat(allMessages(e))
                                        .contains("scan.read.batch-size")
                                        .doesNotContain(TRUST_SECRET, KEY_SECRET));
    }

    /**
     * Flink (2.3) prints a table's options verbatim in SHOW CREATE TABLE, passwords included: the
     * connector cannot mask them there, so the docs point to ZooKeeper's passwordPath keys, which
     * put only a file name into the DDL. This test notices when Flink starts masking.
     */
    @Test
    void showCreateTablePrintsOptionsAsWrittenSoPasswordsBelongInFiles() {
        table(VALID + MUTUAL_TLS);
        StringBuilder shown = new StringBuilder();
        tEnv.executeSql("SHOW CREATE TABLE t").collect().forEachRemaining(shown::append);
        assertThat(shown.toString()).contains(KEY_SECRET, TRUST_SECRET);
        tEnv.executeSql("DROP TABLE t");

        table(
                VALID
                        + ", 'tls.enabled'='true', 'tls.keystore.location'='/etc/zk/key.p12',"
                        + " 'properties.zookeeper.ssl.keyStore.passwordPath'='/etc/zk/key.pw'");
        assertThat(tEnv.explainSql("SELECT * FROM t")).contains("TableSourceScan");
    }
}
