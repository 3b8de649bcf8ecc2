package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the fetcher side of a live read keeps of its splits, without a server. */
class ChangelogSplitReaderTest {

    /**
     * The tracked nodes of a split belong to the task thread, which changes them while the fetcher
     * runs; the fetcher keeps only bucket ids, so it can never see (or pin) them.
     */
    @Test
    void theFetcherKeepsNoReferenceToTheTrackedNodes() throws Exception {
        ChangelogSplitReader reader =
                new ChangelogSplitReader(
                        ZNodeTreeLayout.levels("/t", 2),
                        ZooKeeperReadOptions.builder()
                                .setConnection(
                                        ZooKeeperConnectionOptions.builder()
                                                .setHosts("127.0.0.1:1")
                                                .build())
                                .build(),
                        false,
                        new ChangelogReaderMetrics(new UnregisteredMetricsGroup()),
                        new SubtreeRereads());
        WeakReference<Map<String, TrackedNode>> tracked = addSplit(reader);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (tracked.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(tracked.get()).as("tracked nodes still reachable from the fetcher").isNull();
        reader.close();
    }

    private static WeakReference<Map<String, TrackedNode>> addSplit(ChangelogSplitReader reader) {
        Map<String, TrackedNode> tracked = new HashMap<>();
        tracked.put("a/x", new TrackedNode(1, 2, 1, 3));
        reader.handleSplitsChanges(
                new SplitsAddition<>(
                        Collections.singletonList(new BucketSplit(0, 1, false, tracked))));
        return new WeakReference<>(tracked);
    }
}
