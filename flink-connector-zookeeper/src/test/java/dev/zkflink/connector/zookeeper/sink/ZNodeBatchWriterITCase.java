package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The batch writer against a real server, for outcomes a whole job cannot reach on purpose. */
class ZNodeBatchWriterITCase {
    private TestingServer server;
    private ZooKeeperTrees trees;
    private CuratorFramework client;
    private ZNodeBatchWriter writer;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        trees = new ZooKeeperTrees(server.getConnectString());
        ZooKeeperWriteOptions options =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .build();
        client = ZooKeeperClientFactory.open(options.getConnection());
        writer = new ZNodeBatchWriter(client, options, "/t");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        trees.close();
        server.close();
    }

    @Test
    void deleteOfANodeWithChildrenRemovesItsSubtree() throws Exception {
        trees.put("/t/a/x/y", "1");
        trees.put("/t/b", "2");
        writer.apply(Arrays.asList(ZNodeMutation.delete("/t/a"), ZNodeMutation.delete("/t/b")));
        assertThat(trees.exists("/t/a")).isFalse();
        assertThat(trees.exists("/t/b")).isFalse();
    }

    /**
     * ZooKeeper.multi throws a NOTEMPTY that names no path and carries no per-op results when the
     * reply header holds the error. The writer must still know what to delete.
     */
    @Test
    void notEmptyThatNamesNoPathDeletesTheChunksSubtrees() throws Exception {
        trees.put("/t/a/x", "1");
        trees.put("/t/b/y", "2");
        trees.put("/t/keep", "3");
        List<ZNodeMutation> pending =
                new ArrayList<>(
                        Arrays.asList(
                                ZNodeMutation.delete("/t/a"),
                                ZNodeMutation.upsert("/t/c", new byte[] {1}),
                                ZNodeMutation.delete("/t/b")));
        KeeperException noPath = KeeperException.create(KeeperException.Code.NOTEMPTY);
        assertThat(noPath.getPath()).isNull();
        assertThat(noPath.getResults()).isNull();

        writer.recoverFromNotEmpty(pending, noPath);

        assertThat(trees.exists("/t/a")).isFalse();
        assertThat(trees.exists("/t/b")).isFalse();
        assertThat(trees.exists("/t/keep")).isTrue();
        assertThat(pending).extracting(ZNodeMutation::getPath).containsExactly("/t/c");
        writer.apply(pending);
        assertThat(trees.tree("/t")).containsOnlyKeys("c", "keep");
    }

    /**
     * An exactly-once committable holds a whole checkpoint interval: a key deleted and written
     * again in it arrives as a delete and an upsert of the same path in one apply. The writer knows
     * the node (it wrote it before), so it guesses setData; in the delete's transaction that always
     * fails with NONODE.
     */
    @Test
    void deleteThenUpsertOfTheSamePathInOneApplyWritesTheNewValue() throws Exception {
        writer.apply(Arrays.asList(ZNodeMutation.upsert("/t/k", bytes("v1"))));
        writer.apply(
                Arrays.asList(
                        ZNodeMutation.delete("/t/k"),
                        ZNodeMutation.upsert("/t/k", bytes("v2")),
                        ZNodeMutation.upsert("/t/other", bytes("o"))));
        assertThat(trees.get("/t/k")).isEqualTo("v2");
        assertThat(trees.get("/t/other")).isEqualTo("o");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
