package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.expressions.CallExpression;
import org.apache.flink.table.expressions.FieldReferenceExpression;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.expressions.ValueLiteralExpression;
import org.apache.flink.table.functions.BuiltInFunctionDefinitions;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import org.apache.zookeeper.common.PathUtils;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the predicates of a {@code WHERE} clause into a {@link ZNodePathFilter}, taking exactly
 * those it can apply exactly and leaving the rest to Flink.
 *
 * <ul>
 *   <li>{@code 'levels'}: {@code col = 'v'}, {@code col IN (...)} (also as an {@code OR} of
 *       equalities) on leading PRIMARY KEY columns: key column 1, then 2 if 1 is fixed, and so on,
 *       while the prefixes (the cartesian product of the value sets) stay within {@link
 *       #MAX_PREFIXES}.
 *   <li>{@code 'relative-path'}: {@code key = 'a/b'} (that node), {@code IN} of such values, and
 *       {@code key LIKE 'a/b/%'} (every node below {@code a/b}) when the part before {@code /%} has
 *       no wildcard or backslash and there is no {@code ESCAPE}.
 * </ul>
 *
 * Only {@code STRING}/{@code VARCHAR} key columns compared with string literals qualify. A value
 * that cannot name a node (empty, containing {@code '/'} in {@code levels} mode, an illegal path)
 * contributes no path: it matches nothing, as the same predicate would in Flink.
 */
final class KeyFilterPushDown {
    /** At most this many prefixes or nodes; beyond that the predicates stay with Flink. */
    static final int MAX_PREFIXES = 1024;

    private final ZNodeTreeLayout layout;
    private final String[] keyNames;

    KeyFilterPushDown(ZNodeTreeLayout layout, String[] keyNames) {
        this.layout = layout;
        this.keyNames = keyNames;
    }

    /** The filter that the accepted predicates make, and the split of the predicates. */
    static final class Outcome {
        final ZNodePathFilter filter;
        final List<ResolvedExpression> accepted;
        final List<ResolvedExpression> remaining;

        Outcome(
                ZNodePathFilter filter,
                List<ResolvedExpression> accepted,
                List<ResolvedExpression> remaining) {
            this.filter = filter;
            this.accepted = accepted;
            this.remaining = remaining;
        }
    }

    Outcome apply(List<ResolvedExpression> filters) {
        return layout.getKeyMode() == KeyMode.LEVELS ? levels(filters) : relativePath(filters);
    }

    private Outcome levels(List<ResolvedExpression> filters) {
        // Per key column: the values it may take (intersected) and the predicates that said so.
        Map<String, Set<String>> values = new HashMap<>();
        Map<String, List<ResolvedExpression>> sources = new HashMap<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        for (ResolvedExpression f : filters) {
            ColumnValues cv = equalities(f);
            if (cv == null || !isKeyColumn(cv.column) || cv.values.size() > MAX_PREFIXES) {
                remaining.add(f);
                continue;
            }
            values.merge(
                    cv.column,
                    cv.values,
                    (a, b) -> {
                        Set<String> both = new LinkedHashSet<>(a);
                        both.retainAll(b);
                        return both;
                    });
            sources.computeIfAbsent(cv.column, c -> new ArrayList<>()).add(f);
        }
        int fixed = 0;
        long product = 1;
        while (fixed < keyNames.length && values.containsKey(keyNames[fixed])) {
            long next = product * Math.max(1, values.get(keyNames[fixed]).size());
            if (next > MAX_PREFIXES) {
                break;
            }
            product = next;
            fixed++;
        }
        List<ResolvedExpression> accepted = new ArrayList<>();
        for (int i = 0; i < keyNames.length; i++) {
            List<ResolvedExpression> s = sources.get(keyNames[i]);
            if (s != null) {
                (i < fixed ? accepted : remaining).addAll(s);
            }
        }
        if (fixed == 0) {
            return new Outcome(ZNodePathFilter.all(), accepted, remaining);
        }
        List<String> prefixes = new ArrayList<>();
        prefixes.add("");
        for (int i = 0; i < fixed; i++) {
            List<String> longer = new ArrayList<>();
            for (String prefix : prefixes) {
                for (String v : values.get(keyNames[i])) {
                    if (!v.isEmpty() && v.indexOf('/') < 0) {
                        longer.add(prefix.isEmpty() ? v : prefix + "/" + v);
                    }
                }
            }
            prefixes = longer;
        }
        return new Outcome(ZNodePathFilter.subtrees(namingNodes(prefixes)), accepted, remaining);
    }

    private Outcome relativePath(List<ResolvedExpression> filters) {
        ZNodePathFilter filter = ZNodePathFilter.all();
        List<ResolvedExpression> accepted = new ArrayList<>();
        List<ResolvedExpression> remaining = new ArrayList<>();
        for (ResolvedExpression f : filters) {
            ZNodePathFilter one = relativePathFilter(f);
            if (one == null) {
                remaining.add(f);
            } else {
                filter = filter.and(one);
                accepted.add(f);
            }
        }
        return new Outcome(filter, accepted, remaining);
    }

    private ZNodePathFilter relativePathFilter(ResolvedExpression f) {
        ColumnValues cv = equalities(f);
        if (cv != null) {
            return isKeyColumn(cv.column) && cv.values.size() <= MAX_PREFIXES
                    ? ZNodePathFilter.nodes(namingNodes(new ArrayList<>(cv.values)))
                    : null;
        }
        if (!(f instanceof CallExpression)) {
            return null;
        }
        CallExpression call = (CallExpression) f;
        List<ResolvedExpression> args = call.getResolvedChildren();
        if (call.getFunctionDefinition() != BuiltInFunctionDefinitions.LIKE || args.size() != 2) {
            return null; // no ESCAPE clause
        }
        String column = stringColumn(args.get(0));
        String pattern = stringLiteral(args.get(1));
        if (column == null || pattern == null || !isKeyColumn(column) || !pattern.endsWith("/%")) {
            return null;
        }
        String prefix = pattern.substring(0, pattern.length() - 2);
        if (prefix.indexOf('%') >= 0 || prefix.indexOf('_') >= 0 || prefix.indexOf('\\') >= 0) {
            return null;
        }
        List<String> named = namingNodes(Collections.singletonList(prefix));
        return named.isEmpty() ? ZNodePathFilter.none() : ZNodePathFilter.descendants(prefix);
    }

    /** The relative paths that can name a node of this table; the others match nothing. */
    private List<String> namingNodes(List<String> paths) {
        List<String> out = new ArrayList<>(paths.size());
        for (String p : paths) {
            if (!ZNodePathFilter.isRelativePath(p)) {
                continue;
            }
            String absolute = layout.absolute(p);
            try {
                PathUtils.validatePath(absolute);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (layout.relativeOf(absolute) != null) { // not ZooKeeper's own subtree
                out.add(p);
            }
        }
        return out;
    }

    private boolean isKeyColumn(String column) {
        for (String k : keyNames) {
            if (k.equals(column)) {
                return true;
            }
        }
        return false;
    }

    /** A column and the literal values it equals: {@code =}, {@code IN}, an {@code OR} of them. */
    private static final class ColumnValues {
        final String column;
        final Set<String> values;

        ColumnValues(String column, Set<String> values) {
            this.column = column;
            this.values = values;
        }
    }

    private static ColumnValues equalities(ResolvedExpression e) {
        if (!(e instanceof CallExpression)) {
            return null;
        }
        CallExpression call = (CallExpression) e;
        FunctionDefinition fn = call.getFunctionDefinition();
        List<ResolvedExpression> args = call.getResolvedChildren();
        if (fn == BuiltInFunctionDefinitions.EQUALS && args.size() == 2) {
            String column = stringColumn(args.get(0));
            String value = stringLiteral(args.get(1));
            if (column == null) {
                column = stringColumn(args.get(1));
                value = stringLiteral(args.get(0));
            }
            return column == null || value == null ? null : single(column, value);
        }
        if (fn == BuiltInFunctionDefinitions.IN && args.size() >= 2) {
            String column = stringColumn(args.get(0));
            Set<String> values = new LinkedHashSet<>();
            for (ResolvedExpression a : args.subList(1, args.size())) {
                String v = stringLiteral(a);
                if (v == null) {
                    return null;
                }
                values.add(v);
            }
            return column == null ? null : new ColumnValues(column, values);
        }
        if (fn == BuiltInFunctionDefinitions.OR) {
            ColumnValues all = null;
            for (ResolvedExpression a : args) {
                ColumnValues one = equalities(a);
                if (one == null || (all != null && !all.column.equals(one.column))) {
                    return null;
                }
                if (all == null) {
                    all = new ColumnValues(one.column, new LinkedHashSet<>(one.values));
                } else {
                    all.values.addAll(one.values);
                }
            }
            return all;
        }
        return null;
    }

    private static ColumnValues single(String column, String value) {
        Set<String> values = new LinkedHashSet<>();
        values.add(value);
        return new ColumnValues(column, values);
    }

    /** The name of a {@code VARCHAR} column reference (CHAR pads, so it does not qualify). */
    private static String stringColumn(ResolvedExpression e) {
        if (!(e instanceof FieldReferenceExpression)) {
            return null;
        }
        FieldReferenceExpression ref = (FieldReferenceExpression) e;
        return ref.getOutputDataType().getLogicalType().is(LogicalTypeRoot.VARCHAR)
                ? ref.getName()
                : null;
    }

    /** The value of a non-NULL string literal. */
    private static String stringLiteral(ResolvedExpression e) {
        if (!(e instanceof ValueLiteralExpression)) {
            return null;
        }
        ValueLiteralExpression lit = (ValueLiteralExpression) e;
        if (lit.isNull()
                || !lit.getOutputDataType()
                        .getLogicalType()
                        .is(LogicalTypeFamily.CHARACTER_STRING)) {
            return null;
        }
        return lit.getValueAs(String.class).orElse(null);
    }
}
