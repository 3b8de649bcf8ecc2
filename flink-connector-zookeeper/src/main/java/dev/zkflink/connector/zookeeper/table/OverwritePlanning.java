package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperOverwriteSink;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;

/**
 * Plans {@code INSERT OVERWRITE}: the sink that deletes the stale rows at the end of input, at
 * parallelism 1 ({@link ZooKeeperOverwriteSink} says why), or a clear refusal where it cannot work.
 */
final class OverwritePlanning {
    private OverwritePlanning() {}

    static DynamicTableSink.SinkRuntimeProvider provider(
            DynamicTableSink.Context context,
            ZooKeeperWriteOptions options,
            ZNodeTreeLayout layout,
            ZooKeeperRowDataSerializer serializer) {
        if (!context.isBounded()) {
            throw new ValidationException(
                    String.format(
                            "INSERT OVERWRITE into the 'zookeeper' table at '%s' runs only in batch mode"
                                    + " ('execution.runtime-mode' = 'batch'): the rows not in the result"
                                    + " are deleted when the input ends, and a streaming input does not end.",
                            layout.getRootPath()));
        }
        if (options.getCreateMode().isSequential() || options.getCreateMode().isEphemeral()) {
            throw new ValidationException(
                    String.format(
                            "INSERT OVERWRITE is not supported with 'sink.create-mode' = '%s': %s",
                            options.getCreateMode(),
                            options.getCreateMode().isSequential()
                                    ? "every row creates a new node, so no row of the result names"
                                            + " a node to keep."
                                    : "the written nodes would be ephemeral nodes of the"
                                            + " statement's own session and vanish when it ends."));
        }
        if (options.getDeliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new ValidationException(
                    String.format(
                            "INSERT OVERWRITE into the 'zookeeper' table at '%s' cannot use"
                                    + " 'sink.delivery-guarantee' = 'exactly-once': the rows not in the result"
                                    + " can only be deleted after every row of it is written, and with"
                                    + " exactly-once the rows are written by the committer, after the writer"
                                    + " has ended. Use 'at-least-once' for the statement (in batch mode a"
                                    + " failed writer starts again from the beginning of its input, and the"
                                    + " stale rows are deleted only once the whole result is written), for"
                                    + " example with an OPTIONS hint:"
                                    + " INSERT OVERWRITE t /*+ OPTIONS('sink.delivery-guarantee'='at-least-once') */ SELECT ...",
                            layout.getRootPath()));
        }
        return SinkV2Provider.of(
                new ZooKeeperOverwriteSink<RowData>(options, layout, serializer),
                ZooKeeperOverwriteSink.PARALLELISM);
    }
}
