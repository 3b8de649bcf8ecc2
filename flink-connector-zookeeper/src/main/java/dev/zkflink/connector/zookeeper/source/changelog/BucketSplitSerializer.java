package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Versioned serializer for {@link BucketSplit}.
 *
 * <ul>
 *   <li>Version 1: bucket, bucket count, baseline flag, then the tracked nodes sorted by path. Each
 *       path is stored as the length it shares with the previous path plus the rest (sibling paths
 *       share most of their bytes), and the zxids as variable-length deltas from {@code czxid},
 *       which keeps a tracked node at roughly 20 bytes.
 *   <li>Version 2: as version 1, with the baseline's start zxid plus one (a varint, 0 for "not
 *       started") after the baseline flag. Version 1 state reads as "not started": its restored
 *       baseline starts from the restored reader's watch.
 * </ul>
 */
@Internal
public final class BucketSplitSerializer implements SimpleVersionedSerializer<BucketSplit> {
    public static final BucketSplitSerializer INSTANCE = new BucketSplitSerializer();
    public static final int VERSION_1 = 1;
    public static final int VERSION_2 = 2;
    public static final int CURRENT_VERSION = VERSION_2;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(BucketSplit split) throws IOException {
        Map<String, TrackedNode> tracked = split.getTracked();
        DataOutputSerializer out = new DataOutputSerializer(64 + tracked.size() * 24);
        out.writeInt(split.getBucket());
        out.writeInt(split.getNumBuckets());
        out.writeBoolean(split.isBaselinePending());
        writeVarLong(out, split.getBaselineZxid() + 1);
        List<String> paths = new ArrayList<>(tracked.keySet());
        Collections.sort(paths);
        writeVarLong(out, paths.size());
        byte[] previous = new byte[0];
        for (String path : paths) {
            byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
            int shared = sharedPrefix(previous, bytes);
            writeVarLong(out, shared);
            writeVarLong(out, bytes.length - shared);
            out.write(bytes, shared, bytes.length - shared);
            TrackedNode node = tracked.get(path);
            writeVarLong(out, node.czxid);
            writeVarLong(out, node.mzxid - node.czxid);
            writeVarLong(out, node.pzxid - node.czxid);
            writeVarLong(out, node.mtime);
            previous = bytes;
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public BucketSplit deserialize(int version, byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int bucket = in.readInt();
        int numBuckets = in.readInt();
        boolean baselinePending = in.readBoolean();
        long baselineZxid;
        switch (version) {
            case VERSION_1:
                baselineZxid = BucketSplit.NO_ZXID;
                break;
            case VERSION_2:
                baselineZxid = readVarLong(in) - 1;
                break;
            default:
                throw new IOException(
                        "Unknown BucketSplit serializer version "
                                + version
                                + " (this build reads "
                                + VERSION_1
                                + " to "
                                + CURRENT_VERSION
                                + ")");
        }
        int n = (int) readVarLong(in);
        Map<String, TrackedNode> tracked = new HashMap<>(Math.max(16, n * 4 / 3 + 1));
        byte[] previous = new byte[0];
        for (int i = 0; i < n; i++) {
            int shared = (int) readVarLong(in);
            int rest = (int) readVarLong(in);
            byte[] bytes = new byte[shared + rest];
            System.arraycopy(previous, 0, bytes, 0, shared);
            in.readFully(bytes, shared, rest);
            long czxid = readVarLong(in);
            long mzxid = czxid + readVarLong(in);
            long pzxid = czxid + readVarLong(in);
            long mtime = readVarLong(in);
            tracked.put(
                    new String(bytes, StandardCharsets.UTF_8),
                    new TrackedNode(czxid, mzxid, pzxid, mtime));
            previous = bytes;
        }
        return new BucketSplit(bucket, numBuckets, baselinePending, baselineZxid, tracked);
    }

    private static int sharedPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** Unsigned LEB128; zxids, deltas and times are never negative. */
    static void writeVarLong(DataOutputSerializer out, long value) throws IOException {
        if (value < 0) {
            throw new IOException("Cannot encode negative value " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readVarLong(DataInputDeserializer in) throws IOException {
        long value = 0;
        int shift = 0;
        while (true) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("Malformed variable-length number in BucketSplit state");
            }
        }
    }
}
