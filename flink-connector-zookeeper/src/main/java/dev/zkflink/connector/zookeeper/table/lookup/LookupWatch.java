package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.SharedRecursiveWatch;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The persistent recursive watch that keeps a lookup cache current: the session's one shared watch
 * on the table root ({@link SharedRecursiveWatch}), plus the connection state that says whether
 * events can be trusted. After any reconnect it confirms the watch on the (maybe new) session, then
 * {@code sync}s (a new session may be on a server that is behind the ones the old one saw), and
 * then tells the cache, which must assume it missed events.
 */
final class LookupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LookupWatch.class);

    /** A failed re-watch is tried again at most this often. */
    private static final long REWATCH_INTERVAL_MS = 1000;

    private final ZooKeeperClientLease lease;
    private final ZooKeeperConnectionOptions connection;
    private final String root;
    private final int maxRetries;
    private final String retriesOption;
    private final AtomicBoolean rewatching = new AtomicBoolean();
    final Counter events = new ThreadSafeSimpleCounter();
    final Counter invalidations = new ThreadSafeSimpleCounter();
    final Counter rewatches = new ThreadSafeSimpleCounter();
    private volatile boolean live;
    private volatile boolean closed;
    private volatile long lastRewatchMillis;

    /** Since when the watch has not been live while the client was connected; 0 if it is. */
    private volatile long notLiveSinceMillis;

    private SharedRecursiveWatch watch;
    private Runnable onConfirmed;

    /**
     * @param maxRetries retries of a transient failure while the watch is first set
     * @param retriesOption the option that sets them, for the error
     */
    LookupWatch(
            ZooKeeperLookupTable table,
            ZooKeeperClientLease lease,
            int maxRetries,
            String retriesOption) {
        this.lease = lease;
        this.connection = table.read.getConnection();
        this.root = table.layout.getRootPath();
        this.maxRetries = maxRetries;
        this.retriesOption = retriesOption;
    }

    /**
     * Subscribes, waits for the connection and for the server to confirm the watch (retrying a
     * transient failure), then syncs; fails naming the path if it cannot. {@code onConfirmed} runs
     * now and after every later confirmation.
     */
    void start(
            Consumer<WatchedEvent> onEvent, Consumer<ConnectionState> onState, Runnable onConfirmed)
            throws IOException {
        this.onConfirmed = onConfirmed;
        watch =
                lease.subscribe(
                        root,
                        e -> {
                            if (!closed) {
                                events.inc();
                                onEvent.accept(e);
                            }
                        });
        lease.addConnectionStateListener(
                (c, state) -> {
                    if (closed) {
                        return;
                    }
                    if (state != ConnectionState.CONNECTED) {
                        markNotLive();
                    }
                    onState.accept(state);
                    if (state == ConnectionState.RECONNECTED) {
                        rewatch();
                    }
                });
        ZooKeeperClientFactory.awaitConnection(
                lease.client(), connection, lease.acquiredAtMillis(), ZooKeeperWakeUp.NEVER);
        int failures = 0;
        while (true) {
            try {
                ZooKeeper zk = ZooKeeperCalls.handle(lease.client(), connection);
                ZooKeeperCalls.await(watch.ensureWatched(zk), connection);
                ZooKeeperCalls.await(sync(zk), connection);
                break;
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code()) || ++failures > maxRetries) {
                    throw cannotWatch(e, failures);
                }
                LOG.warn(
                        "Setting the lookup watch on '{}' hit {} (attempt {} of {}); retrying.",
                        root,
                        e.code(),
                        failures,
                        maxRetries + 1);
                ZooKeeperWakeUp.NEVER.sleep(
                        ZooKeeperCalls.backoffMillis(
                                connection.getRetryBaseSleep().toMillis(),
                                connection.getRetryMaxSleep().toMillis(),
                                failures));
                ZooKeeperClientFactory.awaitConnection(
                        lease.client(),
                        connection,
                        System.currentTimeMillis(),
                        ZooKeeperWakeUp.NEVER);
            }
        }
        onConfirmed.run();
        live = true;
    }

    private IOException cannotWatch(KeeperException e, int failures) {
        return new IOException(
                String.format(
                        "Could not watch '%s' at '%s' to keep the lookup cache current: %s%s.%s"
                                + " Or set 'lookup.cache.watch' = 'false' to refresh by TTL or"
                                + " reload instead.",
                        root,
                        connection.getHosts(),
                        e.code(),
                        ZooKeeperCalls.isTransient(e.code())
                                ? " after " + (failures - 1) + " retries ('" + retriesOption + "')"
                                : "",
                        e.code() == KeeperException.Code.NOAUTH
                                ? " The watch needs READ on the root: set"
                                        + " 'auth.digest.user' and 'auth.digest.password'."
                                : ""),
                e);
    }

    /** Whether events are flowing on a session the watch is confirmed on. */
    boolean isLive() {
        return live;
    }

    /**
     * How long the watch has not been live although the client is connected (a re-watch keeps
     * failing), in ms; 0 if it is live or the client is not connected.
     */
    long notLiveWhileConnectedMillis() {
        long since = notLiveSinceMillis;
        return live || since == 0 || !lease.client().getZookeeperClient().isConnected()
                ? 0
                : System.currentTimeMillis() - since;
    }

    /** After a failed re-watch: tries again once connected, at most once a second. */
    void rewatchIfNeeded() {
        if (!live
                && !closed
                && System.currentTimeMillis() - lastRewatchMillis >= REWATCH_INTERVAL_MS
                && lease.client().getZookeeperClient().isConnected()) {
            rewatch();
        }
    }

    private void markNotLive() {
        if (live || notLiveSinceMillis == 0) {
            notLiveSinceMillis = System.currentTimeMillis();
        }
        live = false;
    }

    private void rewatch() {
        if (closed || !rewatching.compareAndSet(false, true)) {
            return;
        }
        markNotLive();
        lastRewatchMillis = System.currentTimeMillis();
        try {
            ZooKeeper zk = ZooKeeperCalls.handle(lease.client(), connection);
            watch.ensureWatched(zk)
                    .thenCompose(ok -> sync(zk))
                    .whenComplete(
                            (ok, error) -> {
                                rewatching.set(false);
                                if (closed) {
                                    return;
                                }
                                if (error == null) {
                                    rewatches.inc();
                                    onConfirmed.run();
                                    live = true;
                                    notLiveSinceMillis = 0;
                                } else {
                                    LOG.warn(
                                            "Could not re-add the lookup watch on '{}'; the cache"
                                                    + " is bypassed until it is.",
                                            root,
                                            error);
                                }
                            });
        } catch (IOException e) {
            rewatching.set(false);
            LOG.warn("No ZooKeeper handle to re-add the lookup watch on '{}'", root, e);
        }
    }

    /** Completes once the session's server has caught up with the leader as of now. */
    private CompletableFuture<Void> sync(ZooKeeper zk) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        zk.sync(
                root,
                (rc, path, ctx) -> {
                    if (rc == KeeperException.Code.OK.intValue()
                            || rc == KeeperException.Code.NONODE.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                },
                null);
        return done;
    }

    @Override
    public void close() {
        closed = true;
        live = false;
    }
}
