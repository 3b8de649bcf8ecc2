package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplitState;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

/** Decodes nodes into records and advances the split's progress. */
final class ZooKeeperRecordEmitter<T>
        implements RecordEmitter<ZNodeRecord, T, ZooKeeperSplitState> {
    private final ZNodeDeserializer<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    ZooKeeperRecordEmitter(ZNodeDeserializer<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(ZNodeRecord node, SourceOutput<T> output, ZooKeeperSplitState state)
            throws Exception {
        collector.output = output;
        deserializer.deserialize(node, collector);
        state.nodeEmitted();
    }

    private static final class OutputCollector<T> implements Collector<T> {
        SourceOutput<T> output;

        @Override
        public void collect(T record) {
            output.collect(record);
        }

        @Override
        public void close() {}
    }
}
