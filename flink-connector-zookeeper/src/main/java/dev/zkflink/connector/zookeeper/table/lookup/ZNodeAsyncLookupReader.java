package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Non-blocking reads for lookups on ZooKeeper's async API: any number of lookups are pipelined on
 * the session (Flink's {@code table.exec.async-lookup.buffer-capacity} bounds how many are open per
 * subtask). A subtree is read by chained async {@code getChildren} and {@code getData} calls.
 *
 * <p>Results complete on ZooKeeper's event thread. A transient failure retries the whole lookup, up
 * to {@code lookup.max-retries} times after a backoff and, if the client is disconnected, after it
 * reconnects (at most {@code connection.timeout}).
 */
final class ZNodeAsyncLookupReader {
    private static final Logger LOG = LoggerFactory.getLogger(ZNodeAsyncLookupReader.class);
    private static final long CONNECTION_POLL_MS = 20;

    private final CuratorFramework client;
    private final ZooKeeperConnectionOptions connection;
    private final ZNodeTreeLayout layout;
    private final int maxRetries;
    private final ZNodePathFilter filter;

    ZNodeAsyncLookupReader(
            CuratorFramework client,
            ZooKeeperConnectionOptions connection,
            ZNodeTreeLayout layout,
            ZNodePathFilter filter,
            int maxRetries) {
        this.client = client;
        this.filter = filter;
        this.connection = connection;
        this.layout = layout;
        this.maxRetries = maxRetries;
    }

    /** The row node at {@code relative} ({@code fullKey}), or the row nodes below it. */
    CompletableFuture<List<ZNodeRecord>> read(String relative, boolean fullKey) {
        if (fullKey ? !filter.accepts(relative) : !filter.mayLeadTo(relative)) {
            return CompletableFuture.completedFuture(Collections.emptyList());
        }
        CompletableFuture<List<ZNodeRecord>> result = new CompletableFuture<>();
        attempt(relative, fullKey, 0, result);
        return result;
    }

    private void attempt(
            String relative,
            boolean fullKey,
            int failures,
            CompletableFuture<List<ZNodeRecord>> result) {
        CompletableFuture<List<ZNodeRecord>> read;
        try {
            ZooKeeper zk = ZooKeeperCalls.handle(client, connection);
            read =
                    fullKey
                            ? node(zk, relative)
                            : subtree(zk, relative, ZNodeLookupReader.depthOf(relative));
        } catch (IOException e) {
            result.completeExceptionally(e);
            return;
        }
        read.whenComplete(
                (records, error) -> {
                    if (error == null) {
                        result.complete(records);
                        return;
                    }
                    Throwable cause = unwrap(error);
                    String path = layout.absolute(relative);
                    if (!(cause instanceof KeeperException)) {
                        result.completeExceptionally(cause);
                        return;
                    }
                    KeeperException ke = (KeeperException) cause;
                    if (!ZooKeeperCalls.isTransient(ke.code())) {
                        result.completeExceptionally(LookupErrors.failed(path, ke, connection));
                    } else if (failures + 1 > maxRetries) {
                        result.completeExceptionally(
                                LookupErrors.gaveUp(path, ke, failures, connection));
                    } else {
                        LOG.warn(
                                "Async lookup of '{}' hit {} (attempt {} of {}); retrying.",
                                path,
                                ke.code(),
                                failures + 1,
                                maxRetries + 1);
                        long backoff =
                                ZooKeeperCalls.backoffMillis(
                                        connection.getRetryBaseSleep().toMillis(),
                                        connection.getRetryMaxSleep().toMillis(),
                                        failures + 1);
                        long deadline =
                                System.currentTimeMillis()
                                        + backoff
                                        + connection.getConnectionTimeout().toMillis();
                        whenConnected(
                                deadline,
                                backoff,
                                () -> attempt(relative, fullKey, failures + 1, result));
                    }
                });
    }

    /** Runs {@code retry} after {@code delayMs}, once connected or when the deadline passed. */
    private void whenConnected(long deadline, long delayMs, Runnable retry) {
        Executor later = CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS);
        later.execute(
                () -> {
                    if (client.getZookeeperClient().isConnected()
                            || System.currentTimeMillis() >= deadline) {
                        retry.run();
                    } else {
                        whenConnected(deadline, CONNECTION_POLL_MS, retry);
                    }
                });
    }

    private CompletableFuture<List<ZNodeRecord>> node(ZooKeeper zk, String relative) {
        String path = layout.absolute(relative);
        CompletableFuture<List<ZNodeRecord>> f = new CompletableFuture<>();
        zk.getData(
                path,
                false,
                (rc, p, ctx, data, stat) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        f.complete(
                                Collections.singletonList(
                                        new ZNodeRecord(relative, path, data, stat)));
                    } else if (rc == KeeperException.Code.NONODE.intValue()) {
                        f.complete(Collections.emptyList());
                    } else {
                        f.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                },
                null);
        return f;
    }

    /** The rows at or below {@code relative} (at {@code depth}); a vanished node has none. */
    private CompletableFuture<List<ZNodeRecord>> subtree(ZooKeeper zk, String relative, int depth) {
        CompletableFuture<List<ZNodeRecord>> self =
                depth > 0 && layout.isRow(depth) && filter.accepts(relative)
                        ? node(zk, relative)
                        : CompletableFuture.completedFuture(Collections.emptyList());
        if (!layout.mayHaveRowsBelow(depth)) {
            return self;
        }
        CompletableFuture<List<ZNodeRecord>> below =
                children(zk, relative)
                        .thenCompose(
                                names -> {
                                    List<String> paths = layout.childPaths(relative, names);
                                    List<CompletableFuture<List<ZNodeRecord>>> parts =
                                            new ArrayList<>(paths.size());
                                    for (String child : paths) {
                                        if (filter.mayLeadTo(child)) {
                                            parts.add(subtree(zk, child, depth + 1));
                                        }
                                    }
                                    return concat(parts);
                                });
        return self.thenCombine(
                below,
                (a, b) -> {
                    if (a.isEmpty()) {
                        return b;
                    }
                    List<ZNodeRecord> all = new ArrayList<>(a.size() + b.size());
                    all.addAll(a);
                    all.addAll(b);
                    return all;
                });
    }

    private CompletableFuture<List<String>> children(ZooKeeper zk, String relative) {
        String path = layout.absolute(relative);
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        zk.getChildren(
                path,
                false,
                (rc, p, ctx, names) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        f.complete(names);
                    } else if (rc == KeeperException.Code.NONODE.intValue()) {
                        f.complete(Collections.emptyList());
                    } else {
                        f.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                },
                null);
        return f;
    }

    private static CompletableFuture<List<ZNodeRecord>> concat(
            List<CompletableFuture<List<ZNodeRecord>>> parts) {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]))
                .thenApply(
                        unused -> {
                            List<ZNodeRecord> all = new ArrayList<>();
                            for (CompletableFuture<List<ZNodeRecord>> p : parts) {
                                all.addAll(p.join());
                            }
                            return all;
                        });
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
