package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.client.ZKClientConfig;

import java.io.IOException;

/**
 * A ZooKeeper handle that tells the newest zxid its session has seen in a reply header. ZooKeeper
 * keeps that value for reconnects but does not expose it; the live reader needs it as the start
 * point of a {@code latest} read: every change with a higher zxid happened after the reader asked
 * for its watch.
 *
 * <p>It is a {@link ZooKeeperAdmin}, like the handles Curator creates by default.
 */
@Internal
public final class ZxidAwareZooKeeper extends ZooKeeperAdmin {

    /** What Curator calls to open every (re)created handle of a client. */
    static final ZookeeperFactory FACTORY =
            new ZookeeperFactory() {
                @Override
                public ZooKeeper newZooKeeper(
                        String connectString, int sessionTimeout, Watcher watcher, boolean ro)
                        throws IOException {
                    return new ZxidAwareZooKeeper(
                            connectString, sessionTimeout, watcher, ro, new ZKClientConfig());
                }

                @Override
                public ZooKeeper newZooKeeper(
                        String connectString,
                        int sessionTimeout,
                        Watcher watcher,
                        boolean ro,
                        ZKClientConfig config)
                        throws IOException {
                    return new ZxidAwareZooKeeper(
                            connectString,
                            sessionTimeout,
                            watcher,
                            ro,
                            config == null ? new ZKClientConfig() : config);
                }
            };

    private ZxidAwareZooKeeper(
            String connectString,
            int sessionTimeout,
            Watcher watcher,
            boolean canBeReadOnly,
            ZKClientConfig config)
            throws IOException {
        super(connectString, sessionTimeout, watcher, canBeReadOnly, config);
    }

    /**
     * The zxid in the newest reply this session received, or -1 for a handle not made here. Every
     * server that answers later has applied at least this zxid (the client refuses servers that are
     * behind), so a request sent after this call is processed at a zxid at least this high.
     */
    public static long lastSeenZxid(ZooKeeper zk) {
        return zk instanceof ZxidAwareZooKeeper ? ((ZxidAwareZooKeeper) zk).cnxn.getLastZxid() : -1;
    }
}
