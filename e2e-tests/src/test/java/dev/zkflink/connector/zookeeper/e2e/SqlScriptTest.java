package dev.zkflink.connector.zookeeper.e2e;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlScriptTest {

    @Test
    void splitsAtSemicolonsAndDropsComments() {
        String script =
                "-- a comment; with a semicolon\n"
                        + "SET 'execution.runtime-mode' = 'batch';\n"
                        + "\n"
                        + "CREATE TABLE t (\n"
                        + "  a STRING, -- trailing comment\n"
                        + "  b INT\n"
                        + ") WITH ('connector' = 'zookeeper');  -- after the end\n"
                        + "SELECT 'x;y', `c--d`, 'it''s' FROM t;\n"
                        + "-- the end\n";

        assertThat(SqlScript.split(script))
                .containsExactly(
                        "SET 'execution.runtime-mode' = 'batch'",
                        "CREATE TABLE t (\n  a STRING,\n  b INT\n) WITH ('connector' = 'zookeeper')",
                        "SELECT 'x;y', `c--d`, 'it''s' FROM t");
    }

    @Test
    void aLastStatementWithoutSemicolonCounts() {
        assertThat(SqlScript.split("SELECT 1;\nSELECT 2\n"))
                .containsExactly("SELECT 1", "SELECT 2");
    }

    @Test
    void substitutesPlaceholders() {
        assertThat(
                        SqlScript.substitute(
                                "'hosts' = '${hosts}', '${hosts}'",
                                Map.of("hosts", "zk1:2181,zk2:2181/app$1")))
                .isEqualTo("'hosts' = 'zk1:2181,zk2:2181/app$1', 'zk1:2181,zk2:2181/app$1'");
        assertThatThrownBy(() -> SqlScript.substitute("${nope}", Map.of("hosts", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${nope}");
    }

    @Test
    void rejectsAnUnterminatedString() {
        assertThatThrownBy(() -> SqlScript.split("SELECT 'abc;"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unterminated");
    }

    @Test
    void dropsOnConflictBeforeFlink23Only() {
        String insert = "INSERT INTO t VALUES ('a', 1)\nON CONFLICT DO DEDUPLICATE;\nSELECT 1;";
        assertThat(SqlScript.forFlinkVersion(insert, "2.3.0")).isEqualTo(insert);
        assertThat(SqlScript.forFlinkVersion(insert, "2.4-SNAPSHOT")).isEqualTo(insert);
        assertThat(SqlScript.forFlinkVersion(insert, "2.2.0"))
                .isEqualTo("INSERT INTO t VALUES ('a', 1);\nSELECT 1;");
        assertThat(SqlScript.forFlinkVersion(insert, "1.20.3"))
                .isEqualTo("INSERT INTO t VALUES ('a', 1);\nSELECT 1;");
    }
}
