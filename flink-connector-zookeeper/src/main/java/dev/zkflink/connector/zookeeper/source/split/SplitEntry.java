package dev.zkflink.connector.zookeeper.source.split;

import java.io.Serializable;
import java.util.Objects;

/**
 * One unit of a split: a node relative to the table root, read either alone or together with every
 * descendant that can hold rows.
 */
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
