package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;

import org.apache.zookeeper.data.Stat;

/**
 * One znode as read from ZooKeeper: its path relative to the table root, data, Stat and the kind of
 * change it represents ({@link ChangeKind#INSERT} for snapshot reads).
 */
@PublicEvolving
public final class ZNodeRecord {
    private final String relativePath;
    private final String absolutePath;
    private final byte[] data;
    private final Stat stat;
    private final ChangeKind kind;

    public ZNodeRecord(String relativePath, String absolutePath, byte[] data, Stat stat) {
        this(relativePath, absolutePath, data, stat, ChangeKind.INSERT);
    }

    public ZNodeRecord(
            String relativePath, String absolutePath, byte[] data, Stat stat, ChangeKind kind) {
        this.relativePath = relativePath;
        this.absolutePath = absolutePath;
        this.data = data == null ? new byte[0] : data;
        this.stat = stat;
        this.kind = kind;
    }

    public String getRelativePath() {
        return relativePath;
    }

    public String getAbsolutePath() {
        return absolutePath;
    }

    public byte[] getData() {
        return data;
    }

    public Stat getStat() {
        return stat;
    }

    public ChangeKind getKind() {
        return kind;
    }
}
