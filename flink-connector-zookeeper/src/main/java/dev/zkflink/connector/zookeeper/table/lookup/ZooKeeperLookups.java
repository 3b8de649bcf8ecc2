package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.groups.InternalCacheMetricGroup;
import org.apache.flink.table.connector.source.lookup.LookupOptions.LookupCacheType;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;

import org.apache.curator.framework.CuratorFramework;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the sync and the async lookup function share: one subtask's reads, its hold on the shared
 * cache, and Flink's standard cache metrics ({@code hitCount}, {@code missCount}, {@code
 * loadCount}, {@code numLoadFailures}, {@code latestLoadTime}, {@code numCachedRecords} in group
 * {@code cache}), plus the watch's own.
 */
final class ZooKeeperLookups implements AutoCloseable {
    private final ZooKeeperLookupTable table;
    private ZooKeeperClientLease lease;
    private ZNodeLookupReader reader;
    private ZNodeAsyncLookupReader asyncReader;
    @Nullable private SharedLookupCaches.Handle<WatchedPartialCache> partial;
    @Nullable private SharedLookupCaches.Handle<ZNodeMirror> full;

    private final Counter hits = new ThreadSafeSimpleCounter();
    private final Counter misses = new ThreadSafeSimpleCounter();
    private final Counter loads = new ThreadSafeSimpleCounter();
    private final Counter loadFailures = new ThreadSafeSimpleCounter();
    private volatile long latestLoadMillis = InternalCacheMetricGroup.UNINITIALIZED;

    ZooKeeperLookups(ZooKeeperLookupTable table) {
        this.table = table;
    }

    void open(FunctionContext context, boolean async) throws Exception {
        table.openDeserializer(context);
        LookupCacheType cache = table.lookup.getCache();
        if (cache == LookupCacheType.FULL) {
            full = SharedLookupCaches.full(table);
            registerMetrics(context.getMetricGroup());
            return;
        }
        CuratorFramework client;
        if (cache == LookupCacheType.PARTIAL) {
            // Loads read on the cache's own session, the one its watch is on: only there do a
            // change's event and the replies that reflect it arrive in order.
            partial = SharedLookupCaches.partial(table);
            client = partial.lease().client();
        } else {
            lease = ReaderSessions.acquire(table.read.getConnection());
            ZooKeeperClientFactory.awaitConnection(
                    lease.client(),
                    table.read.getConnection(),
                    lease.acquiredAtMillis(),
                    ZooKeeperWakeUp.NEVER);
            client = lease.client();
        }
        int retries = table.lookup.getMaxRetries();
        if (async) {
            asyncReader =
                    new ZNodeAsyncLookupReader(
                            client,
                            table.read.getConnection(),
                            table.layout,
                            table.pathFilter,
                            retries);
        } else {
            reader =
                    new ZNodeLookupReader(
                            client, table.read, table.layout, table.pathFilter, retries);
        }
        registerMetrics(context.getMetricGroup());
    }

    private void registerMetrics(MetricGroup parent) {
        if (partial == null && full == null) {
            return; // like Flink's own lookups: cache metrics only with a cache
        }
        // Watch metrics below are shared by the subtasks of the join in this TaskManager.
        InternalCacheMetricGroup group = new InternalCacheMetricGroup(parent, "cache");
        group.hitCounter(hits);
        group.missCounter(misses);
        group.loadCounter(full != null ? full.get().loads : loads);
        group.numLoadFailuresCounter(full != null ? full.get().loadFailures : loadFailures);
        group.latestLoadTimeGauge(
                () -> full != null ? full.get().latestLoadMillis : latestLoadMillis);
        group.numCachedRecordsGauge(() -> full != null ? full.get().size() : partial.get().size());
        LookupWatch watch = full != null ? full.get().watch() : partial.get().watch();
        if (watch != null) {
            group.gauge("numWatchEvents", () -> watch.events.getCount());
            group.gauge("numWatchReAdds", () -> watch.rewatches.getCount());
            if (partial != null) {
                group.gauge("numInvalidations", () -> watch.invalidations.getCount());
            }
        }
        if (full != null) {
            ZNodeMirror mirror = full.get();
            group.gauge("numResyncs", () -> mirror.resyncs.getCount());
            group.gauge("pendingChanges", mirror::pendingChanges);
        }
    }

