package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperExactlyOnceSink;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperSink;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.sink.abilities.SupportsDeletePushDown;
import org.apache.flink.table.connector.sink.abilities.SupportsOverwrite;
import org.apache.flink.table.connector.sink.abilities.SupportsTruncate;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
import org.apache.flink.types.RowKind;

import javax.annotation.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * Upsert sink side of a {@code 'connector' = 'zookeeper'} table, with the batch statements that
 * need no row-level read: {@code TRUNCATE TABLE} and pushed-down {@code DELETE} ({@link
 * RowLevelDeletes}), and {@code INSERT OVERWRITE} ({@link OverwritePlanning}).
 */
final class ZooKeeperDynamicTableSink
        implements DynamicTableSink, SupportsTruncate, SupportsDeletePushDown, SupportsOverwrite {
    private final ZooKeeperTableColumns columns;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperWriteOptions writeOptions;
    @Nullable private final EncodingFormat<SerializationSchema<RowData>> valueFormat;
    private final String formatName;
    @Nullable private final Integer parallelism;
    private boolean overwrite;
    @Nullable private DeletePushDownPlan deletePlan;

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
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        // Upsert by primary key: UPDATE_BEFORE carries nothing a znode needs, and a delete needs
        // only the key. Accepting key-only deletes keeps the planner from adding a
        // ChangelogNormalize in front of the sink for an upsert source (such as a live zookeeper
        // table): its hash exchange would reorder rows of different keys, and a relative-path
        // sink's subtree delete depends on the order of a parent's and its children's rows.
        return ChangelogMode.newBuilder()
                .addContainedKind(RowKind.INSERT)
                .addContainedKind(RowKind.UPDATE_AFTER)
                .addContainedKind(RowKind.DELETE)
                .keyOnlyDeletes(true)
                .build();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        SerializationSchema<RowData> encoder =
                valueFormat == null || !columns.hasValueColumns()
                        ? null
                        : valueFormat.createRuntimeEncoder(context, columns.valueRowType);
        ZooKeeperRowDataSerializer serializer =
                new ZooKeeperRowDataSerializer(
                        columns.keyCodec(layout), columns.valuePositions, encoder, formatName);
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
