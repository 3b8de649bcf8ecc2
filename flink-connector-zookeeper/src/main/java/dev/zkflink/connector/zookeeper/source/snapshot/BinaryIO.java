package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Length-prefixed UTF-8 strings (znode paths can exceed {@code writeUTF}'s 64 KiB). */
final class BinaryIO {
    private BinaryIO() {}

    static void writeString(DataOutputSerializer out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputDeserializer in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void writeEntries(DataOutputSerializer out, List<SplitEntry> entries)
            throws IOException {
        out.writeInt(entries.size());
        for (SplitEntry e : entries) {
            writeString(out, e.getRelativePath());
            out.writeBoolean(e.isWithDescendants());
        }
    }

    static List<SplitEntry> readEntries(DataInputDeserializer in) throws IOException {
        int n = in.readInt();
        List<SplitEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new SplitEntry(readString(in), in.readBoolean()));
        }
        return entries;
    }
}
