package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperSource;
import dev.zkflink.connector.zookeeper.table.lookup.LookupKeyPlan;
import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperAsyncLookupFunction;
import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperLookupFunction;
import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperLookupOptions;
import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperLookupTable;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.LookupTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.connector.source.lookup.AsyncLookupFunctionProvider;
import org.apache.flink.table.connector.source.lookup.LookupFunctionProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Scan side of a {@code 'connector' = 'zookeeper'} table: a bounded snapshot of the tree, or a live
 * changelog of it.
 */
final class ZooKeeperDynamicTableSource
        implements ScanTableSource,
                LookupTableSource,
                SupportsReadingMetadata,
                SupportsWatermarkPushDown {
    private final ZooKeeperTableColumns columns;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions readOptions;
    private final ZooKeeperLookupOptions lookupOptions;
    @Nullable private final DecodingFormat<DeserializationSchema<RowData>> valueFormat;
    private final String formatName;
    private final StartupMode startupMode;
    @Nullable private final Integer parallelism;

    private List<String> metadataKeys = Collections.emptyList();
    private DataType producedDataType;
    @Nullable private WatermarkStrategy<RowData> watermarkStrategy;

    ZooKeeperDynamicTableSource(
            ZooKeeperTableColumns columns,
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions readOptions,
            ZooKeeperLookupOptions lookupOptions,
            @Nullable DecodingFormat<DeserializationSchema<RowData>> valueFormat,
            String formatName,
            StartupMode startupMode,
            @Nullable Integer parallelism) {
        this.columns = columns;
        this.layout = layout;
        this.readOptions = readOptions;
        this.lookupOptions = lookupOptions;
        this.valueFormat = valueFormat;
        this.formatName = formatName;
        this.startupMode = startupMode;
        this.parallelism = parallelism;
        this.producedDataType = columns.physicalRowType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        // A live read is an upsert stream on the primary key (the row's path): inserts, updates
        // with the new row only, and deletes that carry only the key. The planner adds a
        // ChangelogNormalize where a query needs the previous row.
        return startupMode == StartupMode.SNAPSHOT
                ? ChangelogMode.insertOnly()
                : ChangelogMode.upsert(true);
    }

    /**
     * The rows this table produces, for scans and lookups alike: the physical columns, then the
     * selected metadata columns in {@link #metadataKeys} order.
     */
    private ZooKeeperRowDataDeserializer rowDeserializer(DynamicTableSource.Context context) {
        DeserializationSchema<RowData> decoder =
                valueFormat == null || !columns.hasValueColumns()
                        ? null
                        : valueFormat.createRuntimeDecoder(context, columns.valueRowType);
        return new ZooKeeperRowDataDeserializer(
                columns.keyCodec(layout),
                columns.physicalArity,
                columns.valuePositions,
                columns.valueGetters(),
                decoder,
                formatName,
                selectedMetadata(),
                context.createTypeInformation(producedDataType));
    }

    private ZooKeeperReadableMetadata[] selectedMetadata() {
        ZooKeeperReadableMetadata[] metadata = new ZooKeeperReadableMetadata[metadataKeys.size()];
        for (int i = 0; i < metadata.length; i++) {
            metadata[i] = ZooKeeperReadableMetadata.ofKey(metadataKeys.get(i));
        }
        return metadata;
    }

    private boolean tracksChildren() {
        for (ZooKeeperReadableMetadata m : selectedMetadata()) {
            if (m.dependsOnChildren()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public LookupRuntimeProvider getLookupRuntimeProvider(LookupContext context) {
        int[][] keys = context.getKeys();
        int[] lookupKeys = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].length != 1) {
                throw new ValidationException(
                        "A 'zookeeper' table cannot be looked up by a nested field.");
            }
            lookupKeys[i] = keys[i][0];
        }
        List<LogicalType> types = new ArrayList<>();
        for (DataType t : DataType.getFieldDataTypes(producedDataType)) {
            types.add(t.getLogicalType());
        }
        LookupKeyPlan plan =
                LookupKeyPlan.of(
                        layout,
                        columns.keyNames,
                        DataType.getFieldNames(producedDataType),
                        types,
                        lookupKeys);
        ZooKeeperLookupTable table =
                new ZooKeeperLookupTable(
                        layout,
                        readOptions,
                        rowDeserializer(context),
                        plan,
                        lookupOptions,
                        tracksChildren(),
                        ZooKeeperLookupTable.ALL_PATHS,
                        UUID.randomUUID().toString());
        return lookupOptions.isAsync()
                ? AsyncLookupFunctionProvider.of(new ZooKeeperAsyncLookupFunction(table))
                : LookupFunctionProvider.of(new ZooKeeperLookupFunction(table));
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        ZooKeeperRowDataDeserializer deserializer = rowDeserializer(context);
        ZooKeeperReadableMetadata[] metadata = selectedMetadata();
        WatermarkStrategy<RowData> watermarks =
                watermarkStrategy == null ? WatermarkStrategy.noWatermarks() : watermarkStrategy;
        if (startupMode == StartupMode.SNAPSHOT) {
            // "source" is the uid the planner gave this scan as a SourceProvider: savepoints of
            // earlier versions still restore.
            return new FromSourceProvider(
                    new ZooKeeperSource<>(layout, readOptions, deserializer),
                    watermarks,
                    asSummaryString(),
                    "source",
                    parallelism,
                    true);
        }
        boolean trackChildren = false;
        for (ZooKeeperReadableMetadata m : metadata) {
            trackChildren |= m.dependsOnChildren();
        }
        ZooKeeperChangelogSource<RowData> source =
                new ZooKeeperChangelogSource<>(
                        layout,
                        readOptions,
                        deserializer,
                        startupMode == StartupMode.INITIAL,
                        trackChildren);
        return new FromSourceProvider(
                source, watermarks, asSummaryString(), "zookeeper-source", parallelism, false);
    }

    /**
     * Hands the pushed-down watermark strategy to {@code fromSource}, for both the snapshot and the
     * live source. The planner would run a plain {@code SourceProvider} with {@code
     * noWatermarks()}, and a pushed-down WATERMARK would then yield none until the end of input.
     * Watermarks are generated per split (snapshot) or per bucket (live), so a quiet one can go
     * idle on its own ('table.exec.source.idle-timeout', 'scan.watermark.idle-timeout').
     */
    private static final class FromSourceProvider implements DataStreamScanProvider {
        private final Source<RowData, ?, ?> source;
        private final WatermarkStrategy<RowData> watermarks;
        private final String name;
        private final String uidName;
        @Nullable private final Integer parallelism;
        private final boolean bounded;

        FromSourceProvider(
                Source<RowData, ?, ?> source,
                WatermarkStrategy<RowData> watermarks,
                String name,
                String uidName,
                @Nullable Integer parallelism,
                boolean bounded) {
            this.source = source;
            this.watermarks = watermarks;
            this.name = name;
            this.uidName = uidName;
            this.parallelism = parallelism;
            this.bounded = bounded;
        }

        @Override
        public DataStream<RowData> produceDataStream(
                ProviderContext providerContext, StreamExecutionEnvironment env) {
            DataStreamSource<RowData> stream = env.fromSource(source, watermarks, name);
            providerContext.generateUid(uidName).ifPresent(stream::uid);
            if (parallelism != null) {
                stream.setParallelism(parallelism);
            }
            return stream;
        }

        @Override
        public boolean isBounded() {
            return bounded;
        }

        @Override
        public Optional<Integer> getParallelism() {
            return Optional.ofNullable(parallelism);
        }
    }

    @Override
    public void applyWatermark(WatermarkStrategy<RowData> watermarkStrategy) {
        this.watermarkStrategy = watermarkStrategy;
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> m = new LinkedHashMap<>();
        for (ZooKeeperReadableMetadata meta : ZooKeeperReadableMetadata.values()) {
            m.put(meta.getKey(), meta.getDataType());
        }
        return m;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadataKeys = new ArrayList<>(metadataKeys);
        this.producedDataType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        ZooKeeperDynamicTableSource copy =
                new ZooKeeperDynamicTableSource(
                        columns,
                        layout,
                        readOptions,
                        lookupOptions,
                        valueFormat,
                        formatName,
                        startupMode,
                        parallelism);
        copy.metadataKeys = metadataKeys;
        copy.producedDataType = producedDataType;
        copy.watermarkStrategy = watermarkStrategy;
        return copy;
    }

    @Override
    public String asSummaryString() {
        return "ZooKeeper(" + layout + ", " + startupMode + ")";
    }
}
