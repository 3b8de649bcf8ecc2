package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Processing-time lookup joins against a real server, through SQL: full-key and partial-key
 * lookups, both key modes, keys that cannot name a node, join keys checked per row, metadata, and
 * the same rows from every cache and from sync and async lookups.
 */
class ZooKeeperLookupJoinITCase extends ZooKeeperTableTestBase {
    private static String flags;
    private static String paths;

    @BeforeAll
    static void seed() throws Exception {
        flags = newRoot("lookup-flags");
        trees.put(flags + "/svc-a/dark-mode", "{\"enabled\":true,\"owner\":\"team-x\"}");
        trees.put(flags + "/svc-a/beta", "{\"enabled\":false,\"owner\":\"team-y\"}");
        trees.put(flags + "/svc-b/dark-mode", "{\"enabled\":false,\"owner\":\"team-x\"}");
        trees.put(flags + "/svc-b/beta/too-deep", "{\"enabled\":true,\"owner\":\"nobody\"}");
        trees.put(flags + "/svc-c", ""); // a service without flags
        paths = newRoot("lookup-paths");
        trees.put(paths + "/eu/db", "eu-db:5432");
        trees.put(paths + "/eu/db/replica", "eu-db-r:5432");
        trees.put(paths + "/us", "us-gw");
    }

    static Stream<Arguments> caches() {
        List<Arguments> out = new ArrayList<>();
        for (String cache :
                Arrays.asList(
                        "'lookup.cache' = 'NONE'",
                        "'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100'",
                        "'lookup.cache' = 'FULL'")) {
            for (boolean async : new boolean[] {false, true}) {
                out.add(Arguments.of(cache + ", 'lookup.async' = '" + async + "'"));
            }
        }
        return out.stream();
    }

