package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which rows and top-level subtrees a live reader's buckets cover, without a server. */
class OwnedBucketsTest {
    private final OwnedBuckets buckets = new OwnedBuckets();

    @Test
    void ownsNothingBeforeItsFirstBuckets() {
        assertThat(buckets.isEmpty()).isTrue();
        assertThat(buckets.owns("a/x")).isFalse();
    }

    /** A whole top-level subtree lies in one bucket: every row below it goes with it. */
    @Test
    void ownsTheRowsOfItsBucketsByTheirTopLevelNode() {
        buckets.add(Collections.singletonList(BucketSplit.initial(bucketOf("a"), 4, false)));
        assertThat(buckets.owns("a")).isTrue();
        assertThat(buckets.owns("a/x/y")).isTrue();
        assertThat(buckets.splitIdOf("a/x")).isEqualTo("bucket-" + bucketOf("a") + "-of-4");
        String other = topLevelNotIn(bucketOf("a"));
        assertThat(buckets.owns(other + "/x")).isFalse();
    }

    @Test
    void addedBucketsJoinTheOnesItHas() {
        String a = "a";
        String b = topLevelNotIn(bucketOf(a));
        buckets.add(Collections.singletonList(BucketSplit.initial(bucketOf(a), 4, false)));
        buckets.add(Collections.singletonList(BucketSplit.initial(bucketOf(b), 4, false)));
        assertThat(buckets.ids()).containsExactlyInAnyOrder(bucketOf(a), bucketOf(b));
        assertThat(buckets.owns(a + "/x")).isTrue();
        assertThat(buckets.owns(b + "/x")).isTrue();
    }

    @Test
    void keepsOnlyItsOwnTopLevelSubtreesInTheirOrder() {
        buckets.add(Collections.singletonList(BucketSplit.initial(bucketOf("a"), 4, false)));
        String other = topLevelNotIn(bucketOf("a"));
        String sameBucket = topLevelIn(bucketOf("a"), "a");
        List<SplitEntry> owned =
                buckets.ownedOf(
                        Arrays.asList(
                                SplitEntry.subtree(sameBucket),
                                SplitEntry.subtree(other),
                                SplitEntry.subtree("a")));
        List<String> paths = new ArrayList<>();
        owned.forEach(e -> paths.add(e.getRelativePath()));
        assertThat(paths).containsExactly(sameBucket, "a");
    }

    private static int bucketOf(String topLevel) {
        return BucketSplit.bucketOf(topLevel, 4);
    }

    private static String topLevelNotIn(int bucket) {
        for (int i = 0; ; i++) {
            if (bucketOf("n" + i) != bucket) {
                return "n" + i;
            }
        }
    }

    private static String topLevelIn(int bucket, String except) {
        for (int i = 0; ; i++) {
            if (bucketOf("n" + i) == bucket && !("n" + i).equals(except)) {
                return "n" + i;
            }
        }
    }
}
