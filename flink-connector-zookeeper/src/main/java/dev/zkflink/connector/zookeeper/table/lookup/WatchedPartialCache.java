package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;

import org.apache.flink.table.data.RowData;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.RemovalNotification;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

import javax.annotation.Nullable;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A PARTIAL lookup cache, shared by the lookup subtasks of one join in a TaskManager, keyed by the
 * subtree a key names (one row node for a full key). With a watch, every create, change or delete
 * below the root drops the entries it touches, so no cached row is staler than ZooKeeper's event
 * delivery; the TTLs and {@code max-rows} still bound memory.
 *
 * <p><b>Races.</b> A read that was under way when an event for its subtree arrived may have seen
 * the old state; it is returned but not cached. Loads register before they read and are checked
 * (under the same per-key lock the event handler takes) before they are cached. Loads read on the
 * cache's own session, the one its watch is on: the server sends a change's event before any reply
 * that reflects the change, so a reply from before a change is either poisoned (the event came
 * while the load was registered) or dropped by the event (it came after the put).
 *
 * <p><b>Connection.</b> While disconnected, entries are still served (their freshness is then
 * unknown) but nothing new is cached. Once reconnected and the watch is confirmed on the session,
 * every entry is dropped, since events may have been missed.
 */
final class WatchedPartialCache implements AutoCloseable {
    private final ZooKeeperLookupTable table;
    private final Cache<String, List<RowData>> rows;
    private final ConcurrentHashMap<String, Loads> loads = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong cachedRows = new AtomicLong();
    private final LookupWatch watch;

    private WatchedPartialCache(ZooKeeperLookupTable table, @Nullable LookupWatch watch) {
        this.table = table;
        ZooKeeperLookupOptions o = table.lookup;
        // One segment: Guava splits 'maximumWeight' over its segments and refuses an entry
        // heavier than a segment's share, which would silently never cache a large subtree.
        CacheBuilder<Object, Object> b = CacheBuilder.newBuilder().concurrencyLevel(1);
        if (o.getExpireAfterAccess() != null) {
            b.expireAfterAccess(o.getExpireAfterAccess().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (o.getExpireAfterWrite() != null) {
            b.expireAfterWrite(o.getExpireAfterWrite().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (o.getMaxRows() != null) {
            // 'max-rows' counts rows: a subtree entry weighs as many rows as it holds.
            b.maximumWeight(o.getMaxRows())
                    .weigher((String k, List<RowData> v) -> Math.max(1, v.size()));
        }
        this.rows =
                b.removalListener(
                                (RemovalNotification<String, List<RowData>> n) ->
                                        cachedRows.addAndGet(-n.getValue().size()))
                        .build();
        this.watch = watch;
    }

    /** Opens the cache and, if configured, its watch; fails if the watch cannot be set. */
    static WatchedPartialCache open(ZooKeeperLookupTable table, ZooKeeperClientLease lease)
            throws Exception {
        if (!table.lookup.isWatch()) {
            return new WatchedPartialCache(table, null);
        }
        LookupWatch watch =
                new LookupWatch(table, lease, table.lookup.getMaxRetries(), "lookup.max-retries");
        WatchedPartialCache cache = new WatchedPartialCache(table, watch);
        watch.start(cache::onEvent, cache::onConnectionState, cache::onWatchConfirmed);
        return cache;
    }

    @Nullable
    List<RowData> get(String subtree) {
        return rows.getIfPresent(subtree);
    }

    /** Rows held (a subtree entry counts its rows; a cached miss none). */
    long size() {
        return cachedRows.get();
    }

    LookupWatch watch() {
        return watch;
    }

    /** Registers a load before its read; pass the result to {@link #endLoad}. */
    long beginLoad(String subtree) {
        if (watch != null) {
            watch.rewatchIfNeeded();
        }
        loads.compute(
                subtree,
                (k, l) -> {
                    Loads s = l == null ? new Loads() : l;
                    s.open++;
                    return s;
                });
        return epoch.get();
    }

    /** Caches what a load read, unless an event or a reconnect may have made it stale. */
    void endLoad(String subtree, long startEpoch, @Nullable List<RowData> read) {
        loads.compute(
                subtree,
                (k, l) -> {
                    boolean fresh =
                            read != null
                                    && !l.poisoned
                                    && startEpoch == epoch.get()
                                    && (watch == null || watch.isLive());
                    if (fresh && (!read.isEmpty() || table.lookup.isCacheMissingKey())) {
                        cachedRows.addAndGet(read.size());
                        rows.put(k, read);
                        if (startEpoch != epoch.get()) {
                            // A reconnect raced the put (its invalidateAll may have run first).
                            rows.invalidate(k);
                        }
                    }
                    return --l.open == 0 ? null : l;
                });
    }

    private void onEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None || event.getPath() == null) {
            return;
        }
        String relative = table.layout.relativeOf(event.getPath());
        if (relative == null) {
            return;
        }
        invalidate(table.keys.subtreeOfChange(relative));
        if (table.trackChildren) {
            // The parent's num-children, cversion and pzxid changed with this child.
            for (String parent = parentOf(relative); parent != null; parent = parentOf(parent)) {
                invalidate(table.keys.subtreeOfChange(parent));
            }
        }
    }

    private void invalidate(@Nullable String subtree) {
        if (subtree == null) {
            return;
        }
        loads.compute(
                subtree,
                (k, l) -> {
                    if (l != null) {
                        l.poisoned = true;
                    }
                    rows.invalidate(k);
                    return l;
                });
        watch.invalidations.inc();
    }

    private void onConnectionState(ConnectionState state) {
        if (state != ConnectionState.CONNECTED) {
            epoch.incrementAndGet(); // loads under way may miss events: never cache them
        }
        if (state == ConnectionState.RECONNECTED) {
            rows.invalidateAll(); // events may have been missed; refilled once re-watched
        }
    }

    /** The watch is on a session again: events may have been missed before it. */
    private void onWatchConfirmed() {
        epoch.incrementAndGet();
        rows.invalidateAll();
    }

    @Nullable
    private static String parentOf(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? null : relative.substring(0, slash);
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close(); // the lease it subscribed with is closed by its owner
        }
        rows.invalidateAll();
    }

    /** Loads of one key under way, and whether an event arrived during them. */
    private static final class Loads {
        int open;
        boolean poisoned;
    }
}
