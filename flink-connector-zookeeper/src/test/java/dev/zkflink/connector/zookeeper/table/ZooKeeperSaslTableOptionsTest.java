package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SASL table options plan, fail naming the option, and never show up in a plan. */
class ZooKeeperSaslTableOptionsTest {
    private static final String SECRET = "Pa55-never-shown";
    private static final String VALID =
            "'connector'='zookeeper', 'hosts'='localhost:2181', 'path'='/flags',"
                    + " 'scan.startup.mode'='snapshot'";
    private static final String FLAT = "flag STRING, v STRING, PRIMARY KEY (flag) NOT ENFORCED";

    private TableEnvironment tEnv;

    @BeforeEach
    void setUp() {
        tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }

    private int tables;

    /** Plans a scan of a new table with these extra options. */
    private String plan(String options) {
        String name = "t" + (++tables);
        tEnv.executeSql(
                "CREATE TABLE " + name + " (" + FLAT + ") WITH (" + VALID + ", " + options + ")");
        return tEnv.explainSql("SELECT * FROM " + name);
    }

    @Test
    void everySaslOptionIsAccepted() {
        assertThat(
                        plan(
                                "'auth.sasl.mechanism'='DIGEST-MD5', 'auth.sasl.user'='app',"
                                        + " 'auth.sasl.password'='"
                                        + SECRET
                                        + "', 'auth.sasl.service-name'='zk'"))
                .contains("TableSourceScan")
                .doesNotContain(SECRET);
        assertThat(
                        plan(
                                "'auth.sasl.mechanism'='gssapi',"
                                        + " 'auth.kerberos.principal'='app@EXAMPLE.COM',"
                                        + " 'auth.kerberos.keytab'='/etc/app.keytab'"))
                .contains("TableSourceScan");
        assertThat(
                        plan(
                                "'auth.sasl.mechanism'='DIGEST-MD5', 'auth.sasl.jaas-config'="
                                        + "'x.Login required password=\""
                                        + SECRET
                                        + "\";'"))
                .doesNotContain(SECRET);
    }

    @Test
    void badCombinationsFailNamingTheOption() {
        assertThatThrownBy(() -> plan("'auth.sasl.mechanism'='PLAIN'"))
                .hasStackTraceContaining("'auth.sasl.mechanism' must be 'GSSAPI' or 'DIGEST-MD5'");
        assertThatThrownBy(() -> plan("'auth.sasl.user'='app', 'auth.sasl.password'='x'"))
                .hasStackTraceContaining("'auth.sasl.mechanism' must be set");
        assertThatThrownBy(() -> plan("'auth.sasl.mechanism'='DIGEST-MD5'"))
                .hasStackTraceContaining(
                        "'DIGEST-MD5' needs 'auth.sasl.user' and 'auth.sasl.password'");
        assertThatThrownBy(
                        () ->
                                plan(
                                        "'auth.sasl.mechanism'='GSSAPI',"
                                                + " 'auth.kerberos.principal'='app@EXAMPLE.COM'"))
                .hasStackTraceContaining(
                        "'auth.kerberos.principal' and 'auth.kerberos.keytab' must be set together");
        assertThatThrownBy(
                        () ->
                                plan(
                                        "'auth.sasl.mechanism'='DIGEST-MD5',"
                                                + " 'auth.sasl.jaas-config'='x.Login required "
                                                + SECRET
                                                + ";'"))
                .hasStackTraceContaining("'auth.sasl.jaas-config' is not a JAAS login-module line");
    }

    /** 'auth::' grants the session's own identities: a SASL login is one. */
    @Test
    void anAuthAclNeedsDigestOrSasl() {
        tEnv.executeSql(
                "CREATE TABLE t_src (flag STRING, v STRING) WITH ('connector'='datagen',"
                        + " 'number-of-rows'='1')");
        String upsert =
                "INSERT INTO t SELECT flag, v FROM (SELECT flag, LAST_VALUE(v) AS v FROM t_src"
                        + " GROUP BY flag)";
        tEnv.executeSql(
                "CREATE TABLE t (" + FLAT + ") WITH (" + VALID + ", 'sink.acl'='auth::cdrwa')");
        assertThatThrownBy(() -> tEnv.explainSql(upsert))
                .hasStackTraceContaining(
                        "the 'auth.sasl.*' options, or a TLS client certificate ('tls.keystore.location')");
        tEnv.executeSql("DROP TABLE t");
        tEnv.executeSql(
                "CREATE TABLE t ("
                        + FLAT
                        + ") WITH ("
                        + VALID
                        + ", 'sink.acl'='auth::cdrwa', 'auth.sasl.mechanism'='DIGEST-MD5',"
                        + " 'auth.sasl.user'='app', 'auth.sasl.password'='x')");
        assertThat(tEnv.explainSql(upsert)).contains("Sink");
    }
}
