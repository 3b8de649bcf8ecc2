package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ReadScope;
import dev.zkflink.connector.zookeeper.source.StartupMode;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;
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
import org.apache.flink.table.connector.source.abilities.SupportsFilterPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsLimitPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.connector.source.abilities.SupportsWatermarkPushDown;
import org.apache.flink.table.connector.source.lookup.AsyncLookupFunctionProvider;
import org.apache.flink.table.connector.source.lookup.LookupFunctionProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.expressions.ResolvedExpression;
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
 * Scan and lookup side of a {@code 'connector' = 'zookeeper'} table: a bounded snapshot of the
 * tree, a live changelog of it, or the right side of a lookup join.
 *
 * <p>Pushdowns narrow what is read: key predicates become a {@link ZNodePathFilter} ({@link
 * KeyFilterPushDown}), a projection without value and metadata columns reads no node data (snapshot
 * only: a live read needs each row's Stat), and a limit lets each snapshot reader stop early.
 */
final class ZooKeeperDynamicTableSource
        implements ScanTableSource,
                LookupTableSource,
                SupportsReadingMetadata,
                SupportsWatermarkPushDown,
                SupportsFilterPushDown,
                SupportsProjectionPushDown,
                SupportsLimitPushDown {
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

    private ZNodePathFilter pathFilter = ZNodePathFilter.all();

    /** Physical column indexes the query reads, in produced order; null for all of them. */
    @Nullable private int[] projectedFields;

    private long limit = ReadScope.NO_LIMIT;

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
                : ChangelogModes.upsertWithKeyOnlyDeletes();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        ZooKeeperRowDataDeserializer deserializer = createRowDeserializer(context);
        WatermarkStrategy<RowData> watermarks =
                watermarkStrategy == null ? WatermarkStrategy.noWatermarks() : watermarkStrategy;
        if (startupMode == StartupMode.SNAPSHOT) {
            // "source" is the uid the planner gave this scan as a SourceProvider: savepoints of
            // earlier versions still restore.
            return new FromSourceProvider(
                    new ZooKeeperSnapshotSource<>(
                            layout, readOptions, deserializer, snapshotScope()),
                    watermarks,
                    asSummaryString(),
                    "source",
                    parallelism,
                    true);
        }
        boolean trackChildren = false;
        for (String key : metadataKeys) {
            trackChildren |= ZooKeeperReadableMetadata.ofKey(key).dependsOnChildren();
        }
        ZooKeeperChangelogSource<RowData> source =
                new ZooKeeperChangelogSource<>(
                        layout,
                        readOptions,
                        deserializer,
                        startupMode == StartupMode.INITIAL,
                        trackChildren,
                        pathFilter);
        return new FromSourceProvider(
                source, watermarks, asSummaryString(), "zookeeper-source", parallelism, false);
    }

    /**
     * The row deserializer for a read in {@code context}. Row layout: the projected physical
     * columns in projection order (all physical columns in schema order without a projection), then
     * the metadata columns in {@link #applyReadableMetadata} order. Value columns are decoded only
     * when one of them is projected.
     */
    ZooKeeperRowDataDeserializer createRowDeserializer(DynamicTableSource.Context context) {
        ProjectedColumns projected = new ProjectedColumns(columns, projectedFields);
        DeserializationSchema<RowData> decoder =
                valueFormat == null || !projected.readsValueColumns()
                        ? null
                        : valueFormat.createRuntimeDecoder(context, columns.valueRowType);
        ZooKeeperReadableMetadata[] metadata = new ZooKeeperReadableMetadata[metadataKeys.size()];
        for (int i = 0; i < metadata.length; i++) {
            metadata[i] = ZooKeeperReadableMetadata.ofKey(metadataKeys.get(i));
        }
        return new ZooKeeperRowDataDeserializer(
                new KeyPathCodec(layout, columns.keyNames, projected.keyPositions()),
                projected.arity(),
                projected.valuePositions(),
                projected.valueGetters(),
                decoder,
                formatName,
                metadata,
                context.createTypeInformation(producedDataType));
    }

    private boolean tracksChildren() {
        for (String key : metadataKeys) {
            if (ZooKeeperReadableMetadata.ofKey(key).dependsOnChildren()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lookups return rows in the same layout as scans (projection included) and apply every filter
     * pushed into the table: a row outside the path filter is never returned.
     */
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
                        createRowDeserializer(context),
                        plan,
                        lookupOptions,
                        tracksChildren(),
                        pathFilter,
                        UUID.randomUUID().toString());
        return lookupOptions.isAsync()
                ? AsyncLookupFunctionProvider.of(new ZooKeeperAsyncLookupFunction(table))
                : LookupFunctionProvider.of(new ZooKeeperLookupFunction(table));
    }

    /** Whether rows need node data or Stats: a value column read, or any metadata column. */
    private boolean needsNodeData() {
        return !metadataKeys.isEmpty()
                || (valueFormat != null
                        && new ProjectedColumns(columns, projectedFields).readsValueColumns());
    }

    /** What a snapshot reads; a live read uses the path filter only. */
    private ReadScope snapshotScope() {
        ReadScope scope = ReadScope.everything().withFilter(pathFilter).withLimit(limit);
        return needsNodeData() ? scope : scope.withoutData();
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
    public Result applyFilters(List<ResolvedExpression> filters) {
        KeyFilterPushDown.Outcome pushed =
                new KeyFilterPushDown(layout, columns.keyNames).apply(filters);
        pathFilter = pathFilter.and(pushed.filter);
        return Result.of(pushed.accepted, pushed.remaining);
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        int[] fields = new int[projectedFields.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = projectedFields[i][0];
        }
        this.projectedFields = fields;
        this.producedDataType = producedDataType;
    }

    /** Snapshot reads only: a live read never ends, and the planner keeps its own limit anyway. */
    @Override
    public void applyLimit(long limit) {
        this.limit = limit;
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
        copy.pathFilter = pathFilter;
        copy.projectedFields = projectedFields;
        copy.limit = limit;
        return copy;
    }

    /**
     * {@code ZooKeeper(levels(/flags, depth=2), SNAPSHOT, filter=[prefixes=[a]], keys only,
     * limit=10)}: the layout, the startup mode and what was pushed down. No hosts, no credentials.
     */
    @Override
    public String asSummaryString() {
        String pushed =
                startupMode == StartupMode.SNAPSHOT
                        ? snapshotScope().describe()
                        : ReadScope.everything().withFilter(pathFilter).describe();
        return "ZooKeeper("
                + layout
                + ", "
                + startupMode
                + (pushed.isEmpty() ? "" : ", " + pushed)
                + ")";
    }
}
