package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.testutils.GoldenState;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoint form of a writer's held ephemeral nodes; version 1 must keep restoring. */
class ZooKeeperWriterStateSerializerTest {
    private final ZooKeeperWriterStateSerializer serializer = new ZooKeeperWriterStateSerializer();

    private static ZooKeeperWriterState golden() {
        return new ZooKeeperWriterState(
                Arrays.asList(
                        ZNodeMutation.upsert(
                                "/services/web/i-1",
                                "{\"port\":8080}".getBytes(StandardCharsets.UTF_8)),
                        ZNodeMutation.upsert("/services/web/i-2", new byte[0])));
    }

    @Test
    void version1GoldenBytesRestoreAndAreStillWritten() throws IOException {
        byte[] v1 = GoldenState.read("writer-state-v1.base64");
        ZooKeeperWriterState restored = serializer.deserialize(1, v1);
        assertThat(restored.getEphemeralNodes()).hasSize(2);
        assertThat(restored.getEphemeralNodes().get(0).getPath()).isEqualTo("/services/web/i-1");
        assertThat(
                        new String(
                                restored.getEphemeralNodes().get(0).getData(),
                                StandardCharsets.UTF_8))
                .isEqualTo("{\"port\":8080}");
        assertThat(restored.getEphemeralNodes().get(1).getData()).isEmpty();
        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(serializer.serialize(golden()))
                .as("version 1 layout unchanged; a change needs version 2")
                .isEqualTo(v1);
        assertThatThrownBy(() -> serializer.deserialize(2, v1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 2")
                .hasMessageContaining("reads up to 1");
    }
}
