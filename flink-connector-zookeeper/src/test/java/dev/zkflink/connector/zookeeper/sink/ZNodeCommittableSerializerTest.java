package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.testutils.GoldenState;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoint form of the exactly-once sink's committables; version 1 must keep restoring. */
class ZNodeCommittableSerializerTest {
    private final ZNodeCommittableSerializer serializer = new ZNodeCommittableSerializer();

    /** The committable whose version 1 bytes are committed under golden-state/. */
    private static ZNodeCommittable golden() {
        return new ZNodeCommittable(
                Arrays.asList(
                        ZNodeMutation.upsert(
                                "/mirror/apps/web/config",
                                "{\"port\": 8080}".getBytes(StandardCharsets.UTF_8)),
                        ZNodeMutation.delete("/mirror/apps/late"),
                        ZNodeMutation.upsert("/mirror/caf\u00e9", new byte[0])));
    }

    @Test
    void roundTripKeepsOrderKindsPathsAndBytes() throws IOException {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        List<ZNodeMutation> mutations = new ArrayList<>(golden().getMutations());
        mutations.add(ZNodeMutation.upsert("/mirror/bin", binary));
        mutations.add(ZNodeMutation.delete("/mirror/apps/web/config")); // same path again, later
        mutations.add(ZNodeMutation.upsert("/mirror/\u6f22\u5b57/\ud83d\ude00", new byte[] {0}));
        ZNodeCommittable copy = roundTrip(new ZNodeCommittable(mutations));
        assertThat(describe(copy)).isEqualTo(describe(new ZNodeCommittable(mutations)));
    }

    @Test
    void emptyAndLargeCommittablesRoundTrip() throws IOException {
        assertThat(roundTrip(new ZNodeCommittable(Collections.emptyList())).getMutations())
                .isEmpty();
        List<ZNodeMutation> many = new ArrayList<>();
        byte[] big = new byte[1_000_000];
        Arrays.fill(big, (byte) 'x');
        many.add(ZNodeMutation.upsert("/t/big", big));
        for (int i = 0; i < 10_000; i++) {
            many.add(ZNodeMutation.upsert("/t/k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(describe(roundTrip(new ZNodeCommittable(many))))
                .isEqualTo(describe(new ZNodeCommittable(many)));
    }

    /** Bytes of version 1 (of earlier releases), written from the documented layout. */
    @Test
    void version1GoldenBytesStillRestore() throws IOException {
        byte[] v1 = GoldenState.read("znode-committable-v1.base64");
        ZNodeCommittable restored =
                serializer.deserialize(ZNodeCommittableSerializer.VERSION_1, v1);
        assertThat(describe(restored)).isEqualTo(describe(golden()));
    }

    /** The version-2 committable committed under golden-state/: conditions, a TTL, a guard. */
    private static ZNodeCommittable goldenVersion2() {
        return new ZNodeCommittable(
                Arrays.asList(
                        ZNodeMutation.upsert(
                                "/mirror/apps/web/config",
                                "{\"port\": 8080}".getBytes(StandardCharsets.UTF_8)),
                        ZNodeMutation.delete("/mirror/apps/late", 3),
                        ZNodeMutation.upsert("/mirror/caf\u00e9", new byte[0], 2, 60_000),
                        ZNodeMutation.upsert("/mirror/jobs/job-", new byte[] {'x'})
                                .withSequenceGuard("0b7e6c2a-5d1f-4c1e-9a39-2f4f8e3c9d10")));
    }

    /** Bytes of version 2, written by hand from the documented layout and committed. */
    @Test
    void version2GoldenBytesRestoreAndAreStillWritten() throws IOException {
        byte[] v2 = GoldenState.read("znode-committable-v2.base64");
        ZNodeCommittable restored =
                serializer.deserialize(ZNodeCommittableSerializer.VERSION_2, v2);
        assertThat(describe(restored)).isEqualTo(describe(goldenVersion2()));
        assertThat(serializer.getVersion()).isEqualTo(ZNodeCommittableSerializer.VERSION_2);
        assertThat(serializer.serialize(goldenVersion2()))
                .as("version 2 layout unchanged; a change needs version 3")
                .isEqualTo(v2);
    }

    @Test
    void unknownVersionIsRejectedWithTheVersions() throws IOException {
        byte[] bytes = serializer.serialize(golden());
        for (int version : new int[] {0, 3, -1}) {
            assertThatThrownBy(() -> serializer.deserialize(version, bytes))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Unknown version " + version)
                    .hasMessageContaining("reads up to 2");
        }
    }

    @Test
    void truncatedBytesFailInsteadOfRestoringPart() throws IOException {
        byte[] bytes = serializer.serialize(golden());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion(), cut))
                .isInstanceOf(IOException.class);
    }

    private ZNodeCommittable roundTrip(ZNodeCommittable committable) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(committable));
    }

    /** Kind, path and data of each mutation, in order (ZNodeMutation has no equals). */
    private static List<String> describe(ZNodeCommittable committable) {
        List<String> out = new ArrayList<>();
        for (ZNodeMutation m : committable.getMutations()) {
            out.add(
                    (m.isDelete()
                                    ? "delete " + m.getPath()
                                    : "upsert " + m.getPath() + " " + Arrays.toString(m.getData()))
                            + " v"
                            + m.getExpectedVersion()
                            + " ttl"
                            + m.getTtlMillis()
                            + " guard "
                            + m.getSequenceGuard());
        }
        return out;
    }
}
