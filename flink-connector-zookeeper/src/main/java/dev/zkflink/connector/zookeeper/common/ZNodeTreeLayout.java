package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * Which znodes under a root are rows.
 *
 * <ul>
 *   <li>{@link KeyMode#LEVELS}: exactly the nodes {@code rowDepth} levels below the root; the nodes
 *       above them are intermediate and are not rows, the nodes below them are ignored.
 *   <li>{@link KeyMode#RELATIVE_PATH}: every descendant of the root, at any depth.
 * </ul>
 */
@PublicEvolving
public final class ZNodeTreeLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String rootPath;
    private final KeyMode keyMode;
    private final int rowDepth;

    private ZNodeTreeLayout(String rootPath, KeyMode keyMode, int rowDepth) {
        this.rootPath = ZNodePaths.validateRoot(rootPath);
        this.keyMode = keyMode;
        this.rowDepth = rowDepth;
    }

    public static ZNodeTreeLayout levels(String rootPath, int rowDepth) {
        checkArgument(rowDepth >= 1, "A levels layout needs at least one key column.");
        return new ZNodeTreeLayout(rootPath, KeyMode.LEVELS, rowDepth);
    }

    public static ZNodeTreeLayout wholeSubtree(String rootPath) {
        return new ZNodeTreeLayout(rootPath, KeyMode.RELATIVE_PATH, -1);
    }

    public String getRootPath() {
        return rootPath;
    }

    public KeyMode getKeyMode() {
        return keyMode;
    }

    /** Whether a node at {@code depth} (1 = child of the root) is a row. */
    public boolean isRow(int depth) {
        return keyMode == KeyMode.RELATIVE_PATH ? depth >= 1 : depth == rowDepth;
    }

    /** Whether the children of a node at {@code depth} can hold rows. */
    public boolean mayHaveRowsBelow(int depth) {
        return keyMode == KeyMode.RELATIVE_PATH || depth < rowDepth;
    }

    /**
     * The children of a listed node as paths relative to the root, sorted (the walk order restores
     * rely on), without ZooKeeper's own {@code /zookeeper} subtree when the root is {@code /}. One
     * copy of {@code names}, turned into paths in place; {@code names} itself is left as it is.
     */
    public List<String> childPaths(String parentRelative, List<String> names) {
        List<String> paths = new ArrayList<>(names);
        Collections.sort(paths);
        int kept = 0;
        for (String name : paths) {
            String path = childPath(parentRelative, name);
            if (path != null) {
                paths.set(kept++, path);
            }
        }
        paths.subList(kept, paths.size()).clear();
        return paths;
    }

    /**
     * The children of a listed node, sorted and consumed one by one: for listings that can be
     * large. Takes over {@code names} (the listing as the server returned it) and empties it.
     */
    @Internal
    public ZNodeChildren children(String parentRelative, List<String> names) {
        return new ZNodeChildren(this, parentRelative, names);
    }

    /**
     * The path relative to the root of child {@code name} of {@code parentRelative}, or {@code
     * null} for ZooKeeper's own {@code /zookeeper} subtree when the root is {@code /}.
     */
    public String childPath(String parentRelative, String name) {
        if (parentRelative.isEmpty()) {
            return isSystemTopLevel(name) ? null : name;
        }
        return parentRelative + "/" + name;
    }

    /**
     * The path of {@code absolutePath} relative to the root ({@code ""} for the root itself), or
     * {@code null} if it is not in the table's tree: outside the root, or in ZooKeeper's own
     * subtree when the root is {@code /}.
     */
    public String relativeOf(String absolutePath) {
        if (absolutePath == null) {
            return null;
        }
        boolean inTree =
                absolutePath.equals(rootPath)
                        || "/".equals(rootPath)
                        || (absolutePath.startsWith(rootPath)
                                && absolutePath.length() > rootPath.length()
                                && absolutePath.charAt(rootPath.length()) == '/');
        if (!inTree) {
            return null;
        }
        String relative = ZNodePaths.relativize(rootPath, absolutePath);
        int slash = relative.indexOf('/');
        return isSystemTopLevel(slash < 0 ? relative : relative.substring(0, slash))
                ? null
                : relative;
    }

    /** ZooKeeper's own {@code /zookeeper} subtree is never part of a table rooted at {@code /}. */
    private boolean isSystemTopLevel(String name) {
        return ZNodePaths.isSystemPath(rootPath, "/" + name);
    }

    public String absolute(String relative) {
        return ZNodePaths.join(rootPath, relative);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZNodeTreeLayout)) {
            return false;
        }
        ZNodeTreeLayout that = (ZNodeTreeLayout) o;
        return rowDepth == that.rowDepth
                && rootPath.equals(that.rootPath)
                && keyMode == that.keyMode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rootPath, keyMode, rowDepth);
    }

    @Override
    public String toString() {
        return keyMode == KeyMode.LEVELS
                ? "levels(" + rootPath + ", depth=" + rowDepth + ")"
                : "relative-path(" + rootPath + ")";
    }
}
