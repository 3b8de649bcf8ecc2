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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The persistent recursive watch that keeps a lookup cache current: the session's one shared watch
 * on the table root ({@link SharedRecursiveWatch}), plus the connection state that says whether
 * events can be trusted. After any reconnect it confirms the watch on the (maybe new) session and
 * then tells the cache, which must assume it missed events.
 */
final class LookupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LookupWatch.class);

    private final ZooKeeperClientLease lease;
    private final ZooKeeperConnectionOptions connection;
    private final String root;
    private final AtomicBoolean rewatching = new AtomicBoolean();
    final Counter events = new ThreadSafeSimpleCounter();
    final Counter invalidations = new ThreadSafeSimpleCounter();
    final Counter rewatches = new ThreadSafeSimpleCounter();
    private volatile boolean live;
    private volatile boolean closed;
    private SharedRecursiveWatch watch;
    private Runnable onConfirmed;

    LookupWatch(ZooKeeperLookupTable table, ZooKeeperClientLease lease) {
        this.lease = lease;
        this.connection = table.read.getConnection();
        this.root = table.layout.getRootPath();
    }

    /**
     * Subscribes, waits for the connection and for the server to confirm the watch; fails naming
     * the path if it cannot. {@code onConfirmed} runs now and after every later confirmation.
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
                    if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
                        live = false;
                    }
                    onState.accept(state);
                    if (state == ConnectionState.RECONNECTED) {
                        live = false;
                        rewatch();
                    }
                });
        ZooKeeperClientFactory.awaitConnection(
                lease.client(), connection, lease.acquiredAtMillis(), ZooKeeperWakeUp.NEVER);
        try {
            ZooKeeperCalls.await(
                    watch.ensureWatched(ZooKeeperCalls.handle(lease.client(), connection)),
                    connection);
        } catch (KeeperException e) {
            throw new IOException(
                    String.format(
                            "Could not watch '%s' at '%s' to keep the lookup cache current: %s.%s"
                                    + " Or set 'lookup.cache.watch' = 'false' to refresh by TTL"
                                    + " or reload instead.",
                            root,
                            connection.getHosts(),
                            e.code(),
                            e.code() == KeeperException.Code.NOAUTH
                                    ? " The watch needs READ on the root: set"
                                            + " 'auth.digest.user' and 'auth.digest.password'."
                                    : ""),
                    e);
        }
        onConfirmed.run();
        live = true;
    }

    /** Whether events are flowing on a session the watch is confirmed on. */
    boolean isLive() {
        return live;
    }

    /** After a failed re-watch: tries again once connected. */
    void rewatchIfNeeded() {
        if (!live && !closed && lease.client().getZookeeperClient().isConnected()) {
            rewatch();
        }
    }

    private void rewatch() {
        if (closed || !rewatching.compareAndSet(false, true)) {
            return;
        }
        try {
            watch.ensureWatched(ZooKeeperCalls.handle(lease.client(), connection))
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

    @Override
    public void close() {
        closed = true;
        live = false;
    }
}
