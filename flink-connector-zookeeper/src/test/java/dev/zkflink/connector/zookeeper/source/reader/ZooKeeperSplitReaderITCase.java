package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.split.SplitEntry;
import dev.zkflink.connector.zookeeper.source.split.ZooKeeperSplit;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerExtension;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The split reader against a real server: order, progress markers and restore skipping. */
class ZooKeeperSplitReaderITCase {
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

    private static ZooKeeperSplitReader reader(int batchSize) {
        return reader(ZK.connectString(), batchSize);
    }

    private static ZooKeeperSplitReader reader(String hosts, int batchSize) {
        ZooKeeperReadOptions options =
                ZooKeeperReadOptions.builder()
                        .setConnection(ZooKeeperConnectionOptions.builder().setHosts(hosts).build())
                        .setBatchSize(batchSize)
                        .setMaxInFlight(1)
                        .build();
        return new ZooKeeperSplitReader(ZNodeTreeLayout.levels("/r", 2), options);
    }

    /** The subtrees /r/a and /r/b in one split, with that many nodes emitted before. */
    private static ZooKeeperSplit splitOfAAndB(long nodesEmitted) {
        return new ZooKeeperSplit(
                "s", Arrays.asList(SplitEntry.subtree("a"), SplitEntry.subtree("b")), nodesEmitted);
    }

    /** Drains the reader: node paths in emission order. */
    private static List<String> drain(ZooKeeperSplitReader reader, ZooKeeperSplit split)
            throws Exception {
        return drain(reader, split, round -> {});
    }

    /** Drains the reader, calling {@code beforeRound} before each fetch. */
    private static List<String> drain(
            ZooKeeperSplitReader reader, ZooKeeperSplit split, IntConsumer beforeRound)
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
        ZooKeeperSplitReader reader = reader(2);
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
            ZooKeeperSplitReader reader = reader(proxy.connectString(), 2);
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
        ZooKeeperSplitReader reader = reader(3);
        try {
            // Eight nodes were emitted before the checkpoint this split was restored from.
            List<String> out = drain(reader, splitOfAAndB(8));
            assertThat(out).containsExactly("b/i3", "b/i4");
        } finally {
            reader.close();
        }
    }
}
