package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.types.DataType;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which DELETE predicates are pushed down, and to which subtrees. */
class DeletePushDownPlanTest {
    private static final String[] KEYS = {"service", "instance", "shard"};
    private static final ZNodeTreeLayout LEVELS = ZNodeTreeLayout.levels("/svc", 3);
    private static final ZNodeTreeLayout RELATIVE = ZNodeTreeLayout.wholeSubtree("/svc");

    private static FieldReferenceExpression column(String name) {
        int index = Arrays.asList(KEYS).indexOf(name);
        DataType type = DataTypes.STRING();
        return new FieldReferenceExpression(name, type, 0, index < 0 ? KEYS.length : index);
    }

    private static ResolvedExpression eq(String column, String value) {
        return CallExpression.permanent(
                BuiltInFunctionDefinitions.EQUALS,
                Arrays.asList(column(column), new ValueLiteralExpression(value)),
                DataTypes.BOOLEAN());
    }

    private static ResolvedExpression or(ResolvedExpression... args) {
        return CallExpression.permanent(
                BuiltInFunctionDefinitions.OR, Arrays.asList(args), DataTypes.BOOLEAN());
    }

    private static ResolvedExpression in(String column, String... values) {
        List<ResolvedExpression> args = new ArrayList<>();
        args.add(column(column));
        for (String v : values) {
            args.add(new ValueLiteralExpression(v));
        }
        return CallExpression.permanent(BuiltInFunctionDefinitions.IN, args, DataTypes.BOOLEAN());
    }

    private static ResolvedExpression like(String column, String pattern) {
        return CallExpression.permanent(
                BuiltInFunctionDefinitions.LIKE,
                Arrays.asList(column(column), new ValueLiteralExpression(pattern)),
                DataTypes.BOOLEAN());
    }

    private static DeletePushDownPlan plan(ZNodeTreeLayout layout, ResolvedExpression... filters) {
        return DeletePushDownPlan.of(layout, KEYS, Arrays.asList(filters));
    }

    private static List<String> subtrees(ResolvedExpression... filters) {
        DeletePushDownPlan plan = plan(LEVELS, filters);
        assertThat(plan).isNotNull();
        assertThat(plan.isAllRows()).isFalse();
        return plan.subtrees();
    }

    @Test
    void noWhereDeletesAllRowsInEitherMode() {
        assertThat(plan(LEVELS).isAllRows()).isTrue();
        assertThat(plan(RELATIVE).isAllRows()).isTrue();
    }

    @Test
    void leadingKeyEqualitiesBecomeTheirSubtrees() {
        assertThat(subtrees(eq("service", "a"))).containsExactly("a");
        assertThat(subtrees(eq("service", "a"), eq("instance", "i1"))).containsExactly("a/i1");
        assertThat(subtrees(eq("instance", "i1"), eq("service", "a"), eq("shard", "s")))
                .containsExactly("a/i1/s");
    }

    @Test
    void inListsAndOrsOfEqualitiesOnOneColumnBecomeSeveralSubtrees() {
        assertThat(subtrees(in("service", "b", "a"))).containsExactly("a", "b");
        assertThat(subtrees(or(eq("service", "a"), eq("service", "c")))).containsExactly("a", "c");
        assertThat(subtrees(in("service", "a", "b"), in("instance", "i1", "i2")))
                .containsExactly("a/i1", "a/i2", "b/i1", "b/i2");
    }

    @Test
    void contradictionsAndValuesThatCannotNameANodeDeleteNothing() {
        assertThat(subtrees(eq("service", "a"), eq("service", "b"))).isEmpty();
        assertThat(subtrees(eq("service", ""))).isEmpty();
        assertThat(subtrees(eq("service", "a/b"))).isEmpty();
        assertThat(subtrees(eq("service", "."))).isEmpty();
        assertThat(subtrees(eq("service", ".."))).isEmpty();
        assertThat(subtrees(eq("service", "a"), eq("instance", ".."))).isEmpty();
        // Only the values that can name a node remain.
        assertThat(subtrees(in("service", "a/b", "ok", ""))).containsExactly("ok");
        assertThat(subtrees(new ValueLiteralExpression(false))).isEmpty();
        assertThat(subtrees(new ValueLiteralExpression(null, DataTypes.BOOLEAN()))).isEmpty();
    }

    @Test
    void zooKeepersOwnSubtreeIsNeverATargetUnderTheZooKeeperRoot() {
        DeletePushDownPlan plan =
                DeletePushDownPlan.of(
                        ZNodeTreeLayout.levels("/", 1),
                        new String[] {"service"},
                        Collections.singletonList(in("service", "zookeeper", "a")));
        assertThat(plan.subtrees()).containsExactly("a");
    }

    @Test
    void predicatesThatNeedToReadRowsAreRefused() {
        assertThat(plan(LEVELS, eq("instance", "i1"))).isNull(); // not a leading column
        assertThat(plan(LEVELS, eq("service", "a"), eq("shard", "s"))).isNull(); // gap
        assertThat(plan(LEVELS, eq("v", "x"))).isNull(); // a value column
        assertThat(plan(LEVELS, eq("service", "a"), eq("v", "x"))).isNull();
        assertThat(plan(LEVELS, or(eq("service", "a"), eq("instance", "i1")))).isNull();
        assertThat(plan(LEVELS, like("service", "a%"))).isNull();
        assertThat(plan(LEVELS, new ValueLiteralExpression(true))).isNull();
    }

    @Test
    void anyWhereIsRefusedInRelativePathMode() {
        // Deleting the node 'a' would also delete the rows 'a/b'.
        assertThat(plan(RELATIVE, eq("service", "a"))).isNull();
        assertThat(plan(RELATIVE, like("service", "a/%"))).isNull();
        assertThat(plan(RELATIVE, new ValueLiteralExpression(false)).subtrees()).isEmpty();
    }
}
