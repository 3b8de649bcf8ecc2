package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

import javax.annotation.Nullable;

import java.io.IOException;

/**
 * Builds a table row from a znode: key columns from the path, value columns decoded from the data
 * with the table's format, metadata columns (appended) from the Stat. Empty data means all value
 * columns are NULL, which is also what the sink writes for a row whose value columns are all NULL.
 * A delete carries the key columns only (value columns NULL): the table declares key-only deletes,
 * and the planner restores the full row where a query needs it.
 *
 * <p>The row holds the physical columns a query reads ({@code physicalArity} of them, at the
 * positions the key codec and {@code valuePositions} name; all of them without a projection), then
 * the metadata columns.
 */
final class ZooKeeperRowDataDeserializer implements ZNodeDeserializer<RowData> {
    private static final long serialVersionUID = 1L;

    private final KeyPathCodec keys;
    private final int physicalArity;
    private final int[] valuePositions;
    private final RowData.FieldGetter[] valueGetters;
    @Nullable private final DeserializationSchema<RowData> valueDecoder;
    private final String formatName;
    private final ZooKeeperReadableMetadata[] metadata;
    private final TypeInformation<RowData> producedType;

    ZooKeeperRowDataDeserializer(
            KeyPathCodec keys,
            int physicalArity,
            int[] valuePositions,
            RowData.FieldGetter[] valueGetters,
            @Nullable DeserializationSchema<RowData> valueDecoder,
            String formatName,
            ZooKeeperReadableMetadata[] metadata,
            TypeInformation<RowData> producedType) {
        this.keys = keys;
        this.physicalArity = physicalArity;
        this.valuePositions = valuePositions;
        this.valueGetters = valueGetters;
        this.valueDecoder = valueDecoder;
        this.formatName = formatName;
        this.metadata = metadata;
        this.producedType = producedType;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        if (valueDecoder != null) {
            valueDecoder.open(context);
        }
    }

    @Override
    public void deserialize(ZNodeRecord node, Collector<RowData> out) throws IOException {
        GenericRowData row = new GenericRowData(physicalArity + metadata.length);
        keys.fillKeys(node.getRelativePath(), row);
        row.setRowKind(rowKind(node.getKind()));
        if (node.getKind() != ChangeKind.DELETE
                && valueDecoder != null
                && node.getData().length > 0) {
            RowData value;
            try {
                value = valueDecoder.deserialize(node.getData());
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        String.format(
                                "Cannot decode the data of znode '%s' (%d bytes) with format '%s': %s",
                                node.getAbsolutePath(),
                                node.getData().length,
                                formatName,
                                e.getMessage()),
                        e);
            }
            if (value == null) {
                // The format chose to skip it (for example 'json.ignore-parse-errors'). A row that
                // was emitted before must not keep its old value: it is deleted instead.
                if (node.getKind() == ChangeKind.UPDATE) {
                    GenericRowData delete = new GenericRowData(physicalArity + metadata.length);
                    keys.fillKeys(node.getRelativePath(), delete);
                    delete.setRowKind(RowKind.DELETE);
                    fillMetadata(node, delete);
                    out.collect(delete);
                }
                return;
            }
            for (int i = 0; i < valuePositions.length; i++) {
                row.setField(valuePositions[i], valueGetters[i].getFieldOrNull(value));
            }
        }
        fillMetadata(node, row);
        out.collect(row);
    }

    private void fillMetadata(ZNodeRecord node, GenericRowData row) {
        for (int i = 0; i < metadata.length; i++) {
            row.setField(physicalArity + i, metadata[i].read(node));
        }
    }

    private static RowKind rowKind(ChangeKind kind) {
        switch (kind) {
            case UPDATE:
                return RowKind.UPDATE_AFTER;
            case DELETE:
                return RowKind.DELETE;
            default:
                return RowKind.INSERT;
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
