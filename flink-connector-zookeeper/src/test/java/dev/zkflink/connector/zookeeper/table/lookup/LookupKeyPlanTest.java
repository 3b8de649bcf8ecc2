package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.VarCharType;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LookupKeyPlanTest {
    private static final List<String> FIELDS = Arrays.asList("service", "flag", "owner", "version");
    private static final List<LogicalType> TYPES =
            Arrays.asList(
                    new VarCharType(VarCharType.MAX_LENGTH),
                    new VarCharType(VarCharType.MAX_LENGTH),
                    new VarCharType(VarCharType.MAX_LENGTH),
                    new IntType());
    private static final String[] PK = {"service", "flag"};
    private static final ZNodeTreeLayout LEVELS = ZNodeTreeLayout.levels("/flags", 2);

    private static GenericRowData key(Object... values) {
        Object[] fields = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            fields[i] =
                    values[i] instanceof String
                            ? StringData.fromString((String) values[i])
                            : values[i];
        }
        return GenericRowData.of(fields);
    }

    @Test
    void fullKeyInEitherOrderNamesOneNode() {
        LookupKeyPlan plan = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {1, 0});
        assertThat(plan.isFullKey()).isTrue();
        assertThat(plan.hasResidual()).isFalse();
        assertThat(plan.subtreeOf(key("dark-mode", "svc-a"))).isEqualTo("svc-a/dark-mode");
    }

    @Test
    void leadingKeyColumnNamesASubtreeAndTheRestIsCheckedPerRow() {
        LookupKeyPlan plan = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {0, 2});
        assertThat(plan.isFullKey()).isFalse();
        assertThat(plan.prefixLevels()).isEqualTo(1);
        assertThat(plan.subtreeOf(key("svc-a", "team-x"))).isEqualTo("svc-a");
        GenericRowData row = key("svc-a", "beta", "team-x", 3);
        assertThat(plan.matchesResidual(key("svc-a", "team-x"), row)).isTrue();
        assertThat(plan.matchesResidual(key("svc-a", "team-y"), row)).isFalse();
        assertThat(plan.matchesResidual(key("svc-a", null), row)).as("= NULL").isFalse();
    }

    @Test
    void aLaterKeyColumnAloneReadsTheWholeTree() {
        LookupKeyPlan plan = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {1});
        assertThat(plan.prefixLevels()).isZero();
        assertThat(plan.subtreeOf(key("beta"))).isEmpty();
        assertThat(plan.matchesResidual(key("beta"), key("svc-a", "beta", "x", 1))).isTrue();
        assertThat(plan.matchesResidual(key("beta"), key("svc-a", "dark", "x", 1))).isFalse();
    }

    @Test
    void keyValuesThatCannotNameANodeMatchNothing() {
        LookupKeyPlan plan = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {0, 1});
        assertThat(plan.subtreeOf(key(null, "beta"))).isNull();
        assertThat(plan.subtreeOf(key("", "beta"))).isNull();
        assertThat(plan.subtreeOf(key("svc-a/x", "beta"))).isNull();
        assertThat(plan.subtreeOf(key("svc-a", ".."))).isNull();
        assertThat(plan.subtreeOf(key("svc-a", "\u0001"))).isNull();

        ZNodeTreeLayout whole = ZNodeTreeLayout.wholeSubtree("/routes");
        LookupKeyPlan paths =
                LookupKeyPlan.of(whole, new String[] {"service"}, FIELDS, TYPES, new int[] {0});
        assertThat(paths.isFullKey()).isTrue();
        assertThat(paths.subtreeOf(key("eu/db/replica"))).isEqualTo("eu/db/replica");
        for (String bad : new String[] {"", "/eu", "eu/", "eu//db", "eu/./db"}) {
            assertThat(paths.subtreeOf(key(bad))).as("'%s'", bad).isNull();
        }
    }

    @Test
    void changesMapToTheSubtreeKeyTheyInvalidate() {
        LookupKeyPlan full = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {0, 1});
        assertThat(full.subtreeOfChange("svc-a/beta")).isEqualTo("svc-a/beta");
        assertThat(full.subtreeOfChange("svc-a/beta/child")).isEqualTo("svc-a/beta");
        assertThat(full.subtreeOfChange("svc-a")).isNull();
        assertThat(full.subtreeOfChange("")).isNull();

        LookupKeyPlan prefix = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {0});
        assertThat(prefix.subtreeOfChange("svc-a/beta")).isEqualTo("svc-a");
        assertThat(prefix.subtreeOfChange("svc-a")).isEqualTo("svc-a");

        LookupKeyPlan none = LookupKeyPlan.of(LEVELS, PK, FIELDS, TYPES, new int[] {2});
        assertThat(none.subtreeOfChange("svc-a/beta")).isEmpty();
    }
}
