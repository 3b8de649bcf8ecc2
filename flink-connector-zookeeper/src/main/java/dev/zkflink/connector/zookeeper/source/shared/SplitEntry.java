package dev.zkflink.connector.zookeeper.source.shared;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One unit of a split: a node relative to the table root, read either alone or together with every
 * descendant that can hold rows.
 */
@Internal
public final class SplitEntry implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String relativePath;
    private final boolean withDescendants;

    public SplitEntry(String relativePath, boolean withDescendants) {
        this.relativePath = relativePath;
        this.withDescendants = withDescendants;
    }

    public static SplitEntry subtree(String relativePath) {
        return new SplitEntry(relativePath, true);
    }

    public static SplitEntry nodeOnly(String relativePath) {
        return new SplitEntry(relativePath, false);
    }

    /**
     * One entry per root of {@code filter}, with its descendants where accepted rows may lie below.
     * A root that does not exist is skipped by the walk, like a node deleted meanwhile.
     */
    public static List<SplitEntry> rootsOf(ZNodePathFilter filter) {
        List<SplitEntry> entries = new ArrayList<>();
        for (String root : filter.subtreeRoots()) {
            entries.add(new SplitEntry(root, filter.mayLeadBelow(root)));
        }
        return entries;
    }

    public String getRelativePath() {
        return relativePath;
    }

    public boolean isWithDescendants() {
        return withDescendants;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SplitEntry)) {
            return false;
        }
        SplitEntry that = (SplitEntry) o;
        return withDescendants == that.withDescendants && relativePath.equals(that.relativePath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(relativePath, withDescendants);
    }

    @Override
    public String toString() {
        return (withDescendants ? "subtree:" : "node:") + relativePath;
    }
}
