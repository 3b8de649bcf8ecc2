package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperExactlyOnceSink;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperSink;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.RowLevelModificationScanContext;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsDeletePushDown;
import org.apache.flink.table.connector.sink.abilities.SupportsOverwrite;
import org.apache.flink.table.connector.sink.abilities.SupportsRowLevelDelete;
import org.apache.flink.table.connector.sink.abilities.SupportsRowLevelUpdate;
import org.apache.flink.table.connector.sink.abilities.SupportsTruncate;
import org.apache.flink.table.connector.sink.abilities.SupportsWritingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.RowKind;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upsert sink side of a {@code 'connector' = 'zookeeper'} table, with the batch statements: {@code
 * TRUNCATE TABLE} and pushed-down {@code DELETE} ({@link RowLevelDeletes}), row-level {@code
 * DELETE} and {@code UPDATE} ({@link RowLevelModifications}), and {@code INSERT OVERWRITE} ({@link
 * OverwritePlanning}).
 */
final class ZooKeeperDynamicTableSink
        implements DynamicTableSink,
                SupportsWritingMetadata,
                SupportsRowLevelDelete,
                SupportsRowLevelUpdate,
                SupportsTruncate,
                SupportsDeletePushDown,
                SupportsOverwrite {
    private final ZooKeeperTableColumns columns;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperWriteOptions writeOptions;
    @Nullable private final EncodingFormat<SerializationSchema<RowData>> valueFormat;
    private final String formatName;
    @Nullable private final Integer parallelism;
    private boolean overwrite;
    @Nullable private DeletePushDownPlan deletePlan;

    /** Written metadata keys, in the order their columns follow the physical ones. */
    private List<String> metadataKeys = Collections.emptyList();

    ZooKeeperDynamicTableSink(
            ZooKeeperTableColumns columns,
            ZNodeTreeLayout layout,
            ZooKeeperWriteOptions writeOptions,
            @Nullable EncodingFormat<SerializationSchema<RowData>> valueFormat,
            String formatName,
            @Nullable Integer parallelism) {
        this.columns = columns;
        this.layout = layout;
        this.writeOptions = writeOptions;
        this.valueFormat = valueFormat;
        this.formatName = formatName;
        this.parallelism = parallelism;
    }

    @Override
    public Map<String, DataType> listWritableMetadata() {
        Map<String, DataType> keys = new LinkedHashMap<>();
        for (ZooKeeperWritableMetadata m : ZooKeeperWritableMetadata.values()) {
            keys.put(m.getKey(), m.getDataType());
        }
        return keys;
    }

    @Override
    public void applyWritableMetadata(List<String> metadataKeys, DataType consumedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
        if (metadataKeys.contains(ZooKeeperWritableMetadata.TTL.getKey())
                && !writeOptions.getCreateMode().isTtl()) {
            throw new ValidationException(
                    String.format(
                            "The table writes the 'ttl' metadata column, but 'sink.create-mode' ="
                                    + " '%s' creates nodes without a TTL. Use 'persistent-with-ttl' or"
                                    + " 'persistent-sequential-with-ttl', or declare the column"
                                    + " VIRTUAL.",
                            writeOptions.getCreateMode()));
        }
    }

    @Override
    public RowLevelDeleteInfo applyRowLevelDelete(
            @Nullable RowLevelModificationScanContext context) {
        return RowLevelModifications.delete(writeOptions.getCreateMode(), layout);
    }

    @Override
    public RowLevelUpdateInfo applyRowLevelUpdate(
            List<Column> updatedColumns, @Nullable RowLevelModificationScanContext context) {
        return RowLevelModifications.update(
                writeOptions.getCreateMode(), columns.keyNames, updatedColumns);
    }

    private int metadataPosition(ZooKeeperWritableMetadata key) {
        int i = metadataKeys.indexOf(key.getKey());
        return i < 0 ? -1 : columns.physicalArity + i;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        if (writeOptions.getCreateMode().isSequential()
                && !requestedMode.containsOnly(RowKind.INSERT)) {
            throw new ValidationException(
                    String.format(
                            "'sink.create-mode' = '%s' is insert-only: every row creates a new node"
                                    + " (the key is its name prefix), so there is no node of a key to"
                                    + " update or delete, but the query produces %s rows.",
                            writeOptions.getCreateMode(), requestedMode.getContainedKinds()));
        }
        if (writeOptions.getCreateMode().isSequential()) {
            return ChangelogMode.insertOnly();
        }
        // Upsert by primary key: UPDATE_BEFORE carries nothing a znode needs, and a delete needs
        // only the key. Accepting key-only deletes keeps the planner from adding a
        // ChangelogNormalize in front of the sink for an upsert source (such as a live zookeeper
        // table): its hash exchange would reorder rows of different keys, and a relative-path
        // sink's subtree delete depends on the order of a parent's and its children's rows.
        return ChangelogModes.upsertWithKeyOnlyDeletes();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        SerializationSchema<RowData> encoder =
                valueFormat == null || !columns.hasValueColumns()
                        ? null
                        : valueFormat.createRuntimeEncoder(context, columns.valueRowType);
        if (writeOptions.getCreateMode().isTtl()
                && writeOptions.getTtl() == null
                && metadataPosition(ZooKeeperWritableMetadata.TTL) < 0) {
            throw new ValidationException(
                    String.format(
                            "'sink.create-mode' = '%s' needs a TTL: set 'sink.ttl', or write a 'ttl'"
                                    + " metadata column (BIGINT, milliseconds).",
                            writeOptions.getCreateMode()));
        }
        ZooKeeperRowDataSerializer serializer =
                new ZooKeeperRowDataSerializer(
                        columns.keyCodec(layout),
                        columns.valuePositions,
                        encoder,
                        formatName,
                        metadataPosition(ZooKeeperWritableMetadata.VERSION),
                        metadataPosition(ZooKeeperWritableMetadata.TTL));
        if (overwrite) {
            return OverwritePlanning.provider(context, writeOptions, layout, serializer);
        }
        String root = layout.getRootPath();
        if (writeOptions.getDeliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            return SinkV2Provider.of(
                    new ZooKeeperExactlyOnceSink<>(writeOptions, root, serializer), parallelism);
        }
        return SinkV2Provider.of(new ZooKeeperSink<>(writeOptions, root, serializer), parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        ZooKeeperDynamicTableSink copy =
                new ZooKeeperDynamicTableSink(
                        columns, layout, writeOptions, valueFormat, formatName, parallelism);
        copy.metadataKeys = metadataKeys;
        copy.overwrite = overwrite;
        copy.deletePlan = deletePlan;
        return copy;
    }

    @Override
    public void executeTruncation() {
        RowLevelDeletes.truncate(writeOptions, layout);
    }

    @Override
    public boolean applyDeleteFilters(List<ResolvedExpression> filters) {
        deletePlan = DeletePushDownPlan.of(layout, columns.keyNames, filters);
        return deletePlan != null;
    }

    @Override
    public Optional<Long> executeDeletion() {
        return Optional.of(RowLevelDeletes.delete(writeOptions, layout, deletePlan));
    }

    @Override
    public void applyOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
    }

    @Override
    public String asSummaryString() {
        return "ZooKeeper(" + layout + ")";
    }
}
