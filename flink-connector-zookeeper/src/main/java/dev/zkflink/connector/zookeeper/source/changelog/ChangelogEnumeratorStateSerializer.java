package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.source.shared.SplitListIO;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/** Version 1: bucket count, then the unassigned splits with their own serializer version. */
@Internal
public final class ChangelogEnumeratorStateSerializer
        implements SimpleVersionedSerializer<ChangelogEnumeratorState> {
    public static final int VERSION_1 = 1;
    public static final int CURRENT_VERSION = VERSION_1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
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
        switch (version) {
            case VERSION_1:
                return readVersion1(serialized);
            default:
                throw SplitListIO.unknownVersion(
                        "ZooKeeper changelog enumerator state", version, CURRENT_VERSION);
        }
    }

    private static ChangelogEnumeratorState readVersion1(byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int numBuckets = in.readInt();
        return new ChangelogEnumeratorState(
                numBuckets, SplitListIO.read(in, BucketSplitSerializer.INSTANCE));
    }
}
