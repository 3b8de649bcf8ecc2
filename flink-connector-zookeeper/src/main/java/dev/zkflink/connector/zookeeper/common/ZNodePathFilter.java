package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * Which row paths (relative to the table root) a read may return, as pushed down from a query's
 * {@code WHERE} clause: everything ({@link #all()}), or a set of entries, each a path with the node
 * itself, the nodes strictly below it, or both.
 *
 * <ul>
 *   <li>{@link #subtree}: the node and everything below it ({@code 'levels'} key prefixes).
 *   <li>{@link #node}: exactly that node ({@code key = 'a/b'}).
 *   <li>{@link #descendants}: every node strictly below it ({@code key LIKE 'a/b/%'}).
 * </ul>
 *
 * <p>Readers start from {@link #subtreeRoots()} instead of the root, never descend where {@link
 * #mayLeadTo} says no row can be, and keep only rows that {@link #accepts}. Lookups call {@link
 * #accepts} on every row they return. Checks cost a map lookup per level of the path, whatever the
 * number of entries.
 */
@Internal
public final class ZNodePathFilter implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final int SELF = 1;
    private static final int BELOW = 2;
    private static final ZNodePathFilter ALL = new ZNodePathFilter(null);

    /** Path to SELF/BELOW bits; {@code null} for {@link #all()}. Never an empty path. */
    private final TreeMap<String, Integer> entries;

    private ZNodePathFilter(TreeMap<String, Integer> entries) {
        this.entries = entries;
    }

    /** No restriction: every row of the table. */
    public static ZNodePathFilter all() {
        return ALL;
    }

    /** No row at all (a literal that cannot name a node). */
    public static ZNodePathFilter none() {
        return new ZNodePathFilter(new TreeMap<>());
    }

    /** The nodes at and below each of {@code paths}. */
    public static ZNodePathFilter subtrees(List<String> paths) {
        return of(paths, SELF | BELOW);
    }

    public static ZNodePathFilter subtree(String path) {
        return subtrees(Collections.singletonList(path));
    }

    /** Exactly the nodes {@code paths}. */
    public static ZNodePathFilter nodes(List<String> paths) {
        return of(paths, SELF);
    }

    public static ZNodePathFilter node(String path) {
        return nodes(Collections.singletonList(path));
    }

    /** The nodes strictly below {@code path}. */
    public static ZNodePathFilter descendants(String path) {
        return of(Collections.singletonList(path), BELOW);
    }

    private static ZNodePathFilter of(List<String> paths, int kind) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (String p : paths) {
            checkArgument(isRelativePath(p), "Not a path relative to the table root: '%s'", p);
            m.merge(p, kind, (a, b) -> a | b);
        }
        return new ZNodePathFilter(normalized(m));
    }

    /** Non-empty, no leading, trailing or doubled {@code '/'}. */
    public static boolean isRelativePath(String p) {
        return p != null
                && !p.isEmpty()
                && !p.startsWith("/")
                && !p.endsWith("/")
                && !p.contains("//");
    }

    public boolean isAll() {
        return entries == null;
    }

    /** Whether no row can pass. */
    public boolean isNone() {
        return entries != null && entries.isEmpty();
    }

    /** Number of entries (for caps); 0 for {@link #all()}. */
    public int size() {
        return entries == null ? 0 : entries.size();
    }

    /** Whether a row at {@code relativePath} may be returned. */
    public boolean accepts(String relativePath) {
        if (entries == null) {
            return true;
        }
        Integer own = entries.get(relativePath);
        if (own != null && (own & SELF) != 0) {
            return true;
        }
        return coveredByAncestor(relativePath);
    }

    /** Whether {@code relativePath} or a node below it may be a returned row. */
    public boolean mayLeadTo(String relativePath) {
        if (entries == null || relativePath.isEmpty()) {
            return entries == null || !entries.isEmpty();
        }
        return entries.containsKey(relativePath)
                || hasEntryBelow(relativePath)
                || coveredByAncestor(relativePath);
    }

    /** Whether a node strictly below {@code relativePath} may be a returned row. */
    public boolean mayLeadBelow(String relativePath) {
        if (entries == null || relativePath.isEmpty()) {
            return entries == null || !entries.isEmpty();
        }
        Integer own = entries.get(relativePath);
        return (own != null && (own & BELOW) != 0)
                || hasEntryBelow(relativePath)
                || coveredByAncestor(relativePath);
    }

    /**
     * The relative paths to read from, sorted, none below another: {@code [""]} (the root) for
     * {@link #all()}, empty when nothing can pass. A walk from a root descends where {@link
     * #mayLeadBelow} says so.
     */
    public List<String> subtreeRoots() {
        if (entries == null) {
            return Collections.singletonList("");
        }
        List<String> roots = new ArrayList<>();
        for (String p : entries.keySet()) {
            if (!hasAncestorEntry(p)) {
                roots.add(p); // a walk from an ancestor entry reaches it
            }
        }
        return roots;
    }

    private boolean hasAncestorEntry(String p) {
        for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
            if (entries.containsKey(p.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    /** Rows both filters accept. */
    public ZNodePathFilter and(ZNodePathFilter other) {
        if (other.entries == null) {
            return this;
        }
        if (entries == null) {
            return other;
        }
        TreeMap<String, Integer> m = new TreeMap<>();
        intersectInto(this, other, m);
        intersectInto(other, this, m);
        return new ZNodePathFilter(normalized(m));
    }

    /** The part of {@code a}'s entries inside {@code b}, added to {@code into}. */
    private static void intersectInto(
            ZNodePathFilter a, ZNodePathFilter b, TreeMap<String, Integer> into) {
        for (Map.Entry<String, Integer> e : a.entries.entrySet()) {
            String p = e.getKey();
            int kind = e.getValue();
            if (b.coveredByAncestor(p)) {
                into.merge(p, kind, (x, y) -> x | y); // all of e lies below one of b's entries
                continue;
            }
            Integer same = b.entries.get(p);
            if (same != null && (same & kind) != 0) {
                into.merge(p, same & kind, (x, y) -> x | y);
            }
        }
    }

    /** Drops entries inside another entry's BELOW part. */
    private static TreeMap<String, Integer> normalized(TreeMap<String, Integer> m) {
        ZNodePathFilter probe = new ZNodePathFilter(m);
        TreeMap<String, Integer> out = new TreeMap<>();
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            if (!probe.coveredByAncestor(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Whether a proper ancestor of {@code p} is an entry whose BELOW part holds {@code p}. */
    private boolean coveredByAncestor(String p) {
        for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
            Integer kind = entries.get(p.substring(0, i));
            if (kind != null && (kind & BELOW) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether an entry lies strictly below {@code p}: in the key range {@code [p/, p0)}. */
    private boolean hasEntryBelow(String p) {
        NavigableMap<String, Integer> below = entries.subMap(p + "/", true, p + "0", false);
        return !below.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZNodePathFilter)) {
            return false;
        }
        return Objects.equals(entries, ((ZNodePathFilter) o).entries);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(entries);
    }

    /**
     * {@code all}, or {@code prefixes=[a, b/c]} (subtrees), {@code nodes=[..]} and {@code
     * below=[..]}: what EXPLAIN shows. Paths are key values, never credentials.
     */
    @Override
    public String toString() {
        if (entries == null) {
            return "all";
        }
        List<String> subtrees = new ArrayList<>();
        List<String> nodes = new ArrayList<>();
        List<String> below = new ArrayList<>();
        for (Map.Entry<String, Integer> e : entries.entrySet()) {
            int kind = e.getValue();
            (kind == (SELF | BELOW) ? subtrees : kind == SELF ? nodes : below).add(e.getKey());
        }
        List<String> parts = new ArrayList<>();
        if (!subtrees.isEmpty() || entries.isEmpty()) {
            parts.add("prefixes=" + subtrees);
        }
        if (!nodes.isEmpty()) {
            parts.add("nodes=" + nodes);
        }
        if (!below.isEmpty()) {
            parts.add("below=" + below);
        }
        return String.join(", ", parts);
    }
}
