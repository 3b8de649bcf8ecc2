package dev.zkflink.connector.zookeeper.source.snapshot;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/**
 * Versioned serializer for {@link SnapshotSplit}.
 *
 * <ul>
 *   <li>Version 1: id, entries, nodes emitted, counted in the breadth-first walk order.
 *   <li>Version 2: the same bytes; nodes emitted are counted in the depth-first block order of
 *       {@code SubtreeWalker}. Version 1 splits are marked {@link
 *       SnapshotSplit#countedInAnOlderOrder()}.
 * </ul>
 */
@Internal
public final class SnapshotSplitSerializer implements SimpleVersionedSerializer<SnapshotSplit> {
    public static final SnapshotSplitSerializer INSTANCE = new SnapshotSplitSerializer();
    public static final int VERSION_1 = 1;
    public static final int VERSION_2 = 2;
    public static final int CURRENT_VERSION = VERSION_2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(SnapshotSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        write(out, split);
        return out.getCopyOfBuffer();
    }

    @Override
    public SnapshotSplit deserialize(int version, byte[] serialized) throws IOException {
        boolean olderOrder;
        switch (version) {
            case VERSION_1:
                olderOrder = true;
                break;
            case VERSION_2:
                olderOrder = false;
                break;
            default:
                throw new IOException(
                        "Unknown SnapshotSplit serializer version "
                                + version
                                + " (this build reads "
                                + VERSION_1
                                + " to "
                                + CURRENT_VERSION
                                + ")");
        }
        SnapshotSplit split = read(new DataInputDeserializer(serialized));
        return new SnapshotSplit(
                split.splitId(), split.getEntries(), split.getNodesEmitted(), olderOrder);
    }

    static void write(DataOutputSerializer out, SnapshotSplit split) throws IOException {
        BinaryIO.writeString(out, split.splitId());
        BinaryIO.writeEntries(out, split.getEntries());
        out.writeLong(split.getNodesEmitted());
    }

    static SnapshotSplit read(DataInputDeserializer in) throws IOException {
        String id = BinaryIO.readString(in);
        return new SnapshotSplit(id, BinaryIO.readEntries(in), in.readLong());
    }
}
