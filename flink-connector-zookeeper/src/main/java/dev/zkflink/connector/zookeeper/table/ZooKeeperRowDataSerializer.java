package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.sink.ZNodeMutation;
import dev.zkflink.connector.zookeeper.sink.ZNodeMutationSerializer;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.ProjectedRowData;

import javax.annotation.Nullable;

import java.io.IOException;

/**
 * Turns changelog rows into znode mutations: INSERT and UPDATE_AFTER upsert, DELETE deletes,
 * UPDATE_BEFORE is ignored (the following UPDATE_AFTER carries the new value).
 */
final class ZooKeeperRowDataSerializer implements ZNodeMutationSerializer<RowData> {
    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    private final KeyPathCodec keys;
    private final int[] valuePositions;
    @Nullable private final SerializationSchema<RowData> valueEncoder;
    private final String formatName;

    /** Positions of the written metadata columns in the consumed row, or -1. */
    private final int versionPosition;

    private final int ttlPosition;
    private transient ProjectedRowData valueView;

    ZooKeeperRowDataSerializer(
            KeyPathCodec keys,
            int[] valuePositions,
            @Nullable SerializationSchema<RowData> valueEncoder,
            String formatName) {
        this(keys, valuePositions, valueEncoder, formatName, -1, -1);
    }

    ZooKeeperRowDataSerializer(
            KeyPathCodec keys,
            int[] valuePositions,
            @Nullable SerializationSchema<RowData> valueEncoder,
            String formatName,
            int versionPosition,
            int ttlPosition) {
        this.keys = keys;
        this.valuePositions = valuePositions;
        this.valueEncoder = valueEncoder;
        this.formatName = formatName;
        this.versionPosition = versionPosition;
        this.ttlPosition = ttlPosition;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context) throws Exception {
        if (valueEncoder != null) {
            valueEncoder.open(context);
        }
        valueView = ProjectedRowData.from(valuePositions);
    }

    @Override
    public ZNodeMutation toMutation(RowData row) throws IOException {
        switch (row.getRowKind()) {
            case UPDATE_BEFORE:
                return null;
            case DELETE:
                return ZNodeMutation.delete(keys.toPath(row), expectedVersion(row));
            default:
                String path = keys.toPath(row);
                return ZNodeMutation.upsert(path, encode(row), expectedVersion(row), ttl(row));
        }
    }

    /** NULL and -1 write unconditionally; other negative versions are refused, naming the row. */
    private int expectedVersion(RowData row) throws IOException {
        if (versionPosition < 0 || row.isNullAt(versionPosition)) {
            return ZNodeMutation.ANY_VERSION;
        }
        int version = row.getInt(versionPosition);
        if (version < ZNodeMutation.ANY_VERSION) {
            throw new IOException(
                    String.format(
                            "The row with key %s has 'version' = %d; an expected version is NULL or"
                                    + " -1 (unconditional) or at least 0. The row was not written.",
                            keys.describeKey(row), version));
        }
        return version;
    }

    private long ttl(RowData row) throws IOException {
        if (ttlPosition < 0 || row.isNullAt(ttlPosition)) {
            return ZNodeMutation.TABLE_TTL;
        }
        long ttl = row.getLong(ttlPosition);
        if (ttl <= 0) {
            throw new IOException(
                    String.format(
                            "The row with key %s has 'ttl' = %d ms; a TTL must be positive (NULL"
                                    + " takes 'sink.ttl'). The row was not written.",
                            keys.describeKey(row), ttl));
        }
        return ttl;
    }

    private byte[] encode(RowData row) throws IOException {
        if (valueEncoder == null || allValuesNull(row)) {
            return EMPTY;
        }
        try {
            byte[] bytes = valueEncoder.serialize(valueView.replaceRow(row));
            return bytes == null ? EMPTY : bytes;
        } catch (RuntimeException e) {
            throw new IOException(
                    String.format(
                            "Cannot encode the row with key %s with format '%s': %s",
                            keys.describeKey(row), formatName, e.getMessage()),
                    e);
        }
    }

    private boolean allValuesNull(RowData row) {
        for (int p : valuePositions) {
            if (!row.isNullAt(p)) {
                return false;
            }
        }
        return true;
    }
}
