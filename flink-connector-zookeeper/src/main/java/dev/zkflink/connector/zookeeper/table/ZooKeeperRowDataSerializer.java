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
    private transient ProjectedRowData valueView;

    ZooKeeperRowDataSerializer(
            KeyPathCodec keys,
            int[] valuePositions,
            @Nullable SerializationSchema<RowData> valueEncoder,
            String formatName) {
        this.keys = keys;
        this.valuePositions = valuePositions;
        this.valueEncoder = valueEncoder;
        this.formatName = formatName;
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
                return ZNodeMutation.delete(keys.toPath(row));
            default:
                String path = keys.toPath(row);
                return ZNodeMutation.upsert(path, encode(row));
        }
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
