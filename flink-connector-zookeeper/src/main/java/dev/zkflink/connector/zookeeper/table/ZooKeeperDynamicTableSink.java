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
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

import javax.annotation.Nullable;

/** Upsert sink side of a {@code 'connector' = 'zookeeper'} table. */
final class ZooKeeperDynamicTableSink implements DynamicTableSink {
    private final ZooKeeperTableColumns columns;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperWriteOptions writeOptions;
    @Nullable private final EncodingFormat<SerializationSchema<RowData>> valueFormat;
    private final String formatName;
    @Nullable private final Integer parallelism;

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
        String root = layout.getRootPath();
        if (writeOptions.getDeliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            return SinkV2Provider.of(
                    new ZooKeeperExactlyOnceSink<>(writeOptions, root, serializer), parallelism);
        }
        return SinkV2Provider.of(new ZooKeeperSink<>(writeOptions, root, serializer), parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new ZooKeeperDynamicTableSink(
                columns, layout, writeOptions, valueFormat, formatName, parallelism);
    }

    @Override
    public String asSummaryString() {
        return "ZooKeeper(" + layout + ")";
    }
}
