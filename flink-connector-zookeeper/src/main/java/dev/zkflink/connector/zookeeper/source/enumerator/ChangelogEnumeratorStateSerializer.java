package dev.zkflink.connector.zookeeper.source.enumerator;

import dev.zkflink.connector.zookeeper.source.split.BucketSplit;
import dev.zkflink.connector.zookeeper.source.split.BucketSplitSerializer;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Version 1: bucket count, then the unassigned splits with their own serializer version. */
public final class ChangelogEnumeratorStateSerializer
        implements SimpleVersionedSerializer<ChangelogEnumeratorState> {
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ChangelogEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(state.getNumBuckets());
        out.writeInt(BucketSplitSerializer.VERSION);
        out.writeInt(state.getUnassigned().size());
        for (BucketSplit split : state.getUnassigned()) {
            byte[] bytes = BucketSplitSerializer.INSTANCE.serialize(split);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public ChangelogEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown ZooKeeper changelog enumerator state version "
                            + version
                            + " (this build reads "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int numBuckets = in.readInt();
        int splitVersion = in.readInt();
        int n = in.readInt();
        List<BucketSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            splits.add(BucketSplitSerializer.INSTANCE.deserialize(splitVersion, bytes));
        }
        return new ChangelogEnumeratorState(numBuckets, splits);
    }
}
