package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.source.shared.SplitListIO;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Versioned serializer for {@link SnapshotEnumeratorState}. Version 1: planned flag, then each
 * remaining split with its own serializer version.
 */
@Internal
public final class SnapshotEnumeratorStateSerializer
        implements SimpleVersionedSerializer<SnapshotEnumeratorState> {
    public static final int VERSION_1 = 1;
    public static final int CURRENT_VERSION = VERSION_1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(SnapshotEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeBoolean(state.isPlanned());
        SplitListIO.write(out, SnapshotSplitSerializer.INSTANCE, state.getRemainingSplits());
        return out.getCopyOfBuffer();
    }

    @Override
    public SnapshotEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return readVersion1(serialized);
            default:
                throw SplitListIO.unknownVersion(
                        "ZooKeeper enumerator state", version, CURRENT_VERSION);
        }
    }

    private static SnapshotEnumeratorState readVersion1(byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean planned = in.readBoolean();
        return new SnapshotEnumeratorState(
                SplitListIO.read(in, SnapshotSplitSerializer.INSTANCE), planned);
    }
}
