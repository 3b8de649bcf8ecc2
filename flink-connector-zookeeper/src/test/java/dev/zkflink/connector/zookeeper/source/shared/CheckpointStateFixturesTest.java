package dev.zkflink.connector.zookeeper.source.shared;

import dev.zkflink.connector.zookeeper.source.changelog.BucketSplit;
import dev.zkflink.connector.zookeeper.source.changelog.BucketSplitSerializer;
import dev.zkflink.connector.zookeeper.source.changelog.ChangelogEnumeratorState;
import dev.zkflink.connector.zookeeper.source.changelog.ChangelogEnumeratorStateSerializer;
import dev.zkflink.connector.zookeeper.source.changelog.TrackedNode;
import dev.zkflink.connector.zookeeper.source.snapshot.SnapshotEnumeratorState;
import dev.zkflink.connector.zookeeper.source.snapshot.SnapshotEnumeratorStateSerializer;
import dev.zkflink.connector.zookeeper.source.snapshot.SnapshotSplit;
import dev.zkflink.connector.zookeeper.source.snapshot.SnapshotSplitSerializer;
import dev.zkflink.connector.zookeeper.testutils.GoldenState;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden bytes of the source's checkpoint state as this build writes it: the snapshot and changelog
 * enumerator states (v1), and the current snapshot and bucket split versions (v2). A change that
 * cannot restore them fails here, and a change to the bytes of a version that is still current
 * fails too: such a change needs a new version and a {@code case} that keeps reading the old one.
 *
 * <p>To add the fixture of a new version, run this class once with {@code
 * -Dgolden.write=src/test/resources/golden-state} and commit the new file; never rewrite an old
 * one.
 */
class CheckpointStateFixturesTest {

    static SnapshotSplit snapshotSplit(String id, long emitted) {
        return new SnapshotSplit(
                id,
                Arrays.asList(
                        SplitEntry.subtree("svc/billing"),
                        SplitEntry.nodeOnly("apps"),
                        SplitEntry.subtree("zone/ünïcode")),
                emitted);
    }

    static BucketSplit bucketSplit(int bucket, boolean baselinePending, long baselineZxid) {
        Map<String, TrackedNode> tracked = new LinkedHashMap<>();
        tracked.put("g0/n0", new TrackedNode(100, 105, 100, 1_700_000_000_000L));
        tracked.put("g0/n1", new TrackedNode(0x1_0000_0005L, 0x1_0000_0009L, 0x1_0000_0005L, 1));
        tracked.put("zone/ノード", new TrackedNode(2000, 2500, 2001, 1_700_000_000_200L));
        return new BucketSplit(bucket, 8, baselinePending, baselineZxid, tracked);
    }

    static SnapshotEnumeratorState snapshotEnumeratorState() {
        return new SnapshotEnumeratorState(
                Arrays.asList(snapshotSplit("snapshot-0", 0), snapshotSplit("snapshot-3", 17)),
                true);
    }

    static ChangelogEnumeratorState changelogEnumeratorState() {
        return new ChangelogEnumeratorState(
                8, Arrays.asList(bucketSplit(2, true, 0x2_0000_0010L), bucketSplit(5, false, -1)));
    }

    @Test
    void snapshotEnumeratorStateVersion1() throws IOException {
        SnapshotEnumeratorStateSerializer serializer = new SnapshotEnumeratorStateSerializer();
        SnapshotEnumeratorState state =
                restore(serializer, SnapshotEnumeratorStateSerializer.VERSION_1, "v1");
        assertThat(state.isPlanned()).isTrue();
        assertThat(state.getRemainingSplits())
                .containsExactlyElementsOf(snapshotEnumeratorState().getRemainingSplits());
        assertThat(state.getRemainingSplits().get(1).getNodesEmitted()).isEqualTo(17);
        assertThat(state.getRemainingSplits().get(1).countedInAnOlderOrder()).isFalse();
        assertBytesUnchangedWhileCurrent(serializer, snapshotEnumeratorState(), 1);

        SnapshotEnumeratorState empty = new SnapshotEnumeratorState(Collections.emptyList(), false);
        assertThat(serializer.deserialize(1, serializer.serialize(empty)).isPlanned()).isFalse();
    }

