package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.util.Collector;

/** Decodes nodes into records and advances the split's progress. */
final class SnapshotRecordEmitter<T> implements RecordEmitter<ZNodeRecord, T, SnapshotSplitState> {
    private final ZNodeDeserializer<T> deserializer;
    private final OutputCollector<T> collector = new OutputCollector<>();

    SnapshotRecordEmitter(ZNodeDeserializer<T> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void emitRecord(ZNodeRecord node, SourceOutput<T> output, SnapshotSplitState state)
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
