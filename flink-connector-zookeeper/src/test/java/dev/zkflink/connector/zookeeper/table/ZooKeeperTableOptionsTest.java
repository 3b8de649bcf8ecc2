package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.TableEnvironment;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every bad input fails at CREATE TABLE or planning with a message naming the option. Planning
 * needs no ZooKeeper: the factory validates before anything connects.
 */
class ZooKeeperTableOptionsTest {
    private static final String VALID =
            "'connector'='zookeeper', 'hosts'='localhost:2181', 'path'='/flags'";

    private TableEnvironment tEnv;

    @BeforeEach
    void setUp() {
        tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }

    private void table(String name, String columns, String options) {
        tEnv.executeSql("CREATE TABLE " + name + " (" + columns + ") WITH (" + options + ")");
    }

    private String planScan(String columns, String options) {
        table("t", columns, options);
        return tEnv.explainSql("SELECT * FROM t");
    }

    private String planSink(String columns, String options) {
        table("t", columns, options);
        return tEnv.explainSql("INSERT INTO t SELECT * FROM t_src");
    }

    private static final String FLAT = "flag STRING, v STRING, PRIMARY KEY (flag) NOT ENFORCED";
    private static final String UPSERT_INTO_T =
            "INSERT INTO t SELECT flag, v FROM (SELECT flag, LAST_VALUE(v) AS v FROM t_src GROUP BY flag)";

    private static String snapshot(String options) {
        return options + ", 'scan.startup.mode'='snapshot'";
    }

    @Test
    void validTablePlansForScanAndSink() {
        assertThat(planScan(FLAT, snapshot(VALID)))
                .contains("TableSourceScan(table=[[default_catalog, default_database, t]]");
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
        assertThat(
                        tEnv.explainSql(
                                "INSERT INTO t SELECT flag, v FROM (SELECT flag, LAST_VALUE(v) AS v FROM t_src GROUP BY flag)"))
                .contains("Sink");
    }

    @Test
    void missingHosts() {
        assertThatThrownBy(
                        () -> planScan(FLAT, snapshot("'connector'='zookeeper', 'path'='/flags'")))
                .hasStackTraceContaining("Missing required options are:")
                .hasStackTraceContaining("hosts");
    }

