package dev.zkflink.connector.zookeeper.source.enumerator;

import dev.zkflink.connector.zookeeper.source.split.BucketSplitSerializer;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

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
        SplitListIO.write(out, BucketSplitSerializer.INSTANCE, state.getUnassigned());
        return out.getCopyOfBuffer();
    }

    @Override
    public ChangelogEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw SplitListIO.unknownVersion(
                    "ZooKeeper changelog enumerator state", version, VERSION);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int numBuckets = in.readInt();
        return new ChangelogEnumeratorState(
                numBuckets, SplitListIO.read(in, BucketSplitSerializer.INSTANCE));
    }
}