    Collection<RowData> lookup(RowData key) throws IOException {
        // A key that cannot name a node matches nothing; it is never in a cache, so the full
        // path validation runs only before a read.
        String subtree = table.keys.candidateOf(key);
        if (subtree == null) {
            return Collections.emptyList();
        }
        boolean fullKey = table.keys.isFullKey();
        if (full != null) {
            return counted(table.matching(key, full.get().lookup(subtree, fullKey)));
        }
        if (partial == null) {
            return table.keys.isValid(subtree)
                    ? table.matching(key, table.decodeAll(reader.read(subtree, fullKey)))
                    : Collections.emptyList();
        }
        WatchedPartialCache cache = partial.get();
        List<RowData> cached = cache.get(subtree);
        if (cached != null) {
            hits.inc();
            return table.matching(key, cached);
        }
        misses.inc();
        if (!table.keys.isValid(subtree)) {
            return Collections.emptyList();
        }
        long epoch = cache.beginLoad(subtree);
        List<RowData> read = null;
        long started = System.currentTimeMillis();
        try {
            read = table.decodeAll(reader.read(subtree, fullKey));
            loads.inc();
            latestLoadMillis = System.currentTimeMillis() - started;
            return table.matching(key, read);
        } catch (IOException | RuntimeException e) {
            loadFailures.inc();
            throw e;
        } finally {
            cache.endLoad(subtree, epoch, read);
        }
    }

    CompletableFuture<Collection<RowData>> lookupAsync(RowData key) {
        String subtree = table.keys.candidateOf(key);
        if (subtree == null) {
            return CompletableFuture.completedFuture(Collections.emptyList());
        }
        boolean fullKey = table.keys.isFullKey();
        if (full != null) {
            ZNodeMirror mirror = full.get();
            return mirror.whenLoaded()
                    .thenApply(
                            unused -> {
                                try {
                                    return counted(
                                            table.matching(
                                                    key, mirror.lookupLoaded(subtree, fullKey)));
                                } catch (IOException e) {
                                    throw new CompletionException(e);
                                }
                            });
        }
        if (partial == null) {
            if (!table.keys.isValid(subtree)) {
                return CompletableFuture.completedFuture(Collections.emptyList());
            }
            return asyncReader
                    .read(subtree, fullKey)
                    .thenApply(records -> table.matching(key, decode(records)));
        }
        WatchedPartialCache cache = partial.get();
        List<RowData> cached = cache.get(subtree);
        if (cached != null) {
            hits.inc();
            return CompletableFuture.completedFuture(table.matching(key, cached));
        }
        misses.inc();
        if (!table.keys.isValid(subtree)) {
            return CompletableFuture.completedFuture(Collections.emptyList());
        }
        long epoch = cache.beginLoad(subtree);
        long started = System.currentTimeMillis();
        return asyncReader
                .read(subtree, fullKey)
                .thenApply(this::decode)
                .whenComplete(
                        (rows, error) -> {
                            if (error == null) {
                                loads.inc();
                                latestLoadMillis = System.currentTimeMillis() - started;
                            } else {
                                loadFailures.inc();
                            }
                            cache.endLoad(subtree, epoch, rows);
                        })
                .thenApply(rows -> table.matching(key, rows));
    }

    private List<RowData> decode(List<ZNodeRecord> records) {
        try {
            return table.decodeAll(records);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** A FULL lookup is a hit when it finds a row: every row is in memory. */
    private Collection<RowData> counted(Collection<RowData> rows) {
        (rows.isEmpty() ? misses : hits).inc();
        return rows;
    }

    @Override
    public void close() {
        if (partial != null) {
            partial.close();
        }
        if (full != null) {
            full.close();
        }
        if (lease != null) {
            lease.close();
        }
    }
}
