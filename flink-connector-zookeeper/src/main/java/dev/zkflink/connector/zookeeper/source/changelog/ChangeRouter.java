package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.zookeeper.Watcher.Event.EventType;

import java.util.function.Consumer;

/**
 * Maps a watch event (an absolute path) to the row nodes whose rows it may change: the node itself
 * when it is a row, and its parent when the parent is a row and the table reads child-related
 * metadata ({@code num-children}, {@code cversion}, {@code pzxid}) — creating or deleting a node
 * changes its parent's Stat without a data event on the parent.
 */
final class ChangeRouter {
    private final ZNodeTreeLayout layout;
    private final boolean trackChildren;

    ChangeRouter(ZNodeTreeLayout layout, boolean trackChildren) {
        this.layout = layout;
        this.trackChildren = trackChildren;
    }

    /** Passes the relative paths of the affected row nodes to {@code rows}. */
    void route(String absolutePath, EventType type, Consumer<String> rows) {
        String relative = layout.relativeOf(absolutePath);
        if (relative == null || relative.isEmpty()) {
            return;
        }
        int depth = ZNodePaths.depth(relative);
        if (layout.isRow(depth)) {
            rows.accept(relative);
        }
        if (trackChildren
                && depth >= 2
                && (type == EventType.NodeCreated || type == EventType.NodeDeleted)
                && layout.isRow(depth - 1)) {
            rows.accept(relative.substring(0, relative.lastIndexOf('/')));
        }
    }
}
