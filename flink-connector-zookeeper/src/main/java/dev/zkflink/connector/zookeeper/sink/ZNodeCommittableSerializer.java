package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Checkpoint form of a {@link ZNodeCommittable}: the list of its mutations in the layout of {@link
 * ZNodeMutationCodec} (version 2 written; version 1, of earlier releases, still read).
 */
@Internal
public final class ZNodeCommittableSerializer
        implements SimpleVersionedSerializer<ZNodeCommittable> {
    static final int VERSION_1 = ZNodeMutationCodec.VERSION_1;
    static final int VERSION_2 = ZNodeMutationCodec.VERSION_2;
    static final int CURRENT_VERSION = VERSION_2;

    /** {@code writeUTF} holds at most this many bytes; writers refuse longer paths up front. */
    static final int MAX_PATH_BYTES = 65_535;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(ZNodeCommittable committable) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ZNodeMutationCodec.writeVersion2(committable.getMutations(), out);
        return out.getCopyOfBuffer();
    }

    @Override
    public ZNodeCommittable deserialize(int version, byte[] serialized) throws IOException {
        return new ZNodeCommittable(
                ZNodeMutationCodec.read(version, new DataInputDeserializer(serialized)));
    }

    /** Bytes {@code writeUTF} needs for the path (modified UTF-8). */
    static int encodedLength(String path) {
        int bytes = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            bytes += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        return bytes;
    }
}
