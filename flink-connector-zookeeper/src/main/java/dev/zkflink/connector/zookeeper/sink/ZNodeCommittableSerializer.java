package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoint form of a {@link ZNodeCommittable}.
 *
 * <p>Version 1: {@code int count}, then per mutation {@code boolean delete}, the absolute path
 * ({@code writeUTF}) and, for an upsert, {@code int length} and the data bytes.
 */
public final class ZNodeCommittableSerializer
        implements SimpleVersionedSerializer<ZNodeCommittable> {
    static final int VERSION_1 = 1;
    static final int CURRENT_VERSION = VERSION_1;

    /** {@code writeUTF} holds at most this many bytes; writers refuse longer paths up front. */
    static final int MAX_PATH_BYTES = 65_535;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(ZNodeCommittable committable) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        List<ZNodeMutation> mutations = committable.getMutations();
        out.writeInt(mutations.size());
        for (ZNodeMutation m : mutations) {
            out.writeBoolean(m.isDelete());
            out.writeUTF(m.getPath());
            if (!m.isDelete()) {
                out.writeInt(m.getData().length);
                out.write(m.getData());
            }
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public ZNodeCommittable deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return readVersion1(new DataInputDeserializer(serialized));
            default:
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of a ZooKeeper sink committable; this connector reads up to "
                                + CURRENT_VERSION
                                + ".");
        }
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

    private static ZNodeCommittable readVersion1(DataInputDeserializer in) throws IOException {
        int count = in.readInt();
        List<ZNodeMutation> mutations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean delete = in.readBoolean();
            String path = in.readUTF();
            if (delete) {
                mutations.add(ZNodeMutation.delete(path));
            } else {
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                mutations.add(ZNodeMutation.upsert(path, data));
            }
        }
        return new ZNodeCommittable(mutations);
    }
}
