package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;
import dev.zkflink.connector.zookeeper.testutils.GoldenState;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotSplitSerializerTest {

    private static SnapshotSplit split() {
        char[] longName = new char[70_000]; // longer than writeUTF allows
        Arrays.fill(longName, 'n');
        return new SnapshotSplit(
                "snapshot-7",
                Arrays.asList(
                        SplitEntry.subtree("svc/billing"),
                        SplitEntry.nodeOnly("apps"),
                        SplitEntry.subtree("ünïcode/" + new String(longName))),
                42);
    }

    @Test
    void splitRoundTripKeepsEntriesAndProgress() throws IOException {
        SnapshotSplit split = split();
        byte[] bytes = SnapshotSplitSerializer.INSTANCE.serialize(split);
        SnapshotSplit back =
                SnapshotSplitSerializer.INSTANCE.deserialize(
                        SnapshotSplitSerializer.INSTANCE.getVersion(), bytes);
        assertThat(back).isEqualTo(split);
        assertThat(back.getNodesEmitted()).isEqualTo(42);
        assertThat(back.getEntries().get(1).isWithDescendants()).isFalse();
    }

    @Test
    void unknownSplitVersionIsRejected() {
        assertThatThrownBy(() -> SnapshotSplitSerializer.INSTANCE.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 99");
    }

    @Test
    void enumeratorStateRoundTrip() throws IOException {
        SnapshotEnumeratorStateSerializer serializer = new SnapshotEnumeratorStateSerializer();
        SnapshotEnumeratorState state =
                new SnapshotEnumeratorState(Arrays.asList(split(), split()), true);
        SnapshotEnumeratorState back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(back.isPlanned()).isTrue();
        assertThat(back.getRemainingSplits()).containsExactly(split(), split());

        SnapshotEnumeratorState empty =
                serializer.deserialize(
                        serializer.getVersion(),
                        serializer.serialize(
                                new SnapshotEnumeratorState(Collections.emptyList(), false)));
        assertThat(empty.isPlanned()).isFalse();
        assertThat(empty.getRemainingSplits()).isEmpty();
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .hasMessageContaining("version 2");
    }

    /** Bytes written by the version 1 serializer (breadth-first walk order), committed. */
    @Test
    void version1SplitsRestoreAndRestartWhereTheWalkOrderChanged() throws IOException {
        SnapshotSplit v1 =
                SnapshotSplitSerializer.INSTANCE.deserialize(
                        SnapshotSplitSerializer.VERSION_1,
                        GoldenState.read("snapshot-split-v1.base64"));
        assertThat(v1.splitId()).isEqualTo("split-7");
        assertThat(v1.getEntries())
                .containsExactly(SplitEntry.subtree("svc-a"), SplitEntry.subtree("svc-b"));
        assertThat(v1.getNodesEmitted()).isEqualTo(1234);
        assertThat(v1.countedInAnOlderOrder()).isTrue();
        // levels mode walks in the same (sorted) order as before: resumed where it was.
        assertThat(v1.resumableIn(KeyMode.LEVELS).getNodesEmitted()).isEqualTo(1234);
        // relative-path mode may not: read again from the first node, never skipping unread ones.
        SnapshotSplit again = v1.resumableIn(KeyMode.RELATIVE_PATH);
        assertThat(again.getNodesEmitted()).isZero();
        assertThat(again.getEntries()).isEqualTo(v1.getEntries());
        assertThat(split().resumableIn(KeyMode.RELATIVE_PATH).getNodesEmitted()).isEqualTo(42);
    }
}
