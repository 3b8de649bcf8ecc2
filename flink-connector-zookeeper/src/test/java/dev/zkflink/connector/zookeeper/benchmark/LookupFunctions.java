package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.LookupTableSource;
import org.apache.flink.table.connector.source.lookup.LookupFunctionProvider;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.LookupFunction;
import org.apache.flink.table.runtime.connector.source.LookupRuntimeProviderContext;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The connector's own sync lookup function for {@code (p STRING, n STRING, v STRING, PRIMARY KEY
 * (p, n))}, looked up by the full key, made the way the planner makes it: the table factory creates
 * the table source from its options, and the source's {@code getLookupRuntimeProvider} gives the
 * function. Opened outside Flink's runtime, so it is timed without Flink's per-row work.
 */
final class LookupFunctions {
    private LookupFunctions() {}

    /** Opens the lookup function of a table with {@code options} (connector, hosts, path, ...). */
    static LookupFunction open(Map<String, String> options) throws Exception {
        ResolvedSchema schema =
                new ResolvedSchema(
                        Arrays.asList(
                                Column.physical("p", DataTypes.STRING().notNull()),
                                Column.physical("n", DataTypes.STRING().notNull()),
                                Column.physical("v", DataTypes.STRING())),
                        Collections.emptyList(),
                        UniqueConstraint.primaryKey("pk", Arrays.asList("p", "n")));
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .options(new HashMap<>(options))
                        .build();
        ClassLoader loader = LookupFunctions.class.getClassLoader();
        DynamicTableSource source =
                FactoryUtil.createDynamicTableSource(
                        null,
                        ObjectIdentifier.of("default_catalog", "default_database", "kv"),
                        new ResolvedCatalogTable(table, schema),
                        Collections.emptyMap(),
                        new Configuration(),
                        loader,
                        true);
        LookupTableSource.LookupRuntimeProvider provider =
                ((LookupTableSource) source)
                        .getLookupRuntimeProvider(
                                new LookupRuntimeProviderContext(new int[][] {{0}, {1}}, false));
        LookupFunction function = ((LookupFunctionProvider) provider).createLookupFunction();
        function.open(new FunctionContext(null, loader, null));
        return function;
    }
}
