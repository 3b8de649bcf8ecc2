package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The children of one listed znode, handed out once each in sorted order as paths relative to the
 * table root. The listing is sorted in place and each name is dropped from it as it is handed out,
 * so a parent with a million children is held once, and less and less of it as it is consumed.
 */
@Internal
public final class ZNodeChildren {
    private final ZNodeTreeLayout layout;
    private final String parentRelative;
    private List<String> names;
    private int next;
    private int remaining;

    /** {@code names} is the listing as the server returned it; it is sorted and emptied here. */
    ZNodeChildren(ZNodeTreeLayout layout, String parentRelative, List<String> names) {
        this.layout = layout;
        this.parentRelative = parentRelative;
        this.names = sortedInPlace(names);
        if (parentRelative.isEmpty()) {
            // Only a listing of the root can hold ZooKeeper's own subtree.
            this.names.removeIf(name -> layout.childPath("", name) == null);
        }
        this.remaining = this.names.size();
    }

    private static List<String> sortedInPlace(List<String> names) {
        // The server's listing is an ArrayList of ours alone; anything else is copied once.
        List<String> sorted = names instanceof ArrayList ? names : new ArrayList<>(names);
        sorted.sort(null);
        return sorted;
    }

    /** Children not handed out yet. */
    public int remaining() {
        return remaining;
    }

    public boolean hasNext() {
        return remaining > 0;
    }

    /** The next child's path relative to the root; call {@link #hasNext()} first. */
    public String next() {
        return layout.childPath(parentRelative, take());
    }

    private String take() {
        String name = names.set(next++, null);
        if (--remaining == 0) {
            names = null;
        }
        return name;
    }
}
