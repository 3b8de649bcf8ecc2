package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subtree deleter against a real server, with the tree changed under it between its listing and
 * its deletes (another client's writes, a dropped connection), which a SQL statement cannot time on
 * purpose. The decider of a later part of the walk makes the change: by then the nodes of the
 * earlier part are listed and queued, and their transaction is sent at the end.
 */
class SubtreeDeleterITCase {
    private TestingServer server;
    private ZooKeeperTrees trees;
    private CuratorFramework client;
    private ZooKeeperWriteOptions options;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        trees = new ZooKeeperTrees(server.getConnectString());
        options =
                ZooKeeperWriteOptions.builder()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts(server.getConnectString())
                                        .build())
                        .setRetryBackoff(Duration.ofMillis(20))
                        .build();
        client =
                ZooKeeperClientFactory.open(
                        options.getConnection(),
                        SubtreeDeleter.clientResponseLimit(
                                options.getConnection().getJuteMaxBuffer()));
        trees.put("/t/p/x", "queued early");
        trees.put("/t/q/y", "walked later");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        trees.close();
        server.close();
    }

    private SubtreeDeleter deleter() {
        return new SubtreeDeleter(client, options, ZNodeTreeLayout.wholeSubtree("/t"));
    }

    /** Keeps 'q' and decides its children, running {@code change} once when asked about them. */
    private static SubtreeDeleter.Decider changingAt(String path, Change change) {
        AtomicBoolean done = new AtomicBoolean();
        return (relative, depth) -> {
            if (relative.equals(path) && !done.getAndSet(true)) {
                try {
                    change.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return relative.equals("q")
                    ? SubtreeDeleter.Decision.DESCEND
                    : SubtreeDeleter.Decision.DELETE;
        };
    }

    private interface Change {
        void run() throws Exception;
    }

    @Test
    void aNodeThatGainsChildrenAfterItsListingIsDeletedWithThem() throws Exception {
        SubtreeDeleter deleter = deleter();
        deleter.sweep(
                changingAt(
                        "q/y",
                        () -> {
                            trees.put("/t/p/x/new/deeper", "created after the listing");
                            trees.put("/t/p/other", "also");
                        }));

        assertThat(trees.tree("/t")).containsOnlyKeys("q");
        // p, p/x, q/y and the three nodes created in between: every node is a row here.
        assertThat(deleter.rowsDeleted()).isEqualTo(6);
    }

    @Test
    void aNodeAnotherClientDeletedCountsAsDeleted() throws Exception {
        SubtreeDeleter deleter = deleter();
        deleter.sweep(changingAt("q/y", () -> trees.deleteAll("/t/p")));

        assertThat(trees.tree("/t")).containsOnlyKeys("q");
        assertThat(deleter.rowsDeleted()).isEqualTo(3);
    }

    @Test
    void aDroppedConnectionIsRetried() throws Exception {
        SubtreeDeleter deleter = deleter();
        deleter.sweep(
                changingAt(
                        "q/y",
                        () ->
                                client.getZookeeperClient()
                                        .getZooKeeper()
                                        .getTestable()
                                        .closeSocket()));

        assertThat(trees.tree("/t")).containsOnlyKeys("q");
        assertThat(deleter.rowsDeleted()).isEqualTo(3);
    }

    @Test
    void deleteSubtreesDeletesEachWithItsNodesAndIgnoresMissingOnes() throws Exception {
        SubtreeDeleter deleter =
                new SubtreeDeleter(client, options, ZNodeTreeLayout.levels("/t", 1));
        deleter.deleteSubtrees(Arrays.asList("p", "missing"));

        assertThat(trees.tree("/t")).containsOnlyKeys("q", "q/y");
        assertThat(deleter.rowsDeleted()).as("only depth-1 nodes are rows").isEqualTo(1);
    }
}
