package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.table.connector.source.lookup.cache.trigger.CacheReloadTrigger;
import org.apache.flink.table.data.RowData;

import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FULL lookup cache: one decoded copy of every row of the table, shared by the lookup subtasks
 * of one join in a TaskManager, and kept equal to the tree by the same rules as the live source.
 *
 * <ul>
 *   <li>It loads the tree once, after the persistent recursive watch is confirmed, so every change
 *       after a node's read reaches it as an event.
 *   <li>An event marks its node dirty; the mirror's own thread reads dirty nodes in batches and
 *       stores what it read (a node that is gone is removed). Unchanged nodes ({@code czxid},
 *       {@code mzxid}, and {@code pzxid} when child metadata is selected) are not decoded again.
 *   <li>After any reconnect, a session expiry included, it walks the whole tree again, and removes
 *       what the walk and the events during it did not see. Until that walk ends, rows are served
 *       as they were.
 *   <li>Without a watch ({@code 'lookup.cache.watch' = 'false'}) the same walk runs when Flink's
 *       reload trigger fires; it updates the one copy in place.
 * </ul>
 *
 * <p><b>Why the order of reads is safe.</b> One thread issues every read and applies its results
 * before it issues the next batch, so for any node a later-applied read is a later server state,
 * whether it came from the walk or from an event. The walk and the event reads interleave (dirty
 * nodes are read between walk batches), and the mirror ends at the newest state of every node
 * whatever their order.
 */
