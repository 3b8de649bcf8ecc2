package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One persistent recursive watch on a root, per session, fanned out in-process to every subscriber:
 * the server holds one watch and sends each event once, however many readers use it.
 *
 * <p>A subscriber is added before it asks for the watch, so it never misses an event sent after its
 * own request (a session's replies and events arrive in order). It may receive events from before
 * its start point; the reader treats those like any read of a state it already knows.
 *
 * <p>The ZooKeeper client re-adds the watch after a reconnect; after a session expiry the next
 * {@link #ensureWatched} on the new session adds it again. When the last subscriber leaves, the
 * watch is removed from the session, which other users may still hold.
 */
@Internal
public final class SharedRecursiveWatch implements Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(SharedRecursiveWatch.class);

    private final CuratorFramework client;
    private final ZooKeeperConnectionOptions options;
    private final String rootPath;
    private final CopyOnWriteArrayList<Watcher> subscribers = new CopyOnWriteArrayList<>();

    /** The session the watch was (being) added on, and that request's outcome. */
    private long watchedSessionId;

    private CompletableFuture<Void> added;

    SharedRecursiveWatch(
            CuratorFramework client, ZooKeeperConnectionOptions options, String rootPath) {
        this.client = client;
        this.options = options;
        this.rootPath = rootPath;
    }

    public String getRootPath() {
        return rootPath;
    }

    /**
     * Makes sure the watch is on {@code zk}'s session; completes when the server confirmed it. A
     * failed request is sent again by the next call.
     */
    public synchronized CompletableFuture<Void> ensureWatched(ZooKeeper zk) {
        long session = zk.getSessionId();
        if (added != null && session == watchedSessionId && !added.isCompletedExceptionally()) {
            return added;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        watchedSessionId = session;
        added = done;
        zk.addWatch(
                rootPath,
                this,
                AddWatchMode.PERSISTENT_RECURSIVE,
                (rc, path, ctx) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                MissingServerFeature.of(
                                        KeeperException.Code.get(rc),
                                        "persistent recursive watches (addWatch)",
                                        path));
                    }
                },
                null);
        return done;
    }

    void subscribe(Watcher subscriber) {
        subscribers.add(subscriber);
    }

    void unsubscribe(Watcher subscriber) {
        subscribers.remove(subscriber);
        ZooKeeper zk;
        try {
            zk = ZooKeeperCalls.handle(client, options); // outside the lock: it may wait
        } catch (Exception e) {
            LOG.debug("No handle to remove the watch on '{}'", rootPath, e);
            zk = null;
        }
        synchronized (this) {
            if (!subscribers.isEmpty() || added == null) {
                return;
            }
            added = null;
            watchedSessionId = 0;
            if (zk == null) {
                return;
            }
            // Sent under the lock, so a later ensureWatched's addWatch follows it on the session.
            // removeWatches(path, watcher, ...) would only check the server's watch and drop ours
            // locally; removeAllWatches removes the server's (this is the client's only watcher
            // of that kind on the path). 'local' drops ours even if the server does not answer
            // (the connection is down), so a reconnect does not register it again.
            zk.removeAllWatches(
                    rootPath, WatcherType.PersistentRecursive, true, (rc, p, ctx) -> {}, null);
        }
    }

    /** Runs on ZooKeeper's event thread; subscribers keep their part short. */
    @Override
    public void process(WatchedEvent event) {
        for (Watcher subscriber : subscribers) {
            subscriber.process(event);
        }
    }
}
