package dev.zkflink.connector.zookeeper.sink;

import javax.annotation.Nullable;

import java.util.Objects;

/** Set a node's data (creating it and its parents if needed), or delete it with its subtree. */
public final class ZNodeMutation {
    private final String path;
    @Nullable private final byte[] data;

    private ZNodeMutation(String path, @Nullable byte[] data) {
        this.path = path;
        this.data = data;
    }

    public static ZNodeMutation upsert(String absolutePath, byte[] data) {
        return new ZNodeMutation(absolutePath, Objects.requireNonNull(data));
    }

    public static ZNodeMutation delete(String absolutePath) {
        return new ZNodeMutation(absolutePath, null);
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
        return isDelete() ? "delete(" + path + ")" : "upsert(" + path + ", " + data.length + " B)";
    }
}
