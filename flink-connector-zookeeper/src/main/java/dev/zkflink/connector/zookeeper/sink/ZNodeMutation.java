package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import java.util.Objects;

/**
 * Set a node's data (creating it and its parents if needed), or delete it with its subtree;
 * optionally only if the node's data version is the expected one, and, for TTL create modes, with a
 * TTL of the row's own.
 */
@PublicEvolving
public final class ZNodeMutation {
    /** No expected version: the write is unconditional. */
    public static final int ANY_VERSION = -1;

    /** No TTL of the row's own: the table's {@code 'sink.ttl'} applies. */
    public static final long TABLE_TTL = 0;

    private final String path;
    @Nullable private final byte[] data;
    private final int expectedVersion;
    private final long ttlMillis;
    @Nullable private final String sequenceGuard;

    private ZNodeMutation(
            String path,
            @Nullable byte[] data,
            int expectedVersion,
            long ttlMillis,
            @Nullable String sequenceGuard) {
        this.path = path;
        this.data = data;
        this.expectedVersion = expectedVersion;
        this.ttlMillis = ttlMillis;
        this.sequenceGuard = sequenceGuard;
    }

    public static ZNodeMutation upsert(String absolutePath, byte[] data) {
        return upsert(absolutePath, data, ANY_VERSION, TABLE_TTL);
    }

    /**
     * An upsert; with {@code expectedVersion >= 0} a {@code setData} that succeeds only on that
     * version of an existing node. {@code ttlMillis} > 0 is this node's TTL at creation.
     */
    public static ZNodeMutation upsert(
            String absolutePath, byte[] data, int expectedVersion, long ttlMillis) {
        return new ZNodeMutation(
                absolutePath, Objects.requireNonNull(data), expectedVersion, ttlMillis, null);
    }

    public static ZNodeMutation delete(String absolutePath) {
        return delete(absolutePath, ANY_VERSION);
    }

    /** A delete; with {@code expectedVersion >= 0} only of that version of the node. */
    public static ZNodeMutation delete(String absolutePath, int expectedVersion) {
        return new ZNodeMutation(absolutePath, null, expectedVersion, TABLE_TTL, null);
    }

    /**
     * This upsert as the sequential create guarded by {@code guard}: the node is named as Curator's
     * protected mode names it, {@code _c_<guard>-<name><counter>}, so a writer that lost the answer
     * can find whether the create happened.
     */
    public ZNodeMutation withSequenceGuard(String guard) {
        return new ZNodeMutation(path, data, expectedVersion, ttlMillis, guard);
    }

    /** The guard of a sequential create, or null. */
    @Nullable
    public String getSequenceGuard() {
        return sequenceGuard;
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

    /** The data version the write expects, or {@link #ANY_VERSION}. */
    public int getExpectedVersion() {
        return expectedVersion;
    }

    public boolean isConditional() {
        return expectedVersion != ANY_VERSION;
    }

    /** This row's TTL in milliseconds, or {@link #TABLE_TTL}. */
    public long getTtlMillis() {
        return ttlMillis;
    }

    @Override
    public String toString() {
        String condition = isConditional() ? " @v" + expectedVersion : "";
        return isDelete()
                ? "delete(" + path + condition + ")"
                : "upsert(" + path + ", " + data.length + " B" + condition + ")";
    }
}
