package dev.zkflink.connector.zookeeper.source.split;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;

/** Versioned serializer for {@link ZooKeeperSplit}. Version 1: id, entries, nodes emitted. */
public final class ZooKeeperSplitSerializer implements SimpleVersionedSerializer<ZooKeeperSplit> {
    public static final ZooKeeperSplitSerializer INSTANCE = new ZooKeeperSplitSerializer();
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ZooKeeperSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        write(out, split);
        return out.getCopyOfBuffer();
    }

    @Override
    public ZooKeeperSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown ZooKeeperSplit serializer version "
                            + version
                            + " (this build reads "
                            + VERSION
                            + ")");
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(DataOutputSerializer out, ZooKeeperSplit split) throws IOException {
        BinaryIO.writeString(out, split.splitId());
        BinaryIO.writeEntries(out, split.getEntries());
        out.writeLong(split.getNodesEmitted());
    }

    static ZooKeeperSplit read(DataInputDeserializer in) throws IOException {
        String id = BinaryIO.readString(in);
        return new ZooKeeperSplit(id, BinaryIO.readEntries(in), in.readLong());
    }
}
