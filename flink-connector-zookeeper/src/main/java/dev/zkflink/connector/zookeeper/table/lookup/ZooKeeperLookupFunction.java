package dev.zkflink.connector.zookeeper.table.lookup;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.LookupFunction;

import java.io.IOException;
import java.util.Collection;

/** Blocking lookups against a ZooKeeper table ('lookup.async' = 'false'). */
@Internal
public final class ZooKeeperLookupFunction extends LookupFunction {
    private static final long serialVersionUID = 1L;

    private final ZooKeeperLookupTable table;
    private transient ZooKeeperLookups lookups;

    public ZooKeeperLookupFunction(ZooKeeperLookupTable table) {
        this.table = table;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        lookups = new ZooKeeperLookups(table);
        lookups.open(context, false);
    }

    @Override
    public Collection<RowData> lookup(RowData keyRow) throws IOException {
        return lookups.lookup(keyRow);
    }

    @Override
    public void close() {
        if (lookups != null) {
            lookups.close();
        }
    }
}
