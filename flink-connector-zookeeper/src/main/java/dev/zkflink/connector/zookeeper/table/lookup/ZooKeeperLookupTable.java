package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Everything a lookup subtask needs, fixed at planning: the tree, how to connect and read, how a
 * node becomes a row, which nodes a key names, the cache settings, and the identity that lets the
 * subtasks of one lookup join in a TaskManager share one cache.
 */
@Internal
public final class ZooKeeperLookupTable implements Serializable {
    private static final long serialVersionUID = 1L;

    final ZNodeTreeLayout layout;
    final ZooKeeperReadOptions read;
    final ZNodeDeserializer<RowData> deserializer;
    final LookupKeyPlan keys;
    final ZooKeeperLookupOptions lookup;
    final boolean trackChildren;
    final ZNodePathFilter pathFilter;

    /** The same in every subtask of one lookup join, different for every other one. */
    final String cacheId;

    public ZooKeeperLookupTable(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions read,
            ZNodeDeserializer<RowData> deserializer,
            LookupKeyPlan keys,
            ZooKeeperLookupOptions lookup,
            boolean trackChildren,
            ZNodePathFilter pathFilter,
            String cacheId) {
        this.layout = layout;
        this.read = read;
        this.deserializer = deserializer;
        this.keys = keys;
        this.lookup = lookup;
        this.trackChildren = trackChildren;
        this.pathFilter = pathFilter;
        this.cacheId = cacheId;
    }

    void openDeserializer(FunctionContext context) throws Exception {
        MetricGroup metrics = context.getMetricGroup();
        UserCodeClassLoader loader =
                SimpleUserCodeClassLoader.create(context.getUserCodeClassLoader());
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return metrics;
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return loader;
                    }
                });
    }

    /**
     * The row of a node, or none: the filters pushed into the table exclude it, or the format
     * skipped its data ({@code json.ignore-parse-errors}), which a lookup treats as a missing row.
     */
    RowData decode(ZNodeRecord node) throws IOException {
        if (!pathFilter.accepts(node.getRelativePath())) {
            return null;
        }
        OneRow out = new OneRow();
        deserializer.deserialize(node, out);
        return out.row;
    }

    List<RowData> decodeAll(List<ZNodeRecord> nodes) throws IOException {
        List<RowData> rows = new ArrayList<>(nodes.size());
        for (ZNodeRecord node : nodes) {
            RowData row = decode(node);
            if (row != null) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The rows of the key's subtree that also match the join keys checked per row. */
    Collection<RowData> matching(RowData key, Collection<RowData> subtreeRows) {
        if (!keys.hasResidual() || subtreeRows.isEmpty()) {
            return subtreeRows;
        }
        List<RowData> out = new ArrayList<>();
        for (RowData row : subtreeRows) {
            if (keys.matchesResidual(key, row)) {
                out.add(row);
            }
        }
        return out.isEmpty() ? Collections.emptyList() : out;
    }

    private static final class OneRow implements Collector<RowData> {
        RowData row;

        @Override
        public void collect(RowData record) {
            row = record;
        }

        @Override
        public void close() {}
    }
}
