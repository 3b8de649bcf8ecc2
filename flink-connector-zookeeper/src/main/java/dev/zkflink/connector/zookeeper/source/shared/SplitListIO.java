package dev.zkflink.connector.zookeeper.source.shared;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits inside enumerator state: the split serializer's version, the count, then each split
 * length-prefixed, so the split format can change without a new enumerator state version.
 */
@Internal
public final class SplitListIO {
    private SplitListIO() {}

    public static <S> void write(
            DataOutputSerializer out, SimpleVersionedSerializer<S> serializer, List<S> splits)
            throws IOException {
        out.writeInt(serializer.getVersion());
        out.writeInt(splits.size());
        for (S split : splits) {
            byte[] bytes = serializer.serialize(split);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    public static <S> List<S> read(
            DataInputDeserializer in, SimpleVersionedSerializer<S> serializer) throws IOException {
        int version = in.readInt();
        int n = in.readInt();
        List<S> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            splits.add(serializer.deserialize(version, bytes));
        }
        return splits;
    }

    /** The error for a state version this build cannot read. */
    public static IOException unknownVersion(String what, int version, int supported) {
        return new IOException(
                "Unknown "
                        + what
                        + " version "
                        + version
                        + " (this build reads "
                        + supported
                        + ")");
    }
}
