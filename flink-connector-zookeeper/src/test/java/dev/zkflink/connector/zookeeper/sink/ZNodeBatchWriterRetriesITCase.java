package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer's retry budget against a server (its own JVM) whose {@code jute.maxbuffer} is below
 * the table's: the server drops every large transaction as ConnectionLoss while small reads work.
 * The reads a retry makes (the sequential guard check, conflict reads) must not refill the budget.
 */
class ZNodeBatchWriterRetriesITCase {
    @TempDir static Path dataDir;
    private static ZooKeeperServerProcess server;
    private static ZooKeeperTrees trees;

    @BeforeAll
    static void start() throws Exception {
        server = ZooKeeperServerProcess.start(dataDir, 256, "-Djute.maxbuffer=200000");
        trees = new ZooKeeperTrees(server.connectString());
    }

    @AfterAll
    static void stop() throws Exception {
        trees.close();
        server.close();
    }

    private static ZooKeeperWriteOptions options(ZNodeCreateMode mode, Duration retryTimeout) {
        return ZooKeeperWriteOptions.builder()
                .setConnection(
                        ZooKeeperConnectionOptions.builder()
                                .setHosts(server.connectString())
                                .setConnectionTimeout(Duration.ofSeconds(2))
                                .build())
                .setCreateMode(mode)
                .setMaxRetries(2)
                .setRetryBackoff(Duration.ofMillis(50))
                .setRetryTimeout(retryTimeout)
                .build();
    }

    @Test
    @Timeout(120) // without the bound it would retry forever
    void aSequentialWriteThatAlwaysFailsTransientlyGivesUpWithinTheBudget() throws Exception {
        for (ZNodeCreateMode mode :
                Arrays.asList(ZNodeCreateMode.PERSISTENT, ZNodeCreateMode.PERSISTENT_SEQUENTIAL)) {
            String root = "/retries-" + mode;
            trees.put(root, "");
            ZooKeeperWriteOptions options = options(mode, Duration.ofSeconds(3));
            try (CuratorFramework client = ZooKeeperClientFactory.open(options.getConnection())) {
                ZNodeBatchWriter writer = new ZNodeBatchWriter(client, options, root);
                ZNodeMutation row = ZNodeMutation.upsert(root + "/k", new byte[300_000]);
                if (mode.isSequential()) {
                    row = row.withSequenceGuard("11111111-1111-1111-1111-111111111111");
                }
                List<ZNodeMutation> rows = Collections.singletonList(row);
                assertThatThrownBy(() -> writer.apply(rows))
                        .as(mode.toString())
                        .hasMessageContaining("giving up ('sink.max-retries' = 2");
            }
        }
    }

    @Test
    void aCommitAfterALongIdleGapHasItsFullBudget() throws Exception {
        String root = "/idle-commit";
        ZooKeeperWriteOptions options =
                options(ZNodeCreateMode.PERSISTENT_SEQUENTIAL, Duration.ofMillis(500));
        try (CuratorFramework client = ZooKeeperClientFactory.open(options.getConnection())) {
            ZNodeBatchWriter committer = new ZNodeBatchWriter(client, options, root);
            List<String> children = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                children.add("c" + i);
            }
            trees.createChildren(root + "/jobs", children, Collections.nCopies(2000, new byte[0]));
            committer.applyReplayable(
                    Collections.singletonList(
                            ZNodeMutation.upsert(root + "/jobs/job-", new byte[] {1})
                                    .withSequenceGuard("aaaaaaaa-1111-1111-1111-111111111111")));
            Thread.sleep(1500); // longer than 'sink.retry.timeout' without a write
            committer.applyReplayable(
                    Collections.singletonList(
                            ZNodeMutation.upsert(root + "/jobs/job-", new byte[] {2})
                                    .withSequenceGuard("bbbbbbbb-1111-1111-1111-111111111111")));
            assertThat(client.getChildren().forPath(root + "/jobs")).hasSize(2002);
        }
    }
}