final class ZNodeMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZNodeMirror.class);

    /** Reads per batch of the walk and of dirty nodes; dirty nodes are read between batches. */
    private static final int CHUNK = 1000;

    /** How often an idle mirror checks that its watch is live. */
    private static final long WATCH_CHECK_MS = 1000;

    private final ZooKeeperLookupTable table;
    private final ZNodeTreeLayout layout;
    private final ZooKeeperClientLease lease;
    private final ZooKeeperConnectionOptions connection;
    private final ZNodeLevelReads levels;

    /**
     * Rows by path relative to the root: a hash map when every lookup names one node, a sorted map
     * when lookups read subtrees (a range of it).
     */
    private final Map<String, Entry> entries;

    private final AtomicLong rows = new AtomicLong();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final Thread thread;

    private final Object lock = new Object();
    private LinkedHashSet<String> dirty = new LinkedHashSet<>();
    private boolean resyncRequested = true;
    private final List<CompletableFuture<Void>> reloadsWaiting = new ArrayList<>();

    @Nullable private final LookupWatch watch;
    @Nullable private final CacheReloadTrigger trigger;
    private volatile boolean closed;
    private volatile Throwable failure;
    private long generation;

    final Counter loads = new ThreadSafeSimpleCounter();
    final Counter loadFailures = new ThreadSafeSimpleCounter();
    final Counter resyncs = new ThreadSafeSimpleCounter();
    volatile long latestLoadMillis = -1;

    ZNodeMirror(ZooKeeperLookupTable table, ZooKeeperClientLease lease) {
        this.table = table;
        this.layout = table.layout;
        this.lease = lease;
        this.connection = table.read.getConnection();
        ZNodeBatchReader reader =
                ReaderSessions.batchReader(lease.client(), table.read, new ZooKeeperWakeUp())
                        .withRetries(connection.getMaxRetries(), "connection.max-retries");
        this.levels = new ZNodeLevelReads(reader, layout, table.pathFilter, connection);
        this.watch =
                table.lookup.isWatch()
                        ? new LookupWatch(
                                table, lease, connection.getMaxRetries(), "connection.max-retries")
                        : null;
        this.trigger = table.lookup.isWatch() ? null : table.lookup.getReloadTrigger();
        this.entries =
                table.keys.isFullKey() ? new ConcurrentHashMap<>() : new ConcurrentSkipListMap<>();
        this.thread = new Thread(this::run, "zookeeper-lookup-mirror " + layout.getRootPath());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Nullable
    LookupWatch watch() {
        return watch;
    }

    long size() {
        return rows.get();
    }

    long pendingChanges() {
        synchronized (lock) {
            return dirty.size();
        }
    }

    boolean hasFailed() {
        return failure != null;
    }

    /** Completes once the first load is done; fails if the mirror failed. */
    CompletableFuture<Void> whenLoaded() {
        return loaded;
    }

    /** The rows of the row node or subtree at {@code subtree}; waits for the first load. */
    Collection<RowData> lookup(String subtree, boolean fullKey) throws IOException {
        if (!loaded.isDone()) {
            try {
                loaded.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while the lookup cache loads", e);
            } catch (ExecutionException e) {
                throw failed();
            }
        }
        return lookupLoaded(subtree, fullKey);
    }

    /** As {@link #lookup} once {@link #whenLoaded()} completed. */
    Collection<RowData> lookupLoaded(String subtree, boolean fullKey) throws IOException {
        if (failure != null) {
            throw failed();
        }
        if (fullKey) {
            Entry e = entries.get(subtree);
            return e == null || e.row == null
                    ? Collections.emptyList()
                    : Collections.singletonList(e.row);
        }
        Collection<Entry> range =
                subtree.isEmpty()
                        ? entries.values()
                        : ((NavigableMap<String, Entry>) entries)
                                .subMap(subtree + "/", subtree + "0")
                                .values();
        List<RowData> out = new ArrayList<>();
        for (Entry e : range) {
            if (e.row != null) {
                out.add(e.row);
            }
        }
        return out;
    }

    private IOException failed() {
        return new IOException(
                "The FULL lookup cache of '"
                        + layout.getRootPath()
                        + "' at '"
                        + connection.getHosts()
                        + "' failed: "
                        + failure.getMessage(),
                failure);
    }

    // ---------------------------------------------------------------- the mirror's own thread

    private void run() {
        try {
            ZooKeeperClientFactory.awaitConnection(
                    lease.client(), connection, lease.acquiredAtMillis(), ZooKeeperWakeUp.NEVER);
            if (watch != null) {
                watch.start(this::onEvent, state -> {}, this::requestResync);
            } else if (trigger != null) {
                trigger.open(new ReloadContext());
            }
            while (!closed) {
                boolean resync;
                List<String> toRead;
                synchronized (lock) {
                    while (!closed && !resyncRequested && dirty.isEmpty()) {
                        lock.wait(WATCH_CHECK_MS);
                        checkWatch();
                    }
                    resync = resyncRequested;
                    resyncRequested = false;
                    toRead = resync ? Collections.emptyList() : takeDirty(CHUNK);
                }
                if (closed) {
                    break;
                }
                if (resync) {
                    walk();
                } else {
                    readNodes(toRead, generation);
                }
            }
        } catch (Throwable t) {
            if (!closed) {
                failure = t;
                loadFailures.inc();
                LOG.error("The FULL lookup cache of '{}' failed", layout.getRootPath(), t);
                loaded.completeExceptionally(t);
                failReloads(t);
            }
        }
    }

    /**
     * A re-watch that failed (for example NoAuth after the root's ACL changed) is tried again; if
     * the watch stays down while the client is connected, the cache fails instead of serving rows
     * that nothing keeps current.
     */
    private void checkWatch() throws IOException {
        if (watch == null || watch.isLive()) {
            return;
        }
        watch.rewatchIfNeeded();
        long down = watch.notLiveWhileConnectedMillis();
        long bound =
                connection.getSessionTimeout().toMillis()
                        + connection.getConnectionTimeout().toMillis();
        if (down > bound) {
            throw new IOException(
                    String.format(
                            "The watch on '%s' that keeps the FULL lookup cache current could not"
                                    + " be added again for %d ms while connected (see the"
                                    + " warnings before this). Set 'lookup.cache.watch' = 'false'"
                                    + " to reload instead.",
                            layout.getRootPath(), down));
        }
    }

    private List<String> takeDirty(int max) {
        List<String> out = new ArrayList<>(Math.min(max, dirty.size()));
        Iterator<String> it = dirty.iterator();
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    /** Reads the whole tree into the current generation, reading dirty nodes between batches. */
    private void walk() throws IOException {
        long started = System.currentTimeMillis();
        List<CompletableFuture<Void>> reloads;
        synchronized (lock) {
            reloads = new ArrayList<>(reloadsWaiting);
            reloadsWaiting.clear();
        }
        long gen = ++generation;
        List<String> level = Collections.singletonList("");
        int depth = 0;
        while (!level.isEmpty() && layout.mayHaveRowsBelow(depth)) {
            List<String> next = new ArrayList<>();
            for (int from = 0; from < level.size(); from += CHUNK) {
                List<String> chunk = level.subList(from, Math.min(level.size(), from + CHUNK));
                next.addAll(levels.children(chunk));
                drainDirty(gen);
            }
            depth++;
            if (layout.isRow(depth)) {
                for (int from = 0; from < next.size(); from += CHUNK) {
                    readNodes(next.subList(from, Math.min(next.size(), from + CHUNK)), gen);
                    drainDirty(gen);
                }
            }
            level = next;
        }
        sweep(gen);
        latestLoadMillis = System.currentTimeMillis() - started;
        loads.inc();
        if (!loaded.isDone()) {
            LOG.info(
                    "Loaded the FULL lookup cache of '{}': {} rows in {} ms",
                    layout.getRootPath(),
                    rows.get(),
                    latestLoadMillis);
            loaded.complete(null);
        } else {
            resyncs.inc();
        }
        for (CompletableFuture<Void> r : reloads) {
            r.complete(null);
        }
    }

    private void drainDirty(long gen) throws IOException {
        List<String> toRead;
        synchronized (lock) {
            toRead = takeDirty(CHUNK);
        }
        if (!toRead.isEmpty()) {
            readNodes(toRead, gen);
        }
    }

    /** Reads row nodes and stores what they hold now; a node that is gone is removed. */
    private void readNodes(List<String> nodes, long gen) throws IOException {
        levels.data(
                nodes,
                new ZNodeLevelReads.Found() {
                    @Override
                    public void present(String node, String path, byte[] data, Stat stat)
                            throws IOException {
                        store(node, path, data, stat, gen);
                    }

                    @Override
                    public void gone(String node) {
                        remove(node);
                    }
                });
    }

    private void store(String relative, String path, byte[] data, Stat stat, long gen)
            throws IOException {
        Entry old = entries.get(relative);
        if (old != null
                && old.czxid == stat.getCzxid()
                && old.mzxid == stat.getMzxid()
                && old.aversion == stat.getAversion()
                && (!table.trackChildren || old.pzxid == stat.getPzxid())) {
            old.generation = gen;
            return;
        }
        RowData row = table.decode(new ZNodeRecord(relative, path, data, stat));
        Entry fresh =
                new Entry(
                        stat.getCzxid(),
                        stat.getMzxid(),
                        stat.getPzxid(),
                        stat.getAversion(),
                        row,
                        gen);
        Entry replaced = entries.put(relative, fresh);
        rows.addAndGet((row != null ? 1 : 0) - (replaced != null && replaced.row != null ? 1 : 0));
    }

    private void remove(String relative) {
        Entry gone = entries.remove(relative);
        if (gone != null && gone.row != null) {
            rows.decrementAndGet();
        }
    }

    /** Removes what this generation's walk and events did not see: it is gone. */
    private void sweep(long gen) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().generation < gen) {
                remove(e.getKey());
            }
        }
    }

    // ---------------------------------------------------------------- event and trigger threads

    private void onEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None || event.getPath() == null) {
            return;
        }
        String relative = layout.relativeOf(event.getPath());
        if (relative == null || relative.isEmpty()) {
            return;
        }
        List<String> targets = new ArrayList<>(2);
        int depth = ZNodeLookupReader.depthOf(relative);
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            targets.add(relative);
            String parent = parentOf(relative);
            if (table.trackChildren && parent != null) {
                targets.add(parent); // its num-children, cversion and pzxid changed
            }
        } else if (layout.isRow(depth)) {
            targets.add(relative);
        } else if (table.trackChildren && !layout.mayHaveRowsBelow(depth - 1)) {
            targets.add(ancestorAtRowDepth(relative, depth));
        }
        synchronized (lock) {
            for (String target : targets) {
                if (table.pathFilter.accepts(target)) { // the filters pushed into the table
                    dirty.add(target);
                }
            }
            lock.notifyAll();
        }
    }

    /** After a reconnect (or a reload trigger): walk the tree again. */
    private void requestResync() {
        synchronized (lock) {
            resyncRequested = true;
            lock.notifyAll();
        }
    }

    private CompletableFuture<Void> reload() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            if (failure != null) {
                done.completeExceptionally(failure);
                return done;
            }
            reloadsWaiting.add(done);
            resyncRequested = true;
            lock.notifyAll();
        }
        return done;
    }

    private void failReloads(Throwable t) {
        synchronized (lock) {
            for (CompletableFuture<Void> r : reloadsWaiting) {
                r.completeExceptionally(t);
            }
            reloadsWaiting.clear();
        }
    }

    @Nullable
    private static String parentOf(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? null : relative.substring(0, slash);
    }

    private String ancestorAtRowDepth(String relative, int depth) {
        String node = relative;
        for (int d = depth; !layout.isRow(d); d--) {
            node = parentOf(node);
        }
        return node;
    }

    @Override
    public void close() throws Exception {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (trigger != null) {
            trigger.close();
        }
        if (watch != null) {
            watch.close();
        }
        failReloads(new IOException("The lookup cache was closed"));
        thread.interrupt();
        thread.join(connection.getConnectionTimeout().toMillis());
        entries.clear();
        rows.set(0);
    }

    /** What Flink's reload triggers see. */
    private final class ReloadContext implements CacheReloadTrigger.Context {
        @Override
        public long currentProcessingTime() {
            return System.currentTimeMillis();
        }

        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public CompletableFuture<Void> triggerReload() {
            return reload();
        }
    }

    /** A node as last read: its identity and version, and its row (null if decoded to none). */
    private static final class Entry {
        final long czxid;
        final long mzxid;
        final long pzxid;
        final int aversion;
        @Nullable final RowData row;
        long generation;

        Entry(
                long czxid,
                long mzxid,
                long pzxid,
                int aversion,
                @Nullable RowData row,
                long generation) {
            this.czxid = czxid;
            this.mzxid = mzxid;
            this.pzxid = pzxid;
            this.aversion = aversion;
            this.row = row;
            this.generation = generation;
        }
    }
}
