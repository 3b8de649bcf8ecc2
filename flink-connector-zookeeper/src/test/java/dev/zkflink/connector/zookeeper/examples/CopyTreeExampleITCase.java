package dev.zkflink.connector.zookeeper.examples;

import dev.zkflink.connector.zookeeper.source.StartupMode;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperSource;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DataStream builders in real jobs on a MiniCluster against a real ZooKeeper server: {@link
 * CopyTreeExample} as a snapshot and as a live changelog, and a value-only read.
 */
class CopyTreeExampleITCase extends ZooKeeperTableTestBase {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void snapshotCopyWritesEveryNode() throws Exception {
        String from = newRoot("copy-from");
        String to = newRoot("copy-to");
        trees.put(from + "/a", "on");
        trees.put(from + "/b", "off");
        trees.put(from + "/b/c", "deep");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        CopyTreeExample.build(env, server.getConnectString(), from, to, StartupMode.SNAPSHOT);
        env.execute("copy");

        Map<String, String> expected = new TreeMap<>();
        expected.put("a", "ON");
        expected.put("b", "OFF");
        expected.put("b/c", "DEEP");
        assertThat(trees.tree(to)).isEqualTo(expected);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void liveCopyFollowsCreatesUpdatesAndDeletes() throws Exception {
        String from = newRoot("live-from");
        String to = newRoot("live-to");
        trees.put(from + "/a", "one");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        List<String> seen = new ArrayList<>();
        try (CloseableIterator<String> changes =
                CopyTreeExample.build(env, server.getConnectString(), from, to, StartupMode.INITIAL)
                        .map(CopyTreeExampleITCase::describe)
                        .executeAndCollect()) {
            seen.add(changes.next());
            trees.put(from + "/b", "two");
            seen.add(changes.next());
            trees.put(from + "/a", "three");
            seen.add(changes.next());
            trees.deleteAll(from + "/b");
            seen.add(changes.next());
            assertThat(seen)
                    .containsExactly("INSERT a one", "INSERT b two", "UPDATE a three", "DELETE b");

            Map<String, String> expected = new TreeMap<>();
            expected.put("a", "THREE");
            awaitTree(to, expected);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void valueOnlySnapshotReadsTheDataOfTheRowLevel() throws Exception {
        String root = newRoot("values");
        trees.put(root + "/x/1", "x1");
        trees.put(root + "/x/2", "x2");
        trees.put(root + "/y/1", "y1");
        ZooKeeperSource<String> source =
                ZooKeeperSource.<String>builder()
                        .setHosts(server.getConnectString())
                        .setPath(root)
                        .setRowDepth(2)
                        .setStartupMode(StartupMode.SNAPSHOT)
                        .setDeserializer(ZNodeDeserializer.valueOnly(new SimpleStringSchema()))
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> values = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "values")
                        .executeAndCollect()) {
            it.forEachRemaining(values::add);
        }
        // The level-1 nodes x and y are not rows: only depth 2 is read.
        assertThat(values).containsExactlyInAnyOrderElementsOf(Arrays.asList("x1", "x2", "y1"));
    }

    private static String describe(ZNodeRecord r) {
        return r.getKind()
                + " "
                + r.getRelativePath()
                + (r.getData().length == 0
                        ? ""
                        : " " + new String(r.getData(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The sink flushes on a timer and on checkpoints: wait for the tree, with a deadline. */
    private static void awaitTree(String root, Map<String, String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> actual = trees.tree(root);
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            actual = trees.tree(root);
        }
        assertThat(actual).isEqualTo(expected);
    }
}
