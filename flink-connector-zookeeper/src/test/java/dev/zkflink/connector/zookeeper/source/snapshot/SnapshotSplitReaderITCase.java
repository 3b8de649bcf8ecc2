package dev.zkflink.connector.zookeeper.source.snapshot;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerExtension;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The split reader against a real server: order, progress markers, restore skipping, and real
 * faults: flapping connections, oversized nodes and wake-ups while the server does not answer.
 */
class SnapshotSplitReaderITCase {
    @RegisterExtension static final ZooKeeperServerExtension ZK = new ZooKeeperServerExtension();

    @BeforeAll
    static void seed() throws Exception {
        ZooKeeperTrees trees = ZK.trees();
        for (String svc : Arrays.asList("a", "b")) {
            for (int i = 0; i < 5; i++) {
                trees.put("/r/" + svc + "/i" + i, svc + i);
            }
        }
    }

    private static SnapshotSplitReader reader(int batchSize) {
        return reader(ZK.connectString(), batchSize);
    }

    private static SnapshotSplitReader reader(String hosts, int batchSize) {
        return reader(ZooKeeperConnectionOptions.builder().setHosts(hosts), batchSize);
    }

    private static SnapshotSplitReader reader(
            ZooKeeperConnectionOptions.Builder connection, int batchSize) {
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(connection.build())
                        .setBatchSize(batchSize)
                        .setMaxInFlight(1)
                        .build();
        return new SnapshotSplitReader(ZNodeTreeLayout.levels("/r", 2), options);
    }

    private static final List<String> ALL_OF_A_AND_B =
            Arrays.asList(
                    "a/i0", "a/i1", "a/i2", "a/i3", "a/i4", "b/i0", "b/i1", "b/i2", "b/i3", "b/i4");

    /** A split of one entry: its first fetch is a one-op read, getChildren('/r/a'). */
    private static SnapshotSplit splitOfA() {
        return new SnapshotSplit("s", Collections.singletonList(SplitEntry.subtree("a")), 0);
    }

    private static ZooKeeperConnectionOptions.Builder fastRetries(String hosts, int maxRetries) {
        return ZooKeeperConnectionOptions.builder()
                .setHosts(hosts)
                .setMaxRetries(maxRetries)
                .setRetryBaseSleep(Duration.ofMillis(10))
                .setRetryMaxSleep(Duration.ofMillis(100));
    }

    /** The subtrees /r/a and /r/b in one split, with that many nodes emitted before. */
    private static SnapshotSplit splitOfAAndB(long nodesEmitted) {
        return new SnapshotSplit(
                "s", Arrays.asList(SplitEntry.subtree("a"), SplitEntry.subtree("b")), nodesEmitted);
    }

    /** Drains the reader: node paths in emission order. */
    private static List<String> drain(SnapshotSplitReader reader, SnapshotSplit split)
            throws Exception {
        return drain(reader, split, round -> {});
    }

    /** Drains the reader, calling {@code beforeRound} before each fetch. */
    private static List<String> drain(
            SnapshotSplitReader reader, SnapshotSplit split, IntConsumer beforeRound)
            throws Exception {
        reader.handleSplitsChanges(new SplitsAddition<>(Collections.singletonList(split)));
        List<String> out = new ArrayList<>();
        boolean finished = false;
        for (int round = 0; round < 100 && !finished; round++) {
            beforeRound.accept(round);
            RecordsWithSplitIds<ZNodeRecord> records = reader.fetch();
            while (records.nextSplit() != null) {
                ZNodeRecord node;
                while ((node = records.nextRecordFromSplit()) != null) {
                    out.add(node.getRelativePath());
                }
            }
            finished = records.finishedSplits().contains(split.splitId());
        }
        assertThat(finished).isTrue();
        return out;
    }

    @Test
    void readsAllEntriesBreadthFirstInSortedOrder() throws Exception {
        SnapshotSplitReader reader = reader(2);
        try {
            List<String> out = drain(reader, splitOfAAndB(0));
            assertThat(out)
                    .containsExactly(
                            "a/i0", "a/i1", "a/i2", "a/i3", "a/i4", "b/i0", "b/i1", "b/i2", "b/i3",
                            "b/i4");
        } finally {
            reader.close();
        }
    }

