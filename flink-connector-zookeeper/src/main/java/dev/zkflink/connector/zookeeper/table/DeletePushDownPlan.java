package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;

/**
 * Which subtrees a {@code DELETE FROM t [WHERE ...]} removes when the rows it matches can be
 * deleted without reading them, or {@code null} when they cannot (Flink then needs a row-level
 * delete).
 *
 * <ul>
 *   <li>No {@code WHERE} (no filters): every row, in either key mode.
 *   <li>{@code 'levels'}: predicates that {@link KeyFilterPushDown} applies exactly, all of them:
 *       {@code =}, {@code IN} and {@code OR} of equalities on leading key columns. The matching
 *       rows are exactly those at and below the key prefixes, so deleting the prefixes' subtrees
 *       deletes exactly them (the nodes between the root and the rows are not rows).
 *   <li>A condition Flink reduced to {@code FALSE} or {@code NULL} matches no row: nothing.
 * </ul>
 *
 * Everything else is refused, in particular any {@code WHERE} in {@code 'relative-path'} mode:
 * deleting the node {@code a} would also delete the rows {@code a/b}. A value that cannot name a
 * node (empty, with {@code '/'}, {@code '.'}, {@code '..'}, ZooKeeper's own {@code /zookeeper})
 * contributes no subtree, so it deletes nothing rather than something else.
 */
final class DeletePushDownPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every row; the root stays. */
    private final boolean all;

    /** Otherwise: the subtrees to delete, relative to the root, none below another. */
    private final List<String> subtrees;

    private DeletePushDownPlan(boolean all, List<String> subtrees) {
        this.all = all;
        this.subtrees = subtrees;
    }

    static DeletePushDownPlan allRows() {
        return new DeletePushDownPlan(true, Collections.emptyList());
    }

    boolean isAllRows() {
        return all;
    }

    List<String> subtrees() {
        return subtrees;
    }

    /** The plan for the filters of a DELETE, or null if it must read rows. */
    @Nullable
    static DeletePushDownPlan of(
            ZNodeTreeLayout layout, String[] keyNames, List<ResolvedExpression> filters) {
        if (filters.isEmpty()) {
            return allRows();
        }
        for (ResolvedExpression f : filters) {
            if (matchesNothing(f)) {
                return new DeletePushDownPlan(false, Collections.emptyList());
            }
        }
        if (layout.getKeyMode() != KeyMode.LEVELS) {
            return null;
        }
        KeyFilterPushDown.Outcome outcome = new KeyFilterPushDown(layout, keyNames).apply(filters);
        if (!outcome.remaining.isEmpty()) {
            return null;
        }
        ZNodePathFilter filter = outcome.filter;
        if (filter.isAll()) {
            return null; // cannot happen: every filter accepted fixes a key column
        }
        return new DeletePushDownPlan(false, filter.subtreeRoots());
    }

    /** A literal {@code FALSE} or a {@code NULL} condition, as Flink's simplification leaves. */
    private static boolean matchesNothing(ResolvedExpression e) {
        if (!(e instanceof ValueLiteralExpression)
                || !e.getOutputDataType().getLogicalType().is(LogicalTypeRoot.BOOLEAN)) {
            return false;
        }
        ValueLiteralExpression lit = (ValueLiteralExpression) e;
        return lit.isNull() || !lit.getValueAs(Boolean.class).orElse(true);
    }

    @Override
    public String toString() {
        return all ? "all rows" : "subtrees " + subtrees;
    }
}
