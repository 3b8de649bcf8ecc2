package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.DataType;

/** Metadata columns a ZooKeeper table can write, each with what it does to the write. */
@PublicEvolving
public enum ZooKeeperWritableMetadata {
    VERSION(
            "version",
            DataTypes.INT(),
            "The data version the write expects: a non-NULL value other than -1 makes the row's"
                    + " setData or delete conditional on it (see 'sink.version-conflict')."),
    TTL(
            "ttl",
            DataTypes.BIGINT(),
            "The node's TTL in milliseconds when a TTL create mode creates it; NULL takes"
                    + " 'sink.ttl'.");

    private final String key;
    private final DataType dataType;
    private final String description;

    ZooKeeperWritableMetadata(String key, DataType dataType, String description) {
        this.key = key;
        this.dataType = dataType;
        this.description = description;
    }

    public String getKey() {
        return key;
    }

    public DataType getDataType() {
        return dataType;
    }

    public String getDescription() {
        return description;
    }

    public static ZooKeeperWritableMetadata ofKey(String key) {
        for (ZooKeeperWritableMetadata m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "Unknown writable ZooKeeper metadata key '" + key + "'.");
    }
}
