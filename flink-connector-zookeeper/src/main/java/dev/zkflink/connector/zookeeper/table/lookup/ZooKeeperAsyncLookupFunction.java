package dev.zkflink.connector.zookeeper.table.lookup;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncLookupFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Non-blocking lookups against a ZooKeeper table ('lookup.async' = 'true'), pipelined on the shared
 * session; Flink's {@code table.exec.async-lookup.buffer-capacity} bounds how many are open per
 * subtask.
 */
@Internal
public final class ZooKeeperAsyncLookupFunction extends AsyncLookupFunction {
    private static final long serialVersionUID = 1L;

    private final ZooKeeperLookupTable table;
    private transient ZooKeeperLookups lookups;

    public ZooKeeperAsyncLookupFunction(ZooKeeperLookupTable table) {
        this.table = table;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        lookups = new ZooKeeperLookups(table);
        lookups.open(context, true);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncLookup(RowData keyRow) {
        return lookups.lookupAsync(keyRow);
    }

    @Override
    public void close() {
        if (lookups != null) {
            lookups.close();
        }
    }
}
