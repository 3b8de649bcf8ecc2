package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One lookup cache per lookup join per TaskManager (per classloader: in Flink, per job and
 * TaskManager), shared by the join's subtasks there, like the session and the watch it uses. The
 * first subtask opens it, outside the registry's lock (opening waits for the connection and the
 * watch), while the others wait for it; the last one closes it. A FULL cache that failed is
 * replaced by the next subtask that opens, so a restarted task starts from a fresh load.
 */
final class SharedLookupCaches {
    private static final Logger LOG = LoggerFactory.getLogger(SharedLookupCaches.class);
    private static final Map<String, Shared> CACHES = new HashMap<>();

    private SharedLookupCaches() {}

    static Handle<WatchedPartialCache> partial(ZooKeeperLookupTable table) throws Exception {
        return acquire(
                table, "partial", lease -> WatchedPartialCache.open(table, lease), cache -> false);
    }

    static Handle<ZNodeMirror> full(ZooKeeperLookupTable table) throws Exception {
        return acquire(
                table,
                "full",
                lease -> {
                    ZNodeMirror mirror = new ZNodeMirror(table, lease);
                    mirror.start();
                    return mirror;
                },
                ZNodeMirror::hasFailed);
    }

    /** How many lookup caches are open in this JVM (for tests). */
    static int openCaches() {
        synchronized (CACHES) {
            return CACHES.size();
        }
    }

    private interface Opener<T> {
        T open(ZooKeeperClientLease lease) throws Exception;
    }

    private interface Check<T> {
        boolean failed(T cache);
    }

    @SuppressWarnings("unchecked")
    private static <T extends AutoCloseable> Handle<T> acquire(
            ZooKeeperLookupTable table, String kind, Opener<T> opener, Check<T> check)
            throws Exception {
        String key = kind + ":" + table.cacheId;
        Shared shared;
        boolean opens = false;
        synchronized (CACHES) {
            shared = CACHES.get(key);
            if (shared != null && shared.isOpen() && check.failed((T) shared.cache)) {
                CACHES.remove(key); // its current holders still close it
                shared = null;
            }
            if (shared == null) {
                shared = new Shared(key);
                CACHES.put(key, shared);
                opens = true;
            }
            shared.holders++;
        }
        if (opens) {
            ZooKeeperClientLease lease = null;
            try {
                lease = ReaderSessions.acquire(table.read.getConnection());
                shared.opened(opener.open(lease), lease);
            } catch (Exception e) {
                if (lease != null) {
                    lease.close();
                }
                shared.failed(e);
                release(shared);
                throw e;
            }
        } else {
            try {
                shared.ready.get(); // the opener's wait is bounded by its timeouts
            } catch (ExecutionException e) {
                release(shared);
                throw new IOException("Opening the shared lookup cache failed", e.getCause());
            }
        }
        return new Handle<>(shared);
    }

    private static void release(Shared shared) {
        synchronized (CACHES) {
            if (--shared.holders > 0) {
                return;
            }
            if (CACHES.get(shared.key) == shared) {
                CACHES.remove(shared.key);
            }
        }
        if (!shared.isOpen()) {
            return;
        }
        try {
            shared.cache.close();
        } catch (Exception e) {
            LOG.warn("Closing the lookup cache {} failed", shared.key, e);
        } finally {
            shared.lease.close();
        }
    }

    private static final class Shared {
        final String key;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile AutoCloseable cache;
        volatile ZooKeeperClientLease lease;
        int holders;

        Shared(String key) {
            this.key = key;
        }

        void opened(AutoCloseable cache, ZooKeeperClientLease lease) {
            this.cache = cache;
            this.lease = lease;
            ready.complete(null);
        }

        void failed(Exception e) {
            ready.completeExceptionally(e);
        }

        boolean isOpen() {
            return ready.isDone() && !ready.isCompletedExceptionally();
        }
    }

    /** One subtask's hold on a shared cache. */
    static final class Handle<T> implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Handle(Shared shared) {
            this.shared = shared;
        }

        @SuppressWarnings("unchecked")
        T get() {
            return (T) shared.cache;
        }

        /** The cache's own session: the one its watch is on. */
        ZooKeeperClientLease lease() {
            return shared.lease;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(shared);
            }
        }
    }
}
