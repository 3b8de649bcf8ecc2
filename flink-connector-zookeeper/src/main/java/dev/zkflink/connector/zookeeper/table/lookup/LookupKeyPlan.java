package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

import org.apache.zookeeper.common.PathUtils;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which znodes one lookup key names. The join keys that fix the leading PRIMARY KEY columns give a
 * subtree (a single row node when they cover the whole key); every other join key (a later key
 * column, a value or metadata column) is checked on the rows read from it.
 *
 * <p>A key value that cannot name a node (NULL, empty, a {@code '/'} inside a level) matches
 * nothing: {@link #subtreeOf} returns {@code null}, and the lookup returns no row without reading.
 */
@Internal
public final class LookupKeyPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ZNodeTreeLayout layout;

    /** For leading key column i: its index in the lookup key row. */
    private final int[] prefixKeyIndexes;

    private final boolean fullKey;

    /** Join keys checked on each row: index in the key row, index in the produced row. */
    private final int[] residualKeyIndexes;

    private final int[] residualRowIndexes;
    private final RowData.FieldGetter[] residualKeyGetters;
    private final RowData.FieldGetter[] residualRowGetters;
    private final String description;

    private LookupKeyPlan(
            ZNodeTreeLayout layout,
            int[] prefixKeyIndexes,
            boolean fullKey,
            int[] residualKeyIndexes,
            int[] residualRowIndexes,
            LogicalType[] residualTypes,
            String description) {
        this.layout = layout;
        this.prefixKeyIndexes = prefixKeyIndexes;
        this.fullKey = fullKey;
        this.residualKeyIndexes = residualKeyIndexes;
        this.residualRowIndexes = residualRowIndexes;
        this.residualKeyGetters = new RowData.FieldGetter[residualTypes.length];
        this.residualRowGetters = new RowData.FieldGetter[residualTypes.length];
        for (int i = 0; i < residualTypes.length; i++) {
            residualKeyGetters[i] =
                    RowData.createFieldGetter(residualTypes[i], residualKeyIndexes[i]);
            residualRowGetters[i] =
                    RowData.createFieldGetter(residualTypes[i], residualRowIndexes[i]);
        }
        this.description = description;
    }

    /**
     * @param layout the table's tree
     * @param primaryKeyNames the PRIMARY KEY columns in level order
     * @param producedFieldNames the fields of the rows the lookup returns
     * @param producedFieldTypes their types
     * @param lookupKeys for each field of the lookup key row, its index in the produced row
     */
    public static LookupKeyPlan of(
            ZNodeTreeLayout layout,
            String[] primaryKeyNames,
            List<String> producedFieldNames,
            List<LogicalType> producedFieldTypes,
            int[] lookupKeys) {
        List<Integer> prefix = new ArrayList<>();
        boolean[] usedAsPrefix = new boolean[lookupKeys.length];
        int levels = layout.getKeyMode() == KeyMode.RELATIVE_PATH ? 1 : primaryKeyNames.length;
        for (int level = 0; level < levels; level++) {
            int k = keyIndexOf(primaryKeyNames[level], producedFieldNames, lookupKeys);
            if (k < 0) {
                break;
            }
            prefix.add(k);
            usedAsPrefix[k] = true;
        }
        List<Integer> residualKey = new ArrayList<>();
        List<Integer> residualRow = new ArrayList<>();
        List<LogicalType> residualTypes = new ArrayList<>();
        List<String> residualNames = new ArrayList<>();
        for (int k = 0; k < lookupKeys.length; k++) {
            if (!usedAsPrefix[k]) {
                residualKey.add(k);
                residualRow.add(lookupKeys[k]);
                residualTypes.add(producedFieldTypes.get(lookupKeys[k]));
                residualNames.add(producedFieldNames.get(lookupKeys[k]));
            }
        }
        List<String> prefixNames = new ArrayList<>();
        for (int level = 0; level < prefix.size(); level++) {
            prefixNames.add(primaryKeyNames[level]);
        }
        String description =
                "subtree by "
                        + (prefixNames.isEmpty() ? "nothing (the whole tree)" : prefixNames)
                        + (residualNames.isEmpty()
                                ? ""
                                : ", then rows checked on " + residualNames);
        return new LookupKeyPlan(
                layout,
                prefix.stream().mapToInt(Integer::intValue).toArray(),
                prefix.size() == levels,
                residualKey.stream().mapToInt(Integer::intValue).toArray(),
                residualRow.stream().mapToInt(Integer::intValue).toArray(),
                residualTypes.toArray(new LogicalType[0]),
                description);
    }

    private static int keyIndexOf(String column, List<String> produced, int[] lookupKeys) {
        for (int k = 0; k < lookupKeys.length; k++) {
            if (produced.get(lookupKeys[k]).equals(column)) {
                return k;
            }
        }
        return -1;
    }

    public ZNodeTreeLayout getLayout() {
        return layout;
    }

    /** Whether the join keys name one row node (the whole PRIMARY KEY). */
    public boolean isFullKey() {
        return fullKey;
    }

    /** How many leading key levels the join keys fix ({@code 0}: the whole tree). */
    public int prefixLevels() {
        return prefixKeyIndexes.length;
    }

    /**
     * The path, relative to the table root, of the subtree (or, for a full key, the row node) that
     * {@code key} names; {@code ""} for the whole tree; {@code null} if a key value cannot name a
     * node, so nothing matches.
     */
    @Nullable
    public String subtreeOf(RowData key) {
        String candidate = candidateOf(key);
        return candidate == null || !isValid(candidate) ? null : candidate;
    }

    /**
     * {@link #subtreeOf} without the full path validation: the cheap checks only (NULL, empty,
     * {@code '/'} where it cannot be). Whatever it returns for a key that cannot name a node is
     * never in a cache, so a cache is asked first and {@link #isValid} only on a miss.
     */
    @Nullable
    String candidateOf(RowData key) {
        if (prefixKeyIndexes.length == 0) {
            return "";
        }
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            int k = prefixKeyIndexes[0];
            if (key.isNullAt(k)) {
                return null;
            }
            String relative = key.getString(k).toString();
            if (relative.isEmpty() || relative.startsWith("/") || relative.endsWith("/")) {
                return null;
            }
            return relative;
        }
        if (prefixKeyIndexes.length == 1) {
            return levelName(key, prefixKeyIndexes[0]);
        }
        StringBuilder sb = new StringBuilder();
        for (int level = 0; level < prefixKeyIndexes.length; level++) {
            String name = levelName(key, prefixKeyIndexes[level]);
            if (name == null) {
                return null;
            }
            if (level > 0) {
                sb.append('/');
            }
            sb.append(name);
        }
        return sb.toString();
    }

    @Nullable
    private static String levelName(RowData key, int k) {
        if (key.isNullAt(k)) {
            return null;
        }
        String name = key.getString(k).toString();
        return name.isEmpty() || name.indexOf('/') >= 0 ? null : name;
    }

    /**
     * Whether a {@link #candidateOf candidate} is a valid ZooKeeper path below the root, and not in
     * ZooKeeper's own {@code /zookeeper} subtree when the root is {@code /}.
     */
    boolean isValid(String candidate) {
        return candidate.isEmpty()
                || (validPath(candidate) && layout.relativeOf(layout.absolute(candidate)) != null);
    }

    private boolean validPath(String relative) {
        try {
            PathUtils.validatePath(layout.absolute(relative));
            return true;
        } catch (IllegalArgumentException e) {
            return false; // for example "." or ".." as a name
        }
    }

    /**
     * The subtree key a change at {@code relativePath} falls under, in the same form as {@link
     * #subtreeOf}; {@code null} if the path is above the lookup's depth (it holds no row the
     * lookups read).
     */
    @Nullable
    public String subtreeOfChange(String relativePath) {
        int levels = prefixKeyIndexes.length;
        if (levels == 0) {
            return "";
        }
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            return relativePath.isEmpty() ? null : relativePath;
        }
        int end = -1;
        for (int level = 0; level < levels; level++) {
            end = relativePath.indexOf('/', end + 1);
            if (end < 0) {
                return level == levels - 1 && !relativePath.isEmpty() ? relativePath : null;
            }
        }
        return relativePath.substring(0, end);
    }

    /** Whether a row read from the key's subtree also matches the other join keys. */
    public boolean matchesResidual(RowData key, RowData row) {
        for (int i = 0; i < residualKeyIndexes.length; i++) {
            Object expected = residualKeyGetters[i].getFieldOrNull(key);
            if (expected == null) {
                return false; // '=' with NULL is never true
            }
            Object actual = residualRowGetters[i].getFieldOrNull(row);
            if (!(expected instanceof byte[] && actual instanceof byte[]
                    ? Arrays.equals((byte[]) expected, (byte[]) actual)
                    : Objects.equals(expected, actual))) {
                return false;
            }
        }
        return true;
    }

    public boolean hasResidual() {
        return residualKeyIndexes.length > 0;
    }

    @Override
    public String toString() {
        return description;
    }
}