    @Test
    void changelogEnumeratorStateVersion1() throws IOException {
        ChangelogEnumeratorStateSerializer serializer = new ChangelogEnumeratorStateSerializer();
        ChangelogEnumeratorState state =
                restore(serializer, ChangelogEnumeratorStateSerializer.VERSION_1, "v1");
        assertThat(state.getNumBuckets()).isEqualTo(8);
        assertThat(state.getUnassigned())
                .containsExactlyElementsOf(changelogEnumeratorState().getUnassigned());
        BucketSplit first = state.getUnassigned().get(0);
        assertThat(first.getTracked()).isEqualTo(bucketSplit(2, true, 0x2_0000_0010L).getTracked());
        assertThat(first.getBaselineZxid()).isEqualTo(0x2_0000_0010L);
        assertThat(state.getUnassigned().get(1).isBaselinePending()).isFalse();
        assertBytesUnchangedWhileCurrent(serializer, changelogEnumeratorState(), 1);
    }

    @Test
    void snapshotSplitVersion2() throws IOException {
        SnapshotSplit split =
                restore(SnapshotSplitSerializer.INSTANCE, SnapshotSplitSerializer.VERSION_2, "v2");
        assertThat(split).isEqualTo(snapshotSplit("snapshot-3", 17));
        assertThat(split.getNodesEmitted()).isEqualTo(17);
        assertThat(split.countedInAnOlderOrder()).isFalse();
        assertBytesUnchangedWhileCurrent(
                SnapshotSplitSerializer.INSTANCE, snapshotSplit("snapshot-3", 17), 2);
    }

    @Test
    void bucketSplitVersion2() throws IOException {
        BucketSplit split =
                restore(BucketSplitSerializer.INSTANCE, BucketSplitSerializer.VERSION_2, "v2");
        BucketSplit expected = bucketSplit(2, true, 0x2_0000_0010L);
        assertThat(split).isEqualTo(expected);
        assertThat(split.getTracked()).isEqualTo(expected.getTracked());
        assertThat(split.getBaselineZxid()).isEqualTo(0x2_0000_0010L);
        assertBytesUnchangedWhileCurrent(BucketSplitSerializer.INSTANCE, expected, 2);
    }

    /** Writes the fixtures when asked to (see the class comment); a no-op in normal runs. */
    @Test
    void writeFixturesWhenAsked() throws IOException {
        String dir = System.getProperty("golden.write");
        if (dir == null) {
            return;
        }
        write(dir, new SnapshotEnumeratorStateSerializer(), snapshotEnumeratorState());
        write(dir, new ChangelogEnumeratorStateSerializer(), changelogEnumeratorState());
        write(dir, SnapshotSplitSerializer.INSTANCE, snapshotSplit("snapshot-3", 17));
        write(dir, BucketSplitSerializer.INSTANCE, bucketSplit(2, true, 0x2_0000_0010L));
    }

    private static <T> T restore(SimpleVersionedSerializer<T> serializer, int version, String v)
            throws IOException {
        return serializer.deserialize(version, GoldenState.read(fixtureName(serializer, v)));
    }

    /** While the fixture's version is current, today's serializer must write exactly its bytes. */
    private static <T> void assertBytesUnchangedWhileCurrent(
            SimpleVersionedSerializer<T> serializer, T value, int fixtureVersion)
            throws IOException {
        if (serializer.getVersion() == fixtureVersion) {
            assertThat(serializer.serialize(value))
                    .as("bytes of current version %d of %s", fixtureVersion, serializer)
                    .isEqualTo(GoldenState.read(fixtureName(serializer, "v" + fixtureVersion)));
        }
    }

    private static String fixtureName(SimpleVersionedSerializer<?> serializer, String v) {
        String name =
                serializer
                        .getClass()
                        .getSimpleName()
                        .replace("Serializer", "")
                        .replace("ZooKeeper", "Zookeeper");
        return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase() + "-" + v + ".base64";
    }

    private static <T> void write(String dir, SimpleVersionedSerializer<T> serializer, T value)
            throws IOException {
        Path file = Paths.get(dir, fixtureName(serializer, "v" + serializer.getVersion()));
        if (!Files.exists(file)) {
            Files.writeString(
                    file, Base64.getEncoder().encodeToString(serializer.serialize(value)) + "\n");
        }
    }
}
