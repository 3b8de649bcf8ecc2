package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.testutils.GoldenState;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BucketSplitSerializerTest {

    private static BucketSplit split(boolean baseline) {
        Map<String, TrackedNode> tracked = new HashMap<>();
        tracked.put("svc/a", new TrackedNode(0x1_0000_0005L, 0x1_0000_0009L, 0x1_0000_0005L, 1L));
        tracked.put("svc/ab", new TrackedNode(7, 7, 12, 1_764_000_000_000L));
        tracked.put("svc", new TrackedNode(3, 4, 5, 6));
        tracked.put(
                "zone/ünïcode/ノード",
                new TrackedNode(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 0));
        tracked.put("b".repeat(70_000), new TrackedNode(1, 2, 3, 4)); // longer than writeUTF allows
        return new BucketSplit(5, 8, baseline, tracked);
    }

    @Test
    void roundTripKeepsEveryTrackedNode() throws IOException {
        for (boolean baseline : new boolean[] {true, false}) {
            BucketSplit original = split(baseline);
            byte[] bytes = BucketSplitSerializer.INSTANCE.serialize(original);
            BucketSplit copy =
                    BucketSplitSerializer.INSTANCE.deserialize(
                            BucketSplitSerializer.CURRENT_VERSION, bytes);
            assertThat(copy).isEqualTo(original);
            assertThat(copy.getTracked()).isEqualTo(original.getTracked());
            assertThat(copy.splitId()).isEqualTo("bucket-5-of-8");
            assertThat(copy.isBaselinePending()).isEqualTo(baseline);
        }
    }

    @Test
    void siblingsShareTheirPrefixInTheState() throws IOException {
        Map<String, TrackedNode> tracked = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            tracked.put(
                    String.format("service-%03d/instance-%04d", i / 10, i),
                    new TrackedNode(
                            4_294_967_296L + i,
                            4_294_967_296L + i,
                            4_294_967_296L + i,
                            1_764_000_000_000L));
        }
        byte[] bytes =
                BucketSplitSerializer.INSTANCE.serialize(new BucketSplit(0, 1, false, tracked));
        // 25-character paths and four numbers: well under 25 bytes per node once compressed.
        assertThat(bytes.length / 1000.0).isLessThan(20.0);
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        byte[] bytes = BucketSplitSerializer.INSTANCE.serialize(split(false));
        assertThatThrownBy(() -> BucketSplitSerializer.INSTANCE.deserialize(3, bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown BucketSplit serializer version 3");
    }

    @Test
    void aLatestBaselineKeepsItsStartPoint() throws IOException {
        Map<String, TrackedNode> tracked = new HashMap<>();
        tracked.put("g/n", new TrackedNode(7, 9, 7, 1));
        for (long zxid : new long[] {BucketSplit.NO_ZXID, 0, 0x1_0000_0042L}) {
            BucketSplit original = new BucketSplit(1, 4, true, zxid, tracked);
            BucketSplit copy =
                    BucketSplitSerializer.INSTANCE.deserialize(
                            BucketSplitSerializer.CURRENT_VERSION,
                            BucketSplitSerializer.INSTANCE.serialize(original));
            assertThat(copy.getBaselineZxid()).isEqualTo(zxid);
            assertThat(copy).isEqualTo(original);
        }
    }

    /** Bytes written by the version 1 serializer (before start points existed), committed. */
    @Test
    void version1StateStillRestores() throws IOException {
        byte[] v1 = GoldenState.read("bucket-split-v1.base64");
        BucketSplit split =
                BucketSplitSerializer.INSTANCE.deserialize(BucketSplitSerializer.VERSION_1, v1);
        Map<String, TrackedNode> expected = new HashMap<>();
        expected.put("g0/n0", new TrackedNode(100, 105, 100, 1_700_000_000_000L));
        expected.put("g0/n1", new TrackedNode(101, 101, 101, 1_700_000_000_100L));
        expected.put("g1/n0", new TrackedNode(2000, 2500, 2001, 1_700_000_000_200L));
        assertThat(split.getBucket()).isEqualTo(3);
        assertThat(split.getNumBuckets()).isEqualTo(8);
        assertThat(split.isBaselinePending()).isTrue();
        assertThat(split.getBaselineZxid()).isEqualTo(BucketSplit.NO_ZXID);
        assertThat(split.getTracked()).isEqualTo(expected);
    }

    @Test
    void enumeratorStateRoundTrip() throws IOException {
        ChangelogEnumeratorStateSerializer serializer = new ChangelogEnumeratorStateSerializer();
        ChangelogEnumeratorState state =
                new ChangelogEnumeratorState(
                        8, Arrays.asList(split(true), BucketSplit.initial(2, 8, false)));
        ChangelogEnumeratorState copy =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(copy.getNumBuckets()).isEqualTo(8);
        assertThat(copy.getUnassigned()).isEqualTo(state.getUnassigned());
    }

    @Test
    void bucketsFollowTheFirstPathSegment() {
        int b = BucketSplit.bucketOf("svc-1", 16);
        assertThat(BucketSplit.bucketOf("svc-1/i-1", 16)).isEqualTo(b);
        assertThat(BucketSplit.bucketOf("svc-1/i-2/deeper", 16)).isEqualTo(b);
        assertThat(b).isBetween(0, 15);
    }
}