    private static StreamTableEnvironment env(String lookupOptions, Row... probes) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> rows =
                env.fromData(
                        org.apache.flink.api.common.typeinfo.Types.ROW_NAMED(
                                new String[] {"id", "service", "flag"},
                                org.apache.flink.api.common.typeinfo.Types.INT,
                                org.apache.flink.api.common.typeinfo.Types.STRING,
                                org.apache.flink.api.common.typeinfo.Types.STRING),
                        probes);
        tEnv.createTemporaryView(
                "probes",
                tEnv.fromDataStream(
                        rows,
                        Schema.newBuilder().columnByExpression("proc", "PROCTIME()").build()));
        tEnv.executeSql(
                "CREATE TABLE cfg (service STRING, flag STRING, enabled BOOLEAN, owner STRING,"
                        + " version INT METADATA VIRTUAL, PRIMARY KEY (service, flag) NOT ENFORCED)"
                        + " WITH ("
                        + with(flags, "'format' = 'json'", lookupOptions)
                        + ")");
        tEnv.executeSql(
                "CREATE TABLE routes (route STRING, target STRING, PRIMARY KEY (route) NOT ENFORCED)"
                        + " WITH ("
                        + with(paths, "'key.mode' = 'relative-path'", lookupOptions)
                        + ")");
        return tEnv;
    }

    private static Row probe(int id, String service, String flag) {
        return Row.of(id, service, flag);
    }

    private static final Row[] PROBES = {
        probe(1, "svc-a", "dark-mode"),
        probe(2, "svc-a", "beta"),
        probe(3, "svc-b", "dark-mode"),
        probe(4, "svc-b", "beta"), // a row node without data (it has a child): NULL values
        probe(5, "svc-z", "dark-mode"), // no such service
        probe(6, null, "dark-mode"), // NULL key
        probe(7, "", "dark-mode"), // empty name
        probe(8, "svc-a/dark-mode", "x"), // '/' in a level
        probe(9, "svc-c", "anything"),
        probe(10, "svc-a", null)
    };

    @ParameterizedTest
    @MethodSource("caches")
    void fullKeyInnerAndLeftJoins(String lookupOptions) throws Exception {
        StreamTableEnvironment tEnv = env(lookupOptions, PROBES);
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT p.id, c.enabled, c.owner, c.version FROM probes AS p"
                                                + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                                                + " ON p.service = c.service AND p.flag = c.flag")))
                .containsExactlyInAnyOrder(
                        "+I[1, true, team-x, 0]",
                        "+I[2, false, team-y, 0]",
                        "+I[3, false, team-x, 0]",
                        "+I[4, null, null, 0]");
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT p.id, c.enabled FROM probes AS p"
                                                + " LEFT JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                                                + " ON p.service = c.service AND p.flag = c.flag")))
                .containsExactlyInAnyOrder(
                        "+I[1, true]",
                        "+I[2, false]",
                        "+I[3, false]",
                        "+I[4, null]",
                        "+I[5, null]",
                        "+I[6, null]",
                        "+I[7, null]",
                        "+I[8, null]",
                        "+I[9, null]",
                        "+I[10, null]");
    }

    @ParameterizedTest
    @MethodSource("caches")
    void partialKeyReturnsEveryRowOfTheSubtreeAndOtherJoinKeysAreChecked(String lookupOptions)
            throws Exception {
        StreamTableEnvironment tEnv = env(lookupOptions, PROBES);
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT p.id, c.flag, c.enabled FROM probes AS p"
                                                + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                                                + " ON p.service = c.service")))
                .containsExactlyInAnyOrder(
                        "+I[1, beta, false]",
                        "+I[1, dark-mode, true]",
                        "+I[2, beta, false]",
                        "+I[2, dark-mode, true]",
                        "+I[3, beta, null]",
                        "+I[3, dark-mode, false]",
                        "+I[4, beta, null]",
                        "+I[4, dark-mode, false]",
                        "+I[10, beta, false]",
                        "+I[10, dark-mode, true]");
        // The flag is a later key column and 'owner' a value column: both are checked per row.
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT p.id, c.service FROM probes AS p"
                                                + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                                                + " ON p.flag = c.flag AND c.owner = 'team-x'")))
                .containsExactlyInAnyOrder(
                        "+I[1, svc-a]",
                        "+I[1, svc-b]",
                        "+I[3, svc-a]",
                        "+I[3, svc-b]",
                        "+I[5, svc-a]",
                        "+I[5, svc-b]",
                        "+I[6, svc-a]",
                        "+I[6, svc-b]",
                        "+I[7, svc-a]",
                        "+I[7, svc-b]");
    }

    @ParameterizedTest
    @MethodSource("caches")
    void relativePathKeys(String lookupOptions) throws Exception {
        StreamTableEnvironment tEnv =
                env(
                        lookupOptions,
                        probe(1, "eu/db", null),
                        probe(2, "eu/db/replica", null),
                        probe(3, "us", null),
                        probe(4, "eu", null), // an inner node is a row too, with empty data
                        probe(5, "/us", null),
                        probe(6, "us/", null),
                        probe(7, "", null),
                        probe(8, null, null),
                        probe(9, "eu//db", null),
                        probe(10, "nowhere", null));
        assertThat(
                        collectStrings(
                                tEnv.executeSql(
                                        "SELECT p.id, r.target FROM probes AS p"
                                                + " LEFT JOIN routes FOR SYSTEM_TIME AS OF p.proc AS r"
                                                + " ON p.service = r.route")))
                .containsExactlyInAnyOrder(
                        "+I[1, eu-db:5432]",
                        "+I[2, eu-db-r:5432]",
                        "+I[3, us-gw]",
                        "+I[4, null]",
                        "+I[5, null]",
                        "+I[6, null]",
                        "+I[7, null]",
                        "+I[8, null]",
                        "+I[9, null]",
                        "+I[10, null]");
    }

    @ParameterizedTest
    @MethodSource("caches")
    void filtersPushedIntoTheLookupTableAreApplied(String lookupOptions) throws Exception {
        StreamTableEnvironment tEnv = env(lookupOptions, PROBES);
        String byService =
                "SELECT p.id, c.flag FROM probes AS p"
                        + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                        + " ON p.service = c.service AND p.flag = c.flag"
                        + " WHERE c.service = 'svc-a'";
        // The planner may derive p.service = 'svc-a' and push c.service = 'svc-a' into the
        // lookup table, leaving 'flag' as the only lookup key: a lookup that dropped that filter
        // would also return svc-b's dark-mode for probe 1.
        assertThat(collectStrings(tEnv.executeSql(byService)))
                .containsExactlyInAnyOrder("+I[1, dark-mode]", "+I[2, beta]");
        String byFlag =
                "SELECT p.id, c.flag FROM probes AS p"
                        + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                        + " ON p.service = c.service"
                        + " WHERE c.service IN ('svc-b', 'svc-z')";
        assertThat(collectStrings(tEnv.executeSql(byFlag)))
                .containsExactlyInAnyOrder(
                        "+I[3, beta]", "+I[3, dark-mode]", "+I[4, beta]", "+I[4, dark-mode]");
    }

    @Test
    void badLookupOptionsFailAtPlanningNamingTheOption() {
        assertThatThrownBy(() -> plan("'lookup.cache' = 'PARTIAL'"))
                .hasStackTraceContaining("lookup.partial-cache.max-rows");
        assertThatThrownBy(
                        () ->
                                plan(
                                        "'lookup.cache' = 'FULL',"
                                                + " 'lookup.full-cache.periodic-reload.interval' = '1h'"))
                .hasStackTraceContaining("'lookup.cache.watch' = 'true'");
        assertThatThrownBy(() -> plan("'lookup.cache' = 'FULL', 'lookup.cache.watch' = 'false'"))
                .hasStackTraceContaining("lookup.full-cache.periodic-reload.interval");
        assertThatThrownBy(() -> plan("'lookup.max-retries' = '-1'"))
                .hasStackTraceContaining("'lookup.max-retries'");
        assertThatThrownBy(
                        () ->
                                plan(
                                        "'lookup.cache' = 'FULL', 'lookup.cache.watch' = 'false',"
                                                + " 'lookup.full-cache.reload-strategy' = 'TIMED',"
                                                + " 'lookup.full-cache.timed-reload.iso-time' = 'noon'"))
                .hasStackTraceContaining("'lookup.full-cache.timed-reload.iso-time'");
    }

    private static void plan(String lookupOptions) {
        env(lookupOptions, PROBES)
                .explainSql(
                        "SELECT p.id, c.enabled FROM probes AS p"
                                + " JOIN cfg FOR SYSTEM_TIME AS OF p.proc AS c"
                                + " ON p.service = c.service AND p.flag = c.flag");
    }
}
