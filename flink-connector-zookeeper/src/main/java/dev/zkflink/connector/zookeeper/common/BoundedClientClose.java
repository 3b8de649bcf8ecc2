package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;

/**
 * Closes a client without holding the task thread. {@code ZooKeeper.close()} waits for the server
 * to answer closeSession, and a server that went silent never does: the task would wait for the
 * client's read timeout, so a cancel took seconds to minutes. The close runs on its own thread and
 * is interrupted after a bound (closeSession then gives up and the socket is dropped; the server
 * expires the session by itself after 'session.timeout').
 */
@Internal
public final class BoundedClientClose {
    /** A healthy server answers closeSession within milliseconds. */
    static final long CLOSE_WAIT_MS = 1_000;

    private BoundedClientClose() {}

    public static void close(CuratorFramework client, String name) {
        Thread closer = new Thread(client::close, "zookeeper-close-" + name);
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: stop waiting, keep the flag
        }
        if (closer.isAlive()) {
            closer.interrupt();
        }
    }
}