    @Test
    void connectionsClosedMidSplitAreRetriedWithoutLossOrDuplicates() throws Exception {
        try (TcpProxy proxy = new TcpProxy(ZK.server().getPort())) {
            SnapshotSplitReader reader = reader(proxy.connectString(), 2);
            try {
                List<String> out =
                        drain(
                                reader,
                                splitOfAAndB(0),
                                round -> {
                                    if (round == 2) {
                                        proxy.dropConnections(); // mid-split: ConnectionLoss
                                    }
                                });
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(2);
                assertThat(out)
                        .containsExactly(
                                "a/i0", "a/i1", "a/i2", "a/i3", "a/i4", "b/i0", "b/i1", "b/i2",
                                "b/i3", "b/i4");
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void restoredSplitSkipsWhatWasEmitted() throws Exception {
        SnapshotSplitReader reader = reader(3);
        try {
            // Eight nodes were emitted before the checkpoint this split was restored from.
            List<String> out = drain(reader, splitOfAAndB(8));
            assertThat(out).containsExactly("b/i3", "b/i4");
        } finally {
            reader.close();
        }
    }

    @Test
    void flappingConnectionDuringAOneOpReadIsRetriedAndSucceeds() throws Exception {
        try (TcpProxy proxy = new TcpProxy(ZK.server().getPort())) {
            SnapshotSplitReader reader = reader(fastRetries(proxy.connectString(), 5), 100);
            try {
                // Three requests in a row lose their connection; every reconnect succeeds.
                List<String> out =
                        drain(
                                reader,
                                splitOfA(),
                                round -> {
                                    if (round == 0) {
                                        proxy.dropNextRequests(3);
                                    }
                                });
                assertThat(out).containsExactly("a/i0", "a/i1", "a/i2", "a/i3", "a/i4");
                assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(4);
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void flappingConnectionGivesUpAfterMaxRetriesNotAsOversized() throws Exception {
        try (TcpProxy proxy = new TcpProxy(ZK.server().getPort())) {
            SnapshotSplitReader reader = reader(fastRetries(proxy.connectString(), 3), 100);
            try {
                long start = System.nanoTime();
                assertThatThrownBy(
                                () ->
                                        drain(
                                                reader,
                                                splitOfA(),
                                                round -> proxy.dropNextRequests(1000)))
                        .hasMessageContaining("after 3 retries ('connection.max-retries')")
                        .hasMessageContaining("'/r/a'")
                        .hasMessageNotContaining("response limit of");
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isLessThan(Duration.ofSeconds(30));
                // Every failed attempt reconnected: one connection per attempt (4) plus the first.
                assertThat(proxy.connectionsAccepted()).isBetween(4, 6);
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void oversizedNodeFailsNamingThePathAndTheOption() throws Exception {
        ZK.trees().put("/big/g/huge", new byte[200_000]);
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(
                                fastRetries(ZK.connectString(), 5)
                                        // a reader's client limit is a multiple of this: < 200 KB
                                        .setClientProperty("jute.maxbuffer", "8192")
                                        .build())
                        .setBatchSize(1)
                        .setMaxInFlight(1)
                        .build();
        SnapshotSplitReader reader =
                new SnapshotSplitReader(ZNodeTreeLayout.levels("/big", 2), options);
        try {
            assertThatThrownBy(
                            () ->
                                    drain(
                                            reader,
                                            new SnapshotSplit(
                                                    "s",
                                                    Collections.singletonList(
                                                            SplitEntry.subtree("g")),
                                                    0)))
                    .hasMessageContaining("getData('/big/g/huge')")
                    .hasMessageContaining("dataLength = 200000")
                    .hasMessageContaining("'properties.jute.maxbuffer'");
        } finally {
            reader.close();
        }
    }

    @Test
    void wakeUpEndsAFetchWaitingForAFrozenServerAndTheReadIsRepeated() throws Exception {
        try (TcpProxy proxy = new TcpProxy(ZK.server().getPort())) {
            SnapshotSplitReader reader =
                    reader(
                            ZooKeeperConnectionOptions.builder()
                                    .setHosts(proxy.connectString())
                                    .setSessionTimeout(Duration.ofSeconds(20)),
                            2);
            ExecutorService fetcher = Executors.newSingleThreadExecutor();
            try {
                reader.handleSplitsChanges(
                        new SplitsAddition<>(Collections.singletonList(splitOfAAndB(0))));
                List<String> out = new ArrayList<>(paths(reader.fetch())); // lists a and b
                proxy.freeze();
                Future<RecordsWithSplitIds<ZNodeRecord>> blocked = fetcher.submit(reader::fetch);
                Thread.sleep(500);
                assertThat(blocked).isNotDone();
                long woken = System.nanoTime();
                reader.wakeUp();
                RecordsWithSplitIds<ZNodeRecord> records = blocked.get(10, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - woken);
                System.out.println("fetch returned " + ms + " ms after wakeUp()");
                assertThat(ms).isLessThan(2_000);
                out.addAll(paths(records));
                proxy.unfreeze();
                for (int i = 0; i < 20 && out.size() < ALL_OF_A_AND_B.size(); i++) {
                    out.addAll(paths(reader.fetch()));
                }
                assertThat(out).containsExactlyElementsOf(ALL_OF_A_AND_B);
            } finally {
                fetcher.shutdownNow();
                reader.close();
            }
        }
    }

    @Test
    void wakeUpEndsAFetchWaitingToConnect() throws Exception {
        try (TcpProxy proxy = new TcpProxy(ZK.server().getPort())) {
            SnapshotSplitReader reader =
                    reader(
                            ZooKeeperConnectionOptions.builder()
                                    .setHosts(proxy.connectString())
                                    .setConnectionTimeout(Duration.ofSeconds(20)),
                            2);
            ExecutorService fetcher = Executors.newSingleThreadExecutor();
            try {
                reader.handleSplitsChanges(
                        new SplitsAddition<>(Collections.singletonList(splitOfAAndB(0))));
                proxy.freeze(); // the handshake gets no answer
                Future<RecordsWithSplitIds<ZNodeRecord>> blocked = fetcher.submit(reader::fetch);
                Thread.sleep(500);
                assertThat(blocked).isNotDone();
                long woken = System.nanoTime();
                reader.wakeUp();
                List<String> out = new ArrayList<>(paths(blocked.get(10, TimeUnit.SECONDS)));
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - woken))
                        .isLessThan(2_000);
                proxy.unfreeze();
                for (int i = 0; i < 20 && out.size() < ALL_OF_A_AND_B.size(); i++) {
                    out.addAll(paths(reader.fetch()));
                }
                assertThat(out).containsExactlyElementsOf(ALL_OF_A_AND_B);
            } finally {
                fetcher.shutdownNow();
                reader.close();
            }
        }
    }

    private static List<String> paths(RecordsWithSplitIds<ZNodeRecord> records) {
        List<String> out = new ArrayList<>();
        while (records.nextSplit() != null) {
            ZNodeRecord node;
            while ((node = records.nextRecordFromSplit()) != null) {
                out.add(node.getRelativePath());
            }
        }
        return out;
    }
}
