package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.SharedRecursiveWatch;
import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAuthenticationException;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.common.ZxidAwareZooKeeper;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A live reader's session: a lease on the TaskManager's shared client ({@link
 * SharedZooKeeperClients}), its subscription to the shared persistent recursive watch, and what a
 * reconnect or a session expiry means for the reader.
 *
 * <ul>
 *   <li>Events missed while disconnected are not replayed, and after an expiry the watch is gone:
 *       every lost connection asks for a resync walk ({@link #takeResyncRequest}).
 *   <li>Before a walk, {@link #prepareWalk} puts the watch on the current session, then syncs, so
 *       the walk reads a state no older than the events to come.
 *   <li>Reads that may have gone to a new session are detected ({@link #sessionReplaced}) and done
 *       again after the new session is watched and synced.
 * </ul>
 *
 * <p>Used by the fetcher thread; the connection listener and the watch run on ZooKeeper's threads
 * and only touch the atomic resync flags, the metrics and the change callback.
 */
final class WatchedSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedSession.class);

    private final ZooKeeperReadOptions options;
    private final ZooKeeperConnectionOptions connection;
    private final String rootPath;
    private final String watchPath;
    private final ChangelogReaderMetrics metrics;
    private final BiConsumer<String, Watcher.Event.EventType> onChange;
    private final Runnable onReconnect;

    private final AtomicBoolean resyncRequested = new AtomicBoolean();

    /** Set when the connection (not a new bucket) asked for the walk: counted as a resync. */
    private final AtomicBoolean connectionResync = new AtomicBoolean();

    /** Cuts short the fetcher's waits for ZooKeeper when Flink calls {@link #wakeUp()}. */
    private final ZooKeeperWakeUp wake = new ZooKeeperWakeUp();

    private ZooKeeperClientLease lease;
    private SharedRecursiveWatch watch;
    private CuratorFramework client;
    private ZNodeBatchReader reader;
    private long watchedSessionId;

    /** The newest zxid the session had seen before its current watch was added. */
    private long watchZxid = BucketSplit.NO_ZXID;

    private int failedWalkStarts;

    /**
     * @param onChange gets the path and type of every node event of the watch, on ZooKeeper's event
     *     thread: keep it short
     * @param onReconnect ends the fetcher's wait for events, so the resync starts
     */
    WatchedSession(
            ZooKeeperReadOptions options,
            String rootPath,
            String watchPath,
            ChangelogReaderMetrics metrics,
            BiConsumer<String, Watcher.Event.EventType> onChange,
            Runnable onReconnect) {
        this.options = options;
        this.connection = options.getConnection();
        this.rootPath = rootPath;
        this.watchPath = watchPath;
        this.metrics = metrics;
        this.onChange = onChange;
        this.onReconnect = onReconnect;
    }

    /**
     * Takes the lease and subscribes to the watch on the first call, then waits up to {@code
     * connection.timeout} for a connection.
     *
     * @throws ZooKeeperWakeUp.WokenUpException when woken while connecting; the next call goes on
     */
    void open() throws IOException {
        if (client != null) {
            return;
        }
        lease = ReaderSessions.acquire(connection);
        lease.addConnectionStateListener((cf, state) -> onConnectionState(state));
        watch = lease.subscribe(watchPath, this::onWatchedEvent);
        client = lease.client();
        // A shared client may be connected already: then no CONNECTED state reaches this reader.
        metrics.connected(client.getZookeeperClient().isConnected());
        reader = ReaderSessions.batchReader(client, options, wake);
        awaitConnection();
    }

    /** Batched reads on this session, within the reader's byte budget. After {@link #open}. */
    ZNodeBatchReader reader() {
        return reader;
    }

    /** Asks for a resync walk (for example for new buckets); not counted as a resync. */
    void requestResync() {
        resyncRequested.set(true);
    }

    /** Whether a walk was asked for; clears the request. */
    boolean takeResyncRequest() {
        return resyncRequested.getAndSet(false);
    }

    boolean isResyncRequested() {
        return resyncRequested.get();
    }

    /**
     * Gets the session ready for a walk: the shared watch on the current session (re-added after an
     * expiry), then a {@code sync}. Returns false, with the walk asked for again, when ZooKeeper
     * could not be reached this time or the fetcher was woken.
     *
     * @throws IOException on an error that is not transient, or when {@code connection.max-retries}
     *     attempts in a row failed
     */
    boolean prepareWalk() throws IOException {
        try {
            if (!client.getZookeeperClient().isConnected()) {
                throw KeeperException.create(KeeperException.Code.CONNECTIONLOSS);
            }
            ZooKeeper zk = ZooKeeperCalls.handle(client, connection);
            if (zk.getSessionId() != watchedSessionId) {
                // A new session (first start or after expiry): make sure the shared watch is on it
                // before reading. This reader receives its events since before the sync, so the
                // zxid seen after the sync is the start point of a 'latest' read: every later
                // change reaches it as an event, and the walk reports what changed in between.
                sync(zk);
                long beforeWatch = ZxidAwareZooKeeper.lastSeenZxid(zk);
                ZooKeeperCalls.await(watch.ensureWatched(zk), connection, wake);
                watchedSessionId = zk.getSessionId();
                watchZxid = beforeWatch;
            }
            // A new session may sit on a server that lags behind the one we read from before.
            sync(zk);
            return true;
        } catch (KeeperException e) {
            if (!ZooKeeperCalls.isTransient(e.code())) {
                throw new IOException("Watching '" + watchPath + "' failed: " + e.getMessage(), e);
            }
            if (++failedWalkStarts > connection.getMaxRetries()) {
                throw new IOException(
                        String.format(
                                "Could not re-read '%s' from ZooKeeper at '%s' after %d attempts "
                                        + "('connection.max-retries'): %s",
                                rootPath,
                                connection.getHosts(),
                                failedWalkStarts - 1,
                                e.getMessage()),
                        e);
            }
            resyncRequested.set(true);
            try {
                awaitConnection();
            } catch (ZooKeeperWakeUp.WokenUpException woken) {
                // started again on the next fetch
            }
            return false;
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            resyncRequested.set(true); // started again on the next fetch
            return false;
        }
    }

    /** A walk started: failed attempts before it no longer count against the retries. */
    void walkStarted() {
        failedWalkStarts = 0;
    }

    /** Whether the connection (not new buckets) asked for the walk; clears it. */
    boolean takeConnectionResync() {
        return connectionResync.getAndSet(false);
    }

    /** The newest zxid the session had seen before its current watch was added. */
    long watchZxid() {
        return watchZxid;
    }

    long sessionId() throws IOException {
        return ZooKeeperCalls.handle(client, connection).getSessionId();
    }

    /**
     * Whether the reads since {@code before} may have gone to a new session (after an expiry),
     * possibly on a server that lags behind: such reads are dropped and done again after the new
     * session has its watch and has been synced.
     */
    boolean sessionReplaced(long before) throws IOException {
        long now = sessionId();
        if (now == before && now == watchedSessionId) {
            return false;
        }
        requestConnectionResync();
        return true;
    }

    /** Ends a wait for ZooKeeper: connecting, an answer, a backoff. */
    void wakeUp() {
        wake.wakeUp();
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
        }
    }

    /** Runs on ZooKeeper's event thread: keep it short. */
    private void onWatchedEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None) {
            return; // connection states come through Curator's listener
        }
        metrics.eventReceived();
        onChange.accept(event.getPath(), event.getType());
    }

    private void onConnectionState(ConnectionState state) {
        switch (state) {
            case CONNECTED:
                metrics.connected(true);
                break;
            case RECONNECTED:
                metrics.connected(true);
                metrics.reconnected();
                requestConnectionResync(); // events while disconnected are not replayed
                onReconnect.run();
                break;
            case SUSPENDED:
                metrics.connected(false);
                requestConnectionResync();
                break;
            case LOST:
                metrics.connected(false);
                metrics.sessionLost();
                requestConnectionResync();
                break;
            default:
                break;
        }
    }

    private void requestConnectionResync() {
        connectionResync.set(true);
        resyncRequested.set(true);
    }

    /**
     * Waits up to {@code connection.timeout} for a connection, or until woken. Not connecting is no
     * failure here: the next read fails and counts against {@code connection.max-retries}.
     */
    private void awaitConnection() throws IOException {
        try {
            ZooKeeperClientFactory.awaitConnection(
                    client, connection, System.currentTimeMillis(), wake);
        } catch (ZooKeeperWakeUp.WokenUpException | ZooKeeperAuthenticationException e) {
            throw e; // refused credentials are terminal; no connection yet is not
        } catch (IOException e) {
            LOG.warn(
                    "No connection to ZooKeeper at '{}' within 'connection.timeout' ({}).",
                    connection.getHosts(),
                    connection.getConnectionTimeout());
        }
    }

    private void sync(ZooKeeper zk) throws IOException, KeeperException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AsyncCallback.VoidCallback callback =
                (rc, path, ctx) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                };
        zk.sync(rootPath, callback, null);
        ZooKeeperCalls.await(done, connection, wake);
    }
}
