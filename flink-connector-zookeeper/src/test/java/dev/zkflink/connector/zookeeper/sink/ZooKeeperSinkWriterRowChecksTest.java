package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rows an at-least-once writer refuses before it buffers them, without a server. */
class ZooKeeperSinkWriterRowChecksTest {
    private static ZooKeeperWriteOptions options(ZNodeCreateMode mode) {
        return ZooKeeperWriteOptions.builder()
                .setConnection(ZooKeeperConnectionOptions.builder().setHosts("127.0.0.1:1").build())
                .setCreateMode(mode)
                .build();
    }

    private static ZNodeMutation rowWithLongPath() {
        StringBuilder key = new StringBuilder();
        while (key.length() <= ZNodeCommittableSerializer.MAX_PATH_BYTES) {
            key.append("segment-");
        }
        return ZNodeMutation.upsert("/t/" + key, new byte[] {1});
    }

    @Test
    void anEphemeralTableRefusesAPathTooLongForCheckpointState() {
        assertThatThrownBy(
                        () ->
                                ZooKeeperSinkWriter.checkRow(
                                        rowWithLongPath(),
                                        "/t",
                                        options(ZNodeCreateMode.EPHEMERAL)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("The row with key 'segment-segment-")
                .hasMessageContaining(
                        "An ephemeral table keeps its nodes' paths in checkpoint state")
                .hasMessageContaining("at most 65535 bytes per path");
    }

    @Test
    void aPersistentTableKeepsNoPathsInState() {
        assertThatCode(
                        () ->
                                ZooKeeperSinkWriter.checkRow(
                                        rowWithLongPath(),
                                        "/t",
                                        options(ZNodeCreateMode.PERSISTENT)))
                .doesNotThrowAnyException();
    }
}
