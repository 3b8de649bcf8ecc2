package dev.zkflink.connector.zookeeper.soak;

import dev.zkflink.connector.zookeeper.testutils.ExampleScript;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example mirror without any fault: a parent deleted with its children and created again with
 * some of them. Two things lost new children: the source emitted {@code +I} of a new child before
 * {@code -D} of its old parent (whose first event, a NodeDeleted, came after the children's), and
 * the planner put a ChangelogNormalize (a hash exchange by key, which reorders rows of different
 * keys) in front of a sink that did not accept key-only deletes. The relative-path sink's subtree
 * delete then removed children that exist in the source.
 */
class MirrorSubtreeITCase extends ZooKeeperTableTestBase {

    private static Map<String, List<Object>> rows(String root) throws Exception {
        Map<String, List<Object>> out = new TreeMap<>();
        try {
            trees.tree(root).forEach((k, v) -> out.put(k, Collections.singletonList(v)));
        } catch (Exception e) {
            out.put("<raced>", null);
        }
        return out;
    }

    /** {@code examples/mirror-check.sql} lists missing, stale and changed paths, and only those. */
    @Test
    void checkScriptListsEveryDifference() throws Exception {
        String source = newRoot("check-src");
        String sink = newRoot("check-sink");
        trees.put(source + "/a/same", "1");
        trees.put(source + "/a/changed", "2");
        trees.put(source + "/missing", "3");
        trees.put(source + "/empty", new byte[0]);
        trees.put(sink + "/a/same", "1");
        trees.put(sink + "/a/changed", "9");
        trees.put(sink + "/stale/x", "4");
        trees.put(sink + "/empty", new byte[0]);
        ExampleScript check =
                ExampleScript.load(
                        ExampleScript.location("mirror-check.sql"),
                        Map.of(
                                "source_hosts",
                                server.getConnectString(),
                                "source_path",
                                source,
                                "sink_hosts",
                                server.getConnectString(),
                                "sink_path",
                                sink));
        assertThat(collectStrings(check.run(batchTableEnv(), Map.of())))
                .containsExactly(
                        "+I[a/changed, data differs]",
                        "+I[missing, missing in the mirror]",
                        "+I[stale, only in the mirror]",
                        "+I[stale/x, only in the mirror]");
    }

    @Test
    void parentDeletedAndRecreatedWithChildren() throws Exception {
        String source = newRoot("mirror-src");
        String sink = newRoot("mirror-sink");
        for (int g = 0; g < 4; g++) {
            for (int n = 0; n < 20; n++) {
                trees.put(source + "/g" + g + "/n" + n, "v" + n);
            }
        }
        ExampleScript script =
                ExampleScript.load(
                        ExampleScript.location("mirror-subtree.sql"),
                        Map.of(
                                "source_hosts",
                                server.getConnectString(),
                                "source_path",
                                source,
                                "sink_hosts",
                                server.getConnectString(),
                                "sink_path",
                                sink));
        StreamTableEnvironment tEnv = streamingTableEnv();
        JobClient job =
                script.run(tEnv, Map.of("execution.checkpointing.interval", "1 s"))
                        .getJobClient()
                        .orElseThrow();
        try {
            assertThat(
                            MaterializedChangelog.pollUntilEqual(
                                    () -> rows(source),
                                    () -> rows(sink),
                                    Duration.ofSeconds(60),
                                    () -> {}))
                    .isNull();
            for (int round = 0; round < 20; round++) {
                int g = round % 4;
                trees.deleteAll(source + "/g" + g);
                for (int n = 0; n < 20; n += 3) {
                    trees.put(source + "/g" + g + "/n" + n, "r" + round);
                }
            }
            String difference =
                    MaterializedChangelog.pollUntilEqual(
                            () -> rows(source), () -> rows(sink), Duration.ofSeconds(30), () -> {});
            assertThat(difference).as("sink tree vs source tree").isNull();
        } finally {
            job.cancel().get();
        }
    }
}
