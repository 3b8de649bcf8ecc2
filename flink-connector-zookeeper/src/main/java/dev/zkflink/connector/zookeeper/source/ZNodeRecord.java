package dev.zkflink.connector.zookeeper.source;

import org.apache.zookeeper.data.Stat;

/** One znode as read from ZooKeeper: its path relative to the table root, data and Stat. */
public final class ZNodeRecord {
    private final String relativePath;
    private final String absolutePath;
    private final byte[] data;
    private final Stat stat;

    public ZNodeRecord(String relativePath, String absolutePath, byte[] data, Stat stat) {
        this.relativePath = relativePath;
        this.absolutePath = absolutePath;
        this.data = data == null ? new byte[0] : data;
        this.stat = stat;
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
}