    @Test
    void missingPath() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        FLAT,
                                        snapshot(
                                                "'connector'='zookeeper', 'hosts'='localhost:2181'")))
                .hasStackTraceContaining("Missing required options are:")
                .hasStackTraceContaining("path");
    }

    @Test
    void relativePath() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        FLAT,
                                        snapshot(
                                                "'connector'='zookeeper', 'hosts'='h:1', 'path'='flags'")))
                .hasStackTraceContaining("'path' must be an absolute znode path starting with '/'");
    }

    @Test
    void trailingSlash() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        FLAT,
                                        snapshot(
                                                "'connector'='zookeeper', 'hosts'='h:1', 'path'='/flags/'")))
                .hasStackTraceContaining("'path' must not end with '/'");
    }

    @Test
    void illegalPathCharacters() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        FLAT,
                                        snapshot(
                                                "'connector'='zookeeper', 'hosts'='h:1', 'path'='/a//b'")))
                .hasStackTraceContaining("'path' is not a valid znode path");
    }

    @Test
    void unknownFormat() {
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'format'='no-such-format'")))
                .hasStackTraceContaining("no-such-format")
                .hasStackTraceContaining("format");
    }

    @Test
    void rawWithTwoValueColumns() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        "flag STRING, a STRING, b STRING, PRIMARY KEY (flag) NOT ENFORCED",
                                        snapshot(VALID)))
                .hasStackTraceContaining("'format' = 'raw' needs exactly one value column")
                .hasStackTraceContaining("[a, b]");
    }

    @Test
    void sinkWithoutPrimaryKey() {
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
        assertThatThrownBy(() -> planSink("flag STRING, v STRING", VALID))
                .hasStackTraceContaining("needs a PRIMARY KEY");
    }

    @Test
    void scanWithoutPrimaryKey() {
        assertThatThrownBy(() -> planScan("flag STRING, v STRING", snapshot(VALID)))
                .hasStackTraceContaining("needs a PRIMARY KEY");
    }

    @Test
    void nonStringKeyColumn() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        "id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED",
                                        snapshot(VALID)))
                .hasStackTraceContaining("PRIMARY KEY column 'id' must be a STRING");
    }

    @Test
    void relativePathModeNeedsOneKey() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        "a STRING, b STRING, v STRING, PRIMARY KEY (a, b) NOT ENFORCED",
                                        snapshot(VALID + ", 'key.mode'='relative-path'")))
                .hasStackTraceContaining(
                        "'key.mode' = 'relative-path' needs a PRIMARY KEY of exactly one");
    }

    @Test
    void unknownKeyMode() {
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'key.mode'='flat'")))
                .hasStackTraceContaining("key.mode");
    }

    @Test
    void startupModesDeclareTheirChangelogs() {
        // initial (the default) and latest are upsert streams with key-only deletes, so a query
        // that needs whole rows gets the planner's ChangelogNormalize; snapshot is insert-only.
        table("t", FLAT, VALID);
        assertThat(tEnv.explainSql("SELECT * FROM t", ExplainDetail.CHANGELOG_MODE))
                .contains("changelogMode=[I,UA,D]")
                .contains("ChangelogNormalize");
        tEnv.executeSql("DROP TABLE t");
        table("t", FLAT, VALID + ", 'scan.startup.mode'='latest'");
        assertThat(tEnv.explainSql("SELECT * FROM t", ExplainDetail.CHANGELOG_MODE))
                .contains("changelogMode=[I,UA,D]");
        tEnv.executeSql("DROP TABLE t");
        table("t", FLAT, snapshot(VALID));
        assertThat(tEnv.explainSql("SELECT * FROM t", ExplainDetail.CHANGELOG_MODE))
                .doesNotContain("UA")
                .doesNotContain("ChangelogNormalize");
    }

    @Test
    void snapshotScanTakesThePushedDownWatermarkAndIdleTimeout() {
        String columns =
                "flag STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND,"
                        + " PRIMARY KEY (flag) NOT ENFORCED";
        tEnv.getConfig().set("table.exec.source.idle-timeout", "750 ms");
        table("t", columns, snapshot(VALID + ", 'format'='json'"));
        assertWatermarkPushedDown(tEnv.explainSql("SELECT flag, CURRENT_WATERMARK(ts) FROM t"));

        tEnv.executeSql("DROP TABLE t");
        tEnv.getConfig().set("table.exec.source.idle-timeout", "0 ms");
        table(
                "t",
                columns,
                snapshot(VALID + ", 'format'='json', 'scan.watermark.idle-timeout'='750 ms'"));
        assertWatermarkPushedDown(tEnv.explainSql("SELECT flag, CURRENT_WATERMARK(ts) FROM t"));
    }

    private static void assertWatermarkPushedDown(String plan) {
        // Pushed down: the optimized plan has no WatermarkAssigner, the scan carries it.
        assertThat(plan.substring(plan.indexOf("== Optimized Physical Plan ==")))
                .doesNotContain("WatermarkAssigner")
                .containsPattern("TableSourceScan\\(table=\\[\\[[^\\n]*watermark=\\[")
                .containsPattern("TableSourceScan\\(table=\\[\\[[^\\n]*idletimeout=\\[750\\]");
    }

    /** The changelog formats of flink-json: each declares all four row kinds. */
    @ParameterizedTest
    @ValueSource(strings = {"debezium-json", "canal-json", "maxwell-json", "ogg-json"})
    void changelogFormatIsRejectedForReadingInEveryStartupMode(String format) {
        for (String mode : new String[] {"snapshot", "initial", "latest"}) {
            String options =
                    VALID + ", 'format'='" + format + "', 'scan.startup.mode'='" + mode + "'";
            assertThatThrownBy(() -> planScan(FLAT, options))
                    .as(mode)
                    .hasStackTraceContaining(
                            "'format' = '"
                                    + format
                                    + "' cannot be used to read a 'zookeeper' table: it is a"
                                    + " changelog format (it decodes rows of kinds [INSERT,"
                                    + " UPDATE_BEFORE, UPDATE_AFTER, DELETE])")
                    .hasStackTraceContaining("each row comes from the data of one znode")
                    .hasStackTraceContaining("the connector produces the changelog itself");
            tEnv.executeSql("DROP TABLE t");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"debezium-json", "canal-json", "maxwell-json", "ogg-json"})
    void changelogFormatIsRejectedForWriting(String format) {
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
        table("t", FLAT, VALID + ", 'format'='" + format + "'");
        // An upsert query, so the only thing wrong with the statement is the format.
        assertThatThrownBy(() -> tEnv.explainSql(UPSERT_INTO_T))
                .hasStackTraceContaining(
                        "'format' = '"
                                + format
                                + "' cannot be used to write a 'zookeeper' table: it is a"
                                + " changelog format (it encodes rows of kinds [INSERT,"
                                + " UPDATE_BEFORE, UPDATE_AFTER, DELETE])")
                .hasStackTraceContaining("the sink writes each row as the data of one znode");
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "json"})
    void insertOnlyFormatsPlanForReadingAndWriting(String format) {
        assertThat(planScan(FLAT, snapshot(VALID + ", 'format'='" + format + "'")))
                .contains("TableSourceScan");
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
        assertThat(tEnv.explainSql(UPSERT_INTO_T)).contains("Sink");
    }

    @Test
    void exactlyOnceIsAccepted() {
        assertThat(
                        ZooKeeperWriteOptions.builder()
                                .setConnection(
                                        ZooKeeperConnectionOptions.builder()
                                                .setHosts("localhost:2181")
                                                .build())
                                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                .build()
                                .getDeliveryGuarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    }

    @Test
    void wrongTypes() {
        assertThatThrownBy(
                        () -> planScan(FLAT, snapshot(VALID + ", 'scan.read.batch-size'='many'")))
                .hasStackTraceContaining("scan.read.batch-size");
        tEnv.executeSql("DROP TABLE t");
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'session.timeout'='soon'")))
                .hasStackTraceContaining("session.timeout");
    }

    @Test
    void outOfRangeValues() {
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'scan.read.batch-size'='0'")))
                .hasStackTraceContaining("'scan.read.batch-size' must be between 1 and 1000");
        tEnv.executeSql("DROP TABLE t");
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen', 'number-of-rows'='1')");
        assertThatThrownBy(() -> planSink(FLAT, VALID + ", 'sink.buffer-flush.max-rows'='0'"))
                .hasStackTraceContaining("'sink.buffer-flush.max-rows' must be at least 1");
        for (String inFlight : new String[] {"0", "65"}) {
            tEnv.executeSql("DROP TABLE t");
            assertThatThrownBy(
                            () ->
                                    planSink(
                                            FLAT,
                                            VALID + ", 'sink.max-in-flight'='" + inFlight + "'"))
                    .hasStackTraceContaining(
                            "'sink.max-in-flight' must be between 1 and 64, but was " + inFlight);
        }
    }

    @Test
    void badJuteMaxBuffer() {
        assertThatThrownBy(
                        () ->
                                planScan(
                                        FLAT,
                                        snapshot(VALID + ", 'properties.jute.maxbuffer'='big'")))
                .hasStackTraceContaining("'properties.jute.maxbuffer' must be a number of bytes");
    }

    @Test
    void unknownOptionIsRejected() {
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'sink.flush-rows'='5'")))
                .hasStackTraceContaining("Unsupported options")
                .hasStackTraceContaining("sink.flush-rows");
    }

    @Test
    void digestUserWithoutPassword() {
        assertThatThrownBy(() -> planScan(FLAT, snapshot(VALID + ", 'auth.digest.user'='app'")))
                .hasStackTraceContaining(
                        "'auth.digest.user' and 'auth.digest.password' must be set together");
    }

    @Test
    void passwordNeverAppearsInErrorsOrExplain() {
        String secret = "s3cr3t-pw-value";
        String options =
                snapshot(
                        VALID
                                + ", 'auth.digest.user'='app', 'auth.digest.password'='"
                                + secret
                                + "'");
        assertThat(planScan(FLAT, options)).doesNotContain(secret);
        tEnv.executeSql("DROP TABLE t");
        // A failing table: Flink prints the table options in its error message.
        assertThatThrownBy(() -> planScan(FLAT, options + ", 'scan.read.batch-size'='0'"))
                .satisfies(
                        e -> {
                            StringBuilder all = new StringBuilder();
                            for (Throwable t = e; t != null; t = t.getCause()) {
                                all.append(t.getMessage()).append('\n');
                            }
                            assertThat(all.toString()).contains("scan.read.batch-size");
                            assertThat(all.toString()).doesNotContain(secret);
                        });
    }
}
