package dev.zkflink.connector.zookeeper.testutils.conformance;

import org.apache.zookeeper.ZooKeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A plain ZooKeeper client for the test side of a suite, connected or failed within 15 s. */
final class Clients {
    private Clients() {}

    static ZooKeeper connect(String hosts) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk =
                new ZooKeeper(
                        hosts,
                        30_000,
                        event -> {
                            if (event.getState()
                                    == org.apache.zookeeper.Watcher.Event.KeeperState
                                            .SyncConnected) {
                                connected.countDown();
                            }
                        });
        if (!connected.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("No connection to " + hosts + " within 15 s");
        }
        return zk;
    }
}
