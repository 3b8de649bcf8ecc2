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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /**
     * Flink commits a committable again after a restore when it cannot know whether the commit had
     * run. A second commit of guarded sequential creates and conditional writes changes nothing.
     */
    @Test
    void aCommittableCommittedTwiceCreatesNothingTwice() throws Exception {
        ZooKeeperWriteOptions options =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .setCreateMode(ZNodeCreateMode.PERSISTENT_SEQUENTIAL)
                        .build();
        ZNodeBatchWriter sequential = new ZNodeBatchWriter(client, options, "/t");
        trees.put("/t/jobs", "");
        List<ZNodeMutation> committable =
                Arrays.asList(
                        ZNodeMutation.upsert("/t/jobs/job-", new byte[] {1})
                                .withSequenceGuard("11111111-1111-1111-1111-111111111111"),
                        ZNodeMutation.upsert("/t/jobs/job-", new byte[] {2})
                                .withSequenceGuard("22222222-2222-2222-2222-222222222222"));
        sequential.applyReplayable(committable);
        sequential.applyReplayable(committable);
        assertThat(client.getChildren().forPath("/t/jobs")).hasSize(2);

        trees.put("/t/flag", "off");
        List<ZNodeMutation> cas =
                Arrays.asList(
                        ZNodeMutation.upsert(
                                "/t/flag", "on".getBytes(StandardCharsets.UTF_8), 0, 0));
        writer.applyReplayable(cas);
        writer.applyReplayable(cas); // meets version 1 with its own data: done, not a conflict
        assertThat(trees.get("/t/flag")).isEqualTo("on");
        assertThat(trees.stat("/t/flag").getVersion()).isEqualTo(1);
    }

    /**
     * A restored writer or committer replays writes the failed attempt made; a conflict then may be
     * one of those writes changed since by another client. It is skipped and counted, not failed on
     * (which would fail every restore from the same checkpoint), until the first checkpoint.
     */
    @Test
    void conflictsWhileReplayingAfterARestoreAreSkippedAndCounted() throws Exception {
        trees.put("/t/flag", "ours");
        trees.client().setData().forPath("/t/flag", "theirs".getBytes(StandardCharsets.UTF_8));
        List<ZNodeMutation> skipped = new ArrayList<>();
        ZooKeeperWriteOptions options =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .build(); // 'sink.version-conflict' = 'fail'
        ZNodeBatchWriter restored =
                new ZNodeBatchWriter(
                        client,
                        options,
                        "/t",
                        new ZNodeBatchWriter.WriteListener() {
                            @Override
                            public void written(
                                    List<ZNodeMutation> m, long b, long n, long session) {}

                            @Override
                            public void versionConflictSkipped(ZNodeMutation m) {
                                skipped.add(m);
                            }
                        });
        List<ZNodeMutation> replay =
                Arrays.asList(
                        ZNodeMutation.upsert(
                                "/t/flag", "ours".getBytes(StandardCharsets.UTF_8), 0, 0));
        restored.setReplaying(true);
        restored.apply(replay);
        assertThat(skipped).hasSize(1);
        assertThat(trees.get("/t/flag")).isEqualTo("theirs");
        restored.setReplaying(false);
        assertThatThrownBy(() -> restored.apply(replay))
                .hasMessageContaining("Version conflict on znode '/t/flag'");
    }

    @Test
    void deleteOfANodeWithChildrenRemovesItsSubtree() throws Exception {
        trees.put("/t/a/x/y", "1");
        trees.put("/t/b", "2");
        writer.apply(Arrays.asList(ZNodeMutation.delete("/t/a"), ZNodeMutation.delete("/t/b")));
        assertThat(trees.exists("/t/a")).isFalse();
        assertThat(trees.exists("/t/b")).isFalse();
    }

    /** A conditional delete takes the subtree only when the node is at the expected version. */
    @Test
    void conditionalDeleteOfANodeWithChildrenChecksItsVersionFirst() throws Exception {
        trees.put("/t/a/x/y", "1");
        trees.put("/t/b/z", "2");
        trees.client().setData().forPath("/t/b", new byte[] {7}); // now at version 1
        writer.apply(Arrays.asList(ZNodeMutation.delete("/t/a", 0)));
        assertThat(trees.exists("/t/a")).isFalse();
        assertThatThrownBy(() -> writer.apply(Arrays.asList(ZNodeMutation.delete("/t/b", 0))))
                .hasMessageContaining("Version conflict on znode '/t/b'")
                .hasMessageContaining("the node is at version 1");
        assertThat(trees.exists("/t/b/z")).as("a conflict leaves the subtree as it was").isTrue();
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

        writer.recoverFromNotEmpty(pending, noPath, new ArrayList<>());

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

    // A chunk that fails as a whole (here: a create of a node someone else made, NodeExists) is
    // written again only once it is the oldest in flight, after the chunks sent behind it. The
    // next three tests send such a chunk, then one whose order against it matters; each ends
    // wrong if the second is sent while the first is in flight.

    /** Shared path: the failed chunk's older value must not land after the newer one. */
    @Test
    void aLaterWriteOfTheSamePathWaitsForAFailedChunk() throws Exception {
        writer.apply(Arrays.asList(ZNodeMutation.upsert("/t/k", bytes("v0")))); // known now
        trees.put("/t/taken", "someone else's");
        writer.send(
                Arrays.asList(
                        ZNodeMutation.upsert("/t/k", bytes("v1")),
                        ZNodeMutation.upsert("/t/taken", bytes("mine"))));
        writer.send(Arrays.asList(ZNodeMutation.upsert("/t/k", bytes("v2"))));
        writer.awaitAll();
        assertThat(trees.get("/t/k")).isEqualTo("v2");
        assertThat(trees.get("/t/taken")).isEqualTo("mine");
    }

    /** A delete above a failed upsert: re-applied later, the upsert would re-create the node. */
    @Test
    void aDeleteAboveAFailedUpsertWaitsForIt() throws Exception {
        trees.put("/t/p", "");
        trees.put("/t/taken", "someone else's");
        writer.send(
                Arrays.asList(
                        ZNodeMutation.upsert("/t/p/c", bytes("1")),
                        ZNodeMutation.upsert("/t/taken", bytes("mine"))));
        writer.send(Arrays.asList(ZNodeMutation.delete("/t/p")));
        writer.awaitAll();
        assertThat(trees.tree("/t")).containsOnlyKeys("taken");
    }

    /** An upsert below a failed delete: re-applied later, the delete would remove it. */
    @Test
    void anUpsertBelowAFailedDeleteWaitsForIt() throws Exception {
        trees.put("/t/d", "old");
        trees.put("/t/taken", "someone else's");
        writer.send(
                Arrays.asList(
                        ZNodeMutation.delete("/t/d"),
                        ZNodeMutation.upsert("/t/taken", bytes("mine"))));
        writer.send(Arrays.asList(ZNodeMutation.upsert("/t/d/x", bytes("1"))));
        writer.awaitAll();
        assertThat(trees.tree("/t")).containsEntry("d", "").containsEntry("d/x", "1");
    }

    /** Chunks that commute are sent without waiting, up to the bound, across sends. */
    @Test
    void inFlightTransactionsAreBoundedAndAllDurableAfterAwaitAll() throws Exception {
        ZooKeeperWriteOptions three =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .setMaxInFlight(3)
                        .build();
        ZNodeBatchWriter pipelined = new ZNodeBatchWriter(client, three, "/t");
        trees.put("/t", "");
        int maxSeen = 0;
        for (int i = 0; i < 30; i++) {
            pipelined.send(Arrays.asList(ZNodeMutation.upsert("/t/n" + i, bytes("v" + i))));
            maxSeen = Math.max(maxSeen, pipelined.inFlightCount());
            assertThat(pipelined.inFlightCount()).isLessThan(3);
        }
        pipelined.awaitAll();
        assertThat(pipelined.inFlightCount()).isZero();
        assertThat(maxSeen).as("transactions left in flight between sends").isEqualTo(2);
        assertThat(trees.tree("/t")).hasSize(30).containsEntry("n29", "v29");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
