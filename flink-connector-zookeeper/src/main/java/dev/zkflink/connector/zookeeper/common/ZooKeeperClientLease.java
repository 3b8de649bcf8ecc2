package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.Watcher;

import java.util.ArrayList;
import java.util.List;

/**
 * One user's hold on a shared client ({@link SharedZooKeeperClients}). The user never closes the
 * client itself: it closes the lease, which also removes the listeners and watch subscriptions it
 * added, so a closed subtask receives nothing more.
 */
@Internal
public final class ZooKeeperClientLease implements AutoCloseable {
    private final SharedZooKeeperClients.Shared shared;
    private final long acquiredAtMillis = System.currentTimeMillis();
    private final List<ConnectionStateListener> listeners = new ArrayList<>();
    private final List<Runnable> unsubscribes = new ArrayList<>();
    private boolean closed;

    ZooKeeperClientLease(SharedZooKeeperClients.Shared shared) {
        this.shared = shared;
    }

    public CuratorFramework client() {
        return shared.client;
    }

    /** When this lease was taken: its user's connection wait is bounded from here. */
    public long acquiredAtMillis() {
        return acquiredAtMillis;
    }

    /** Adds a connection state listener, removed again when the lease is closed. */
    public void addConnectionStateListener(ConnectionStateListener listener) {
        shared.client.getConnectionStateListenable().addListener(listener);
        listeners.add(listener);
    }

    /**
     * Subscribes to the shared persistent recursive watch on {@code rootPath}. Events reach the
     * subscriber from now on, on ZooKeeper's event thread; the watch itself is added on a session
     * by {@link SharedRecursiveWatch#ensureWatched}.
     */
    public SharedRecursiveWatch subscribe(String rootPath, Watcher subscriber) {
        SharedRecursiveWatch watch = shared.watch(rootPath);
        watch.subscribe(subscriber);
        unsubscribes.add(() -> watch.unsubscribe(subscriber));
        return watch;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable unsubscribe : unsubscribes) {
            unsubscribe.run();
        }
        for (ConnectionStateListener l : listeners) {
            shared.client.getConnectionStateListenable().removeListener(l);
        }
        SharedZooKeeperClients.release(shared);
    }
}
