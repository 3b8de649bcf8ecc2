package dev.zkflink.connector.zookeeper.common;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared clients and the fanned-out watch, against a real server's sessions and watches. */
class SharedZooKeeperClientsITCase {
    private static final int LIMIT = 4 << 20;
    private static TestingServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestingServer(ServerStats.withFourLetterWords(200), true);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static ZooKeeperConnectionOptions options(String user) {
        ZooKeeperConnectionOptions.Builder b =
                ZooKeeperConnectionOptions.builder()
                        .setHosts(server.getConnectString())
                        .setSessionTimeout(Duration.ofSeconds(2));
        if (user != null) {
            b.setDigestAuth(user, "secret");
        }
        return b.build();
    }

    @Test
    void equalSettingsShareOneClientPerRoleUntilTheLastLeaseCloses() throws Exception {
        int before = SharedZooKeeperClients.openClients();
        ZooKeeperClientLease a =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.READER, options(null), LIMIT);
        ZooKeeperClientLease b =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.READER, options(null), LIMIT);
        ZooKeeperClientLease writer =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.WRITER, options(null), LIMIT);
        ZooKeeperClientLease otherUser =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.READER, options("alice"), LIMIT);
        assertThat(b.client()).isSameAs(a.client());
        assertThat(writer.client()).isNotSameAs(a.client());
        assertThat(otherUser.client()).isNotSameAs(a.client());
        assertThat(SharedZooKeeperClients.openClients() - before).isEqualTo(3);

        CuratorFramework shared = a.client();
        a.close();
        a.close(); // idempotent: must not release b's hold
        assertThat(shared.getState()).isEqualTo(CuratorFrameworkState.STARTED);
        b.close();
        awaitClosed(shared);
        writer.close();
        otherUser.close();
        assertThat(SharedZooKeeperClients.openClients()).isEqualTo(before);
    }

    @Test
    void unsharedSettingsGiveEveryLeaseItsOwnSession() throws Exception {
        ZooKeeperConnectionOptions own =
                ZooKeeperConnectionOptions.builder()
                        .setHosts(server.getConnectString())
                        .setSharedSession(false)
                        .build();
        Set<String> before = ServerStats.sessions(server.getPort());
        try (ZooKeeperClientLease a =
                        SharedZooKeeperClients.acquire(
                                SharedZooKeeperClients.Role.READER, own, LIMIT);
                ZooKeeperClientLease b =
                        SharedZooKeeperClients.acquire(
                                SharedZooKeeperClients.Role.READER, own, LIMIT)) {
            assertThat(b.client()).isNotSameAs(a.client());
            for (ZooKeeperClientLease l : new ZooKeeperClientLease[] {a, b}) {
                ZooKeeperClientFactory.awaitConnection(
                        l.client(), own, l.acquiredAtMillis(), ZooKeeperWakeUp.NEVER);
            }
            Set<String> sessions = ServerStats.sessions(server.getPort());
            sessions.removeAll(before);
            assertThat(sessions).hasSize(2);
        }
    }

    @Test
    void oneServerWatchFansOutAndFollowsSubscribersAndSessions() throws Exception {
        String root = "/shared-watch";
        try (ZooKeeperClientLease holder =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.READER, options(null), LIMIT)) {
            ZooKeeperClientFactory.awaitConnection(
                    holder.client(),
                    options(null),
                    holder.acquiredAtMillis(),
                    ZooKeeperWakeUp.NEVER);
            holder.client().create().forPath(root);
            int watchesBefore = ServerStats.totalWatches(server.getPort());
            Events first = new Events();
            Events second = new Events();
            ZooKeeperClientLease l1 =
                    SharedZooKeeperClients.acquire(
                            SharedZooKeeperClients.Role.READER, options(null), LIMIT);
            ZooKeeperClientLease l2 =
                    SharedZooKeeperClients.acquire(
                            SharedZooKeeperClients.Role.READER, options(null), LIMIT);
            SharedRecursiveWatch w1 = l1.subscribe(root, first);
            SharedRecursiveWatch w2 = l2.subscribe(root, second);
            assertThat(w2).isSameAs(w1);
            ZooKeeper zk = holder.client().getZookeeperClient().getZooKeeper();
            w1.ensureWatched(zk).get(10, TimeUnit.SECONDS);
            w2.ensureWatched(zk).get(10, TimeUnit.SECONDS);
            assertThat(ServerStats.totalWatches(server.getPort()) - watchesBefore).isEqualTo(1);

            holder.client().create().forPath(root + "/a");
            first.await(root + "/a");
            second.await(root + "/a");

            l1.close(); // its subscriber receives nothing more; the other one still does
            holder.client().create().forPath(root + "/b");
            second.await(root + "/b");
            assertThat(first.paths).doesNotContain(root + "/b");

            l2.close(); // the last subscriber: the watch leaves the session, which stays
            awaitWatches(watchesBefore);

            Events third = new Events();
            ZooKeeperClientLease l3 =
                    SharedZooKeeperClients.acquire(
                            SharedZooKeeperClients.Role.READER, options(null), LIMIT);
            SharedRecursiveWatch w3 = l3.subscribe(root, third);
            w3.ensureWatched(zk).get(10, TimeUnit.SECONDS);
            holder.client().create().forPath(root + "/c");
            third.await(root + "/c");

            // After a server-side expiry the next ensureWatched adds it on the new session.
            Set<String> sessions = ServerStats.sessions(server.getPort());
            assertThat(SessionHijack.expire(server.getConnectString(), zk.getSessionId(), 10_000))
                    .isTrue();
            ZooKeeper renewed = awaitNewSession(holder.client(), zk.getSessionId());
            w3.ensureWatched(renewed).get(10, TimeUnit.SECONDS);
            holder.client().create().forPath(root + "/d");
            third.await(root + "/d");
            assertThat(ServerStats.sessions(server.getPort())).isNotEqualTo(sessions);
            l3.close();
        }
    }

    private static ZooKeeper awaitNewSession(CuratorFramework client, long old) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
            if (zk.getSessionId() != old
                    && zk.getSessionId() != 0
                    && client.getZookeeperClient().isConnected()) {
                return zk;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no new session within 30 s");
    }

    private static void awaitWatches(int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ServerStats.totalWatches(server.getPort()) != expected
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ServerStats.totalWatches(server.getPort())).isEqualTo(expected);
    }

    private static void awaitClosed(CuratorFramework client) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (client.getState() != CuratorFrameworkState.STOPPED
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STOPPED);
    }

    private static final class Events implements Watcher {
        final CopyOnWriteArrayList<String> paths = new CopyOnWriteArrayList<>();

        @Override
        public void process(WatchedEvent event) {
            if (event.getPath() != null) {
                paths.add(event.getPath());
            }
        }

        void await(String path) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            while (!paths.contains(path) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(paths).contains(path);
        }
    }
}
