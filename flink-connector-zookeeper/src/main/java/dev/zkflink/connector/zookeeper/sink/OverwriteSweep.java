package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * What {@code INSERT OVERWRITE} keeps: the paths of the rows the statement wrote, recorded as they
 * are written, and, once the input has ended, the decision for every node of the tree.
 *
 * <ul>
 *   <li>{@code 'levels'}: a row node the statement wrote stays with everything below it (nodes
 *       below row depth are not rows); any other row node goes with its subtree. A node above row
 *       depth stays if a written row is below it and goes, subtree and all, if none is.
 *   <li>{@code 'relative-path'}: every node is a row. A written node stays, and so does every
 *       ancestor of a written node, written or not: ZooKeeper cannot hold a node without its
 *       parent. Any other node goes with its subtree.
 * </ul>
 *
 * Memory: one entry per distinct written row (the path and a set entry, about {@code 2 x path
 * length + 80} bytes), held by the one writer of an overwrite until the end of input.
 */
final class OverwriteSweep {
    private final ZNodeTreeLayout layout;
    private Set<String> written = new HashSet<>();
    private String[] sorted;

    OverwriteSweep(ZNodeTreeLayout layout) {
        this.layout = layout;
    }

    /** A row the statement wrote, by absolute path. */
    void written(String absolutePath) {
        written.add(absolutePath);
    }

    /** A row the statement deleted (a batch query does not produce these, but could). */
    void deleted(String absolutePath) {
        written.remove(absolutePath);
    }

    int writtenRows() {
        return sorted != null ? sorted.length : written.size();
    }

    /** The decision for every node; call once the input has ended. */
    SubtreeDeleter.Decider decider() {
        if (sorted == null) {
            sorted = written.toArray(new String[0]);
            Arrays.sort(sorted);
            written = null; // the sorted copy answers both questions below
        }
        return this::decide;
    }

    private SubtreeDeleter.Decision decide(String relativePath, int depth) {
        String absolute = layout.absolute(relativePath);
        if (layout.isRow(depth) && isWritten(absolute)) {
            return layout.getKeyMode() == KeyMode.RELATIVE_PATH
                    ? SubtreeDeleter.Decision.DESCEND
                    : SubtreeDeleter.Decision.KEEP;
        }
        if (layout.mayHaveRowsBelow(depth) && hasWrittenBelow(absolute)) {
            return SubtreeDeleter.Decision.DESCEND;
        }
        return SubtreeDeleter.Decision.DELETE;
    }

    private boolean isWritten(String absolute) {
        return Arrays.binarySearch(sorted, absolute) >= 0;
    }

    /** Whether a written path lies strictly below: the first path from {@code absolute/} on. */
    private boolean hasWrittenBelow(String absolute) {
        String prefix = absolute + "/";
        int i = Arrays.binarySearch(sorted, prefix);
        int first = i >= 0 ? i : -i - 1;
        return first < sorted.length && sorted[first].startsWith(prefix);
    }
}
