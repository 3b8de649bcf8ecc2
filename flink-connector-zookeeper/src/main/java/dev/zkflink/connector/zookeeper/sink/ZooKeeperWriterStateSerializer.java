package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Checkpoint form of a {@link ZooKeeperWriterState}.
 *
 * <p>Version 1: the held ephemeral nodes in the version-2 mutation layout of {@link
 * ZNodeMutationCodec}.
 */
@Internal
public final class ZooKeeperWriterStateSerializer
        implements SimpleVersionedSerializer<ZooKeeperWriterState> {
    static final int VERSION_1 = 1;
    static final int CURRENT_VERSION = VERSION_1;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(ZooKeeperWriterState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ZNodeMutationCodec.writeVersion2(state.getEphemeralNodes(), out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ZooKeeperWriterState deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return new ZooKeeperWriterState(
                        ZNodeMutationCodec.read(
                                ZNodeMutationCodec.VERSION_2,
                                new DataInputDeserializer(serialized)));
            default:
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of a ZooKeeper sink writer's state; this connector reads up to "
                                + CURRENT_VERSION
                                + ".");
        }
    }
}
