package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import javax.annotation.Nullable;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ZooKeeper's async calls as futures, with one rule for a missing node: where the caller only asks
 * what is there, NONODE is an answer (no stat, no children, nothing to sync), not an error. Any
 * other code fails the future with a {@link KeeperException} naming the path, for {@link
 * ZooKeeperCalls#await} and {@link RetryingCalls} to classify.
 */
@Internal
public final class ZooKeeperAsyncCalls {
    private ZooKeeperAsyncCalls() {}

    /** A node's data and stat; both null for a missing node. */
    public static final class ZNodeState {
        @Nullable public final Stat stat;
        @Nullable public final byte[] data;

        public ZNodeState(@Nullable Stat stat, @Nullable byte[] data) {
            this.stat = stat;
            this.data = data;
        }
    }

    /** The node's Stat, or null if it does not exist. */
    public static CompletableFuture<Stat> exists(ZooKeeper zk, String path) {
        CompletableFuture<Stat> f = new CompletableFuture<>();
        zk.exists(
                path,
                false,
                (rc, p, ctx, stat) -> complete(f, rc, p, isMissing(rc) ? null : stat),
                null);
        return f;
    }

    /** The node's data and Stat; a missing node has neither. */
    public static CompletableFuture<ZNodeState> getData(ZooKeeper zk, String path) {
        CompletableFuture<ZNodeState> f = new CompletableFuture<>();
        zk.getData(
                path,
                false,
                (rc, p, ctx, data, stat) ->
                        complete(
                                f,
                                rc,
                                p,
                                isMissing(rc)
                                        ? new ZNodeState(null, null)
                                        : new ZNodeState(stat, data)),
                null);
        return f;
    }

    /** The node's children; a missing node has none. */
    public static CompletableFuture<List<String>> children(ZooKeeper zk, String path) {
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        zk.getChildren(
                path,
                false,
                (rc, p, ctx, children) ->
                        complete(f, rc, p, isMissing(rc) ? Collections.emptyList() : children),
                null);
        return f;
    }

    /** Syncs the server with the leader; a missing node needs nothing synced. */
    public static CompletableFuture<Void> sync(ZooKeeper zk, String path) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> complete(f, rc, p, null), null);
        return f;
    }

    /**
     * A write transaction; an empty one is done at once. A failure names the path of the first
     * failed operation ({@link #failedPath}).
     */
    public static CompletableFuture<Void> multi(ZooKeeper zk, List<Op> ops) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (ops.isEmpty()) {
            done.complete(null);
            return done;
        }
        zk.multi(
                ops,
                (rc, ignored, ctx, results) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                KeeperException.create(
                                        KeeperException.Code.get(rc), failedPath(ops, results)));
                    }
                },
                null);
        return done;
    }

    /** A delete of one node at any version. NONODE is an error here: the caller decides. */
    public static CompletableFuture<Void> delete(ZooKeeper zk, String path) {
        return delete(zk, path, -1);
    }

    /** A delete of one node at {@code version} (-1: any). NONODE is an error here too. */
    public static CompletableFuture<Void> delete(ZooKeeper zk, String path, int version) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        zk.delete(
                path,
                version,
                (rc, p, ctx) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), p));
                    }
                },
                null);
        return done;
    }

    /**
     * The path of the operation that failed a transaction, or null if the results do not say: the
     * others report OK, or RUNTIMEINCONSISTENCY for being rolled back.
     */
    @Nullable
    public static String failedPath(List<Op> ops, @Nullable List<OpResult> results) {
        if (results == null) {
            return null;
        }
        for (int i = 0; i < results.size() && i < ops.size(); i++) {
            OpResult r = results.get(i);
            if (r instanceof OpResult.ErrorResult) {
                int err = ((OpResult.ErrorResult) r).getErr();
                if (err != KeeperException.Code.OK.intValue()
                        && err != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return ops.get(i).getPath();
                }
            }
        }
        return null;
    }

    /**
     * The error code of a per-op result of a read {@code multi}: null for a result, NONODE for a
     * node that went, any other code as it is.
     */
    @Nullable
    public static KeeperException.Code errorOf(OpResult result) {
        if (!(result instanceof OpResult.ErrorResult)) {
            return null;
        }
        return KeeperException.Code.get(((OpResult.ErrorResult) result).getErr());
    }

    private static boolean isMissing(int rc) {
        return rc == KeeperException.Code.NONODE.intValue();
    }

    private static <T> void complete(CompletableFuture<T> f, int rc, String path, T value) {
        if (rc == KeeperException.Code.OK.intValue() || isMissing(rc)) {
            f.complete(value);
        } else {
            f.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
        }
    }
}
