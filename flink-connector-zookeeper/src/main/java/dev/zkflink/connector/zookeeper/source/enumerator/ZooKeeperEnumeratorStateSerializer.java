package dev.zkflink.connector.zookeeper.source.enumerator;

import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplitSerializer;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned serializer for {@link ZooKeeperEnumeratorState}. Version 1: planned flag, then each
 * remaining split with its own serializer version.
 */
public final class ZooKeeperEnumeratorStateSerializer
        implements SimpleVersionedSerializer<ZooKeeperEnumeratorState> {
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(ZooKeeperEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeBoolean(state.isPlanned());
        out.writeInt(ZooKeeperSplitSerializer.VERSION);
        out.writeInt(state.getRemainingSplits().size());
        for (ZooKeeperSplit split : state.getRemainingSplits()) {
            byte[] bytes = ZooKeeperSplitSerializer.INSTANCE.serialize(split);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public ZooKeeperEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown ZooKeeper enumerator state version "
                            + version
                            + " (this build reads "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        boolean planned = in.readBoolean();
        int splitVersion = in.readInt();
        int n = in.readInt();
        List<ZooKeeperSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            splits.add(ZooKeeperSplitSerializer.INSTANCE.deserialize(splitVersion, bytes));
        }
        return new ZooKeeperEnumeratorState(splits, planned);
    }
}
