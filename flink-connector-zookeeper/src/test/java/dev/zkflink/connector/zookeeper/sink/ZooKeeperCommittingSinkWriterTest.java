package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exactly-once writer buffers without a session: what it hands to the committer. */
class ZooKeeperCommittingSinkWriterTest {

    /** Rows are "path=data" upserts or "-path" deletes, relative to /t. */
    private static ZooKeeperCommittingSinkWriter<String> writer() {
        ZooKeeperWriteOptions options =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("127.0.0.1:1")
                                        .build())
                        .build();
        ZNodeMutationSerializer<String> rows =
                row ->
                        row.startsWith("-")
                                ? ZNodeMutation.delete("/t/" + row.substring(1))
                                : ZNodeMutation.upsert(
                                        "/t/" + row.substring(0, row.indexOf('=')),
                                        row.substring(row.indexOf('=') + 1)
                                                .getBytes(StandardCharsets.UTF_8));
        return new ZooKeeperCommittingSinkWriter<>(options, "/t", rows);
    }

    private static List<String> committed(ZooKeeperCommittingSinkWriter<String> writer) {
        Collection<ZNodeCommittable> committables = writer.prepareCommit();
        List<String> out = new ArrayList<>();
        for (ZNodeCommittable c : committables) {
            for (ZNodeMutation m : c.getMutations()) {
                out.add(
                        m.isDelete()
                                ? "-" + m.getPath()
                                : m.getPath()
                                        + "="
                                        + new String(m.getData(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void aDeleteThenAWriteOfOneKeyKeepBothInOrder() throws IOException {
        ZooKeeperCommittingSinkWriter<String> w = writer();
        w.write("k=v1", null);
        w.write("a/b=x", null);
        w.write("-k", null);
        w.write("k=v2", null);
        w.write("a/b=y", null);
        assertThat(committed(w)).containsExactly("/t/a/b=x", "-/t/k", "/t/k=v2", "/t/a/b=y");
        assertThat(committed(w)).as("handed over once").isEmpty();
    }

    @Test
    void aPathTooLongForCheckpointStateIsRefusedNamingTheRow() {
        StringBuilder key = new StringBuilder();
        while (key.length() <= ZNodeCommittableSerializer.MAX_PATH_BYTES) {
            key.append("segment-");
        }
        ZooKeeperCommittingSinkWriter<String> w = writer();
        assertThatThrownBy(() -> w.write(key + "=v", null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("The row with key 'segment-segment-")
                .hasMessageContaining("'sink.delivery-guarantee' = 'exactly-once'")
                .hasMessageContaining("at most 65535 bytes per path");
        assertThat(committed(w)).isEmpty();
        // What the check prevents: a checkpoint that fails on every restart.
        ZNodeCommittable tooLong =
                new ZNodeCommittable(
                        Collections.singletonList(ZNodeMutation.upsert("/t/" + key, new byte[0])));
        assertThatThrownBy(() -> new ZNodeCommittableSerializer().serialize(tooLong))
                .isInstanceOf(UTFDataFormatException.class);
    }

    @Test
    void encodedLengthIsWhatWriteUtfWrites() throws IOException {
        for (String path :
                new String[] {
                    "/t/a", "/t/caf\u00e9", "/t/\u6f22", "/t/\ud83d\ude00", "/t/\u0000"
                }) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            out.writeUTF(path);
            assertThat(ZNodeCommittableSerializer.encodedLength(path)).isEqualTo(out.length() - 2);
        }
    }
}
