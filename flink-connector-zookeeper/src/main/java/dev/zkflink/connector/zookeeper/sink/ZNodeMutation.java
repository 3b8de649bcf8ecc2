package dev.zkflink.connector.zookeeper.sink;

import javax.annotation.Nullable;

import java.util.Objects;

/**
 * Set a node's data (creating it and its parents if needed), or delete it with its subtree. An
 * upsert that follows a delete of the same path within one flush {@link #replacesSubtree()}: it
 * removes the old node and its subtree first, exactly as if the two had been flushed separately.
 */
public final class ZNodeMutation {
    private final String path;
    @Nullable private final byte[] data;
    private final boolean replacesSubtree;

    private ZNodeMutation(String path, @Nullable byte[] data, boolean replacesSubtree) {
        this.path = path;
        this.data = data;
        this.replacesSubtree = replacesSubtree;
    }

    public static ZNodeMutation upsert(String absolutePath, byte[] data) {
        return new ZNodeMutation(absolutePath, Objects.requireNonNull(data), false);
    }

    public static ZNodeMutation delete(String absolutePath) {
        return new ZNodeMutation(absolutePath, null, false);
    }

    /** This mutation applied after {@code earlier}, a buffered mutation of the same path. */
    public ZNodeMutation after(ZNodeMutation earlier) {
        if (!isDelete() && (earlier.isDelete() || earlier.replacesSubtree)) {
            return new ZNodeMutation(path, data, true);
        }
        return this;
    }

    /** An upsert that first deletes the node and its subtree (a delete preceded it). */
    public boolean replacesSubtree() {
        return replacesSubtree;
    }

    public String getPath() {
        return path;
    }

    public boolean isDelete() {
        return data == null;
    }

    /** The data to write; {@code null} for a delete. */
    @Nullable
    public byte[] getData() {
        return data;
    }

    @Override
    public String toString() {
        return isDelete()
                ? "delete(" + path + ")"
                : (replacesSubtree ? "replace(" : "upsert(") + path + ", " + data.length + " B)";
    }
}
