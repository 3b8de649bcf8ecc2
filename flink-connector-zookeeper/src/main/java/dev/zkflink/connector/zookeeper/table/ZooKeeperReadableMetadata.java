package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;

import java.io.Serializable;
import java.util.function.Function;

/** Metadata columns a ZooKeeper table can read, each with the Stat field it comes from. */
@PublicEvolving
public enum ZooKeeperReadableMetadata {
    PATH(
            "path",
            DataTypes.STRING().notNull(),
            "Absolute path of the node.",
            n -> StringData.fromString(n.getAbsolutePath())),
    VERSION(
            "version",
            DataTypes.INT(),
            "Stat.version: data version.",
            n -> n.getStat().getVersion()),
    CVERSION(
            "cversion",
            DataTypes.INT(),
            "Stat.cversion: children version.",
            n -> n.getStat().getCversion()),
    AVERSION(
            "aversion",
            DataTypes.INT(),
            "Stat.aversion: ACL version.",
            n -> n.getStat().getAversion()),
    CTIME(
            "ctime",
            DataTypes.TIMESTAMP_LTZ(3),
            "Stat.ctime: creation time (epoch millis).",
            n -> TimestampData.fromEpochMillis(n.getStat().getCtime())),
    MTIME(
            "mtime",
            DataTypes.TIMESTAMP_LTZ(3).notNull(),
            "Stat.mtime: last modification time (epoch millis).",
            n -> TimestampData.fromEpochMillis(n.getStat().getMtime())),
    CZXID(
            "czxid",
            DataTypes.BIGINT().notNull(),
            "Stat.czxid: zxid of the create.",
            n -> n.getStat().getCzxid()),
    MZXID(
            "mzxid",
            DataTypes.BIGINT().notNull(),
            "Stat.mzxid: zxid of the last data change.",
            n -> n.getStat().getMzxid()),
    PZXID(
            "pzxid",
            DataTypes.BIGINT().notNull(),
            "Stat.pzxid: zxid of the last children change.",
            n -> n.getStat().getPzxid()),
    EPHEMERAL_OWNER(
            "ephemeral-owner",
            DataTypes.BIGINT(),
            "Stat.ephemeralOwner: owning session id, 0 for persistent nodes.",
            n -> n.getStat().getEphemeralOwner()),
    DATA_LENGTH(
            "data-length",
            DataTypes.INT(),
            "Stat.dataLength: bytes of data.",
            n -> n.getStat().getDataLength()),
    NUM_CHILDREN(
            "num-children",
            DataTypes.INT(),
            "Stat.numChildren: number of children.",
            n -> n.getStat().getNumChildren()),
    TTL(
            "ttl",
            DataTypes.BIGINT(),
            "Always NULL on reads: ZooKeeper does not tell clients a node's TTL. Readable so that"
                    + " one table can both read and write it (see the writable 'ttl').",
            n -> null);

    private final String key;
    private final DataType dataType;
    private final String description;
    private final Converter converter;

    ZooKeeperReadableMetadata(
            String key, DataType dataType, String description, Converter converter) {
        this.key = key;
        this.dataType = dataType;
        this.description = description;
        this.converter = converter;
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

    /**
     * Whether a delete row carries this key. A live source keeps only the path, the zxids and
     * {@code mtime} of the nodes it emitted, so the other keys are NULL on deletes.
     */
    public boolean isKnownOnDelete() {
        return !dataType.getLogicalType().isNullable();
    }

    /** The internal (RowData) value of this key for a node. */
    public Object read(ZNodeRecord node) {
        if (node.getKind() == ChangeKind.DELETE && !isKnownOnDelete()) {
            return null;
        }
        return converter.apply(node);
    }

    /** Whether the value changes when children are created or deleted. */
    public boolean dependsOnChildren() {
        return this == CVERSION || this == PZXID || this == NUM_CHILDREN;
    }

    public static ZooKeeperReadableMetadata ofKey(String key) {
        for (ZooKeeperReadableMetadata m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown ZooKeeper metadata key '" + key + "'.");
    }

    private interface Converter extends Function<ZNodeRecord, Object>, Serializable {}
}
