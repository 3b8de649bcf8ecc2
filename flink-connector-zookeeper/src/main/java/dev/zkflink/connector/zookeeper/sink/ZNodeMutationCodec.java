package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint form of a list of mutations, shared by the committable and the writer state.
 *
 * <p>Version 1 (committables only): {@code int count}, then per mutation {@code boolean delete},
 * the absolute path ({@code writeUTF}) and, for an upsert, {@code int length} and the data bytes.
 *
 * <p>Version 2: {@code int count}, then per mutation a flags byte (bit 0 delete, bit 1 an expected
 * version follows, bit 2 a TTL follows, bit 3 a sequence guard follows), the path ({@code
 * writeUTF}), {@code int} expected version, {@code long} TTL in milliseconds, the guard ({@code
 * writeUTF}), and for an upsert {@code int length} and the data bytes.
 */
final class ZNodeMutationCodec {
    static final int VERSION_1 = 1;
    static final int VERSION_2 = 2;

    private static final int DELETE = 1;
    private static final int CONDITIONAL = 2;
    private static final int TTL = 4;
    private static final int GUARD = 8;

    private ZNodeMutationCodec() {}

    static void writeVersion2(List<ZNodeMutation> mutations, DataOutputView out)
            throws IOException {
        out.writeInt(mutations.size());
        for (ZNodeMutation m : mutations) {
            int flags =
                    (m.isDelete() ? DELETE : 0)
                            | (m.isConditional() ? CONDITIONAL : 0)
                            | (m.getTtlMillis() != ZNodeMutation.TABLE_TTL ? TTL : 0)
                            | (m.getSequenceGuard() != null ? GUARD : 0);
            out.writeByte(flags);
            out.writeUTF(m.getPath());
            if (m.isConditional()) {
                out.writeInt(m.getExpectedVersion());
            }
            if ((flags & TTL) != 0) {
                out.writeLong(m.getTtlMillis());
            }
            if (m.getSequenceGuard() != null) {
                out.writeUTF(m.getSequenceGuard());
            }
            if (!m.isDelete()) {
                out.writeInt(m.getData().length);
                out.write(m.getData());
            }
        }
    }

    static List<ZNodeMutation> read(int version, DataInputView in) throws IOException {
        switch (version) {
            case VERSION_1:
                return readVersion1(in);
            case VERSION_2:
                return readVersion2(in);
            default:
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of ZooKeeper sink state; this connector reads up to "
                                + VERSION_2
                                + ".");
        }
    }

    private static List<ZNodeMutation> readVersion1(DataInputView in) throws IOException {
        int count = in.readInt();
        List<ZNodeMutation> mutations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean delete = in.readBoolean();
            String path = in.readUTF();
            if (delete) {
                mutations.add(ZNodeMutation.delete(path));
            } else {
                mutations.add(ZNodeMutation.upsert(path, readData(in)));
            }
        }
        return mutations;
    }

    private static List<ZNodeMutation> readVersion2(DataInputView in) throws IOException {
        int count = in.readInt();
        List<ZNodeMutation> mutations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flags = in.readByte();
            String path = in.readUTF();
            int version = (flags & CONDITIONAL) != 0 ? in.readInt() : ZNodeMutation.ANY_VERSION;
            long ttl = (flags & TTL) != 0 ? in.readLong() : ZNodeMutation.TABLE_TTL;
            String guard = (flags & GUARD) != 0 ? in.readUTF() : null;
            if ((flags & DELETE) != 0) {
                mutations.add(ZNodeMutation.delete(path, version));
            } else {
                ZNodeMutation m = ZNodeMutation.upsert(path, readData(in), version, ttl);
                mutations.add(guard == null ? m : m.withSequenceGuard(guard));
            }
        }
        return mutations;
    }

    private static byte[] readData(DataInputView in) throws IOException {
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return data;
    }
}
