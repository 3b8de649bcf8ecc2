package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;

import org.apache.zookeeper.common.PathUtils;

import java.io.IOException;
import java.io.Serializable;

/**
 * Maps PRIMARY KEY values to a znode path and back, the same way for the source and the sink, so a
 * row the sink writes is read back as the same row.
 */
@Internal
public final class KeyPathCodec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ZNodeTreeLayout layout;
    private final String[] keyNames;
    private final int[] keyPositions;

    public KeyPathCodec(ZNodeTreeLayout layout, String[] keyNames, int[] keyPositions) {
        this.layout = layout;
        this.keyNames = keyNames;
        this.keyPositions = keyPositions;
    }

    public ZNodeTreeLayout getLayout() {
        return layout;
    }

    /**
     * Sets the key fields of {@code row} from a row node's path relative to the root; a key
     * position of -1 (a key column a query does not read) is left out.
     */
    public void fillKeys(String relativePath, GenericRowData row) {
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            if (keyPositions[0] >= 0) {
                row.setField(keyPositions[0], StringData.fromString(relativePath));
            }
            return;
        }
        int start = 0;
        for (int i = 0; i < keyPositions.length; i++) {
            int end =
                    i == keyPositions.length - 1
                            ? relativePath.length()
                            : relativePath.indexOf('/', start);
            if (keyPositions[i] >= 0) {
                row.setField(
                        keyPositions[i], StringData.fromString(relativePath.substring(start, end)));
            }
            start = end + 1;
        }
    }

    /** The absolute path of the row's node; fails naming the key when it makes an illegal path. */
    public String toPath(RowData row) throws IOException {
        String relative;
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            relative = keyValue(row, 0);
            if (relative.isEmpty() || relative.startsWith("/") || relative.endsWith("/")) {
                throw illegal(
                        row,
                        "a relative path must be non-empty and must not start or end with '/'");
            }
        } else {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < keyPositions.length; i++) {
                String level = keyValue(row, i);
                if (level.isEmpty()) {
                    throw illegal(row, "key column '" + keyNames[i] + "' is empty");
                }
                if (level.indexOf('/') >= 0) {
                    throw illegal(
                            row,
                            "key column '"
                                    + keyNames[i]
                                    + "' contains '/', which would add a level (use 'key.mode' = 'relative-path' for paths)");
                }
                if (i > 0) {
                    sb.append('/');
                }
                sb.append(level);
            }
            relative = sb.toString();
        }
        String path = layout.absolute(relative);
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw illegal(row, e.getMessage());
        }
        if (ZNodePaths.isSystemPath(layout.getRootPath(), path)) {
            throw illegal(
                    row,
                    "it names ZooKeeper's own /zookeeper subtree, which a table rooted at '/' never writes");
        }
        return path;
    }

    private String keyValue(RowData row, int i) throws IOException {
        if (row.isNullAt(keyPositions[i])) {
            throw illegal(row, "key column '" + keyNames[i] + "' is NULL");
        }
        return row.getString(keyPositions[i]).toString();
    }

    private IOException illegal(RowData row, String reason) {
        return new IOException(
                String.format(
                        "The row with key %s cannot be written under '%s': %s. Nothing was written for this row.",
                        describeKey(row), layout.getRootPath(), reason));
    }

    /** {@code (service='a', instance='b')}; key values are names, never credentials. */
    public String describeKey(RowData row) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < keyPositions.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(keyNames[i]).append('=');
            sb.append(
                    row.isNullAt(keyPositions[i])
                            ? "NULL"
                            : "'" + row.getString(keyPositions[i]) + "'");
        }
        return sb.append(')').toString();
    }
}
