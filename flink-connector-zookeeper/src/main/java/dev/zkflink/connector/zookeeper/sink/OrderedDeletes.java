package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.RetryingCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes znodes strictly in the order they are added, in {@code multi()} transactions of at most
 * {@code sink.buffer-flush.max-rows} deletes sized under {@code jute.maxbuffer}, one transaction at
 * a time. Callers add a node only after everything below it, so every delete finds its node
 * childless, and a transaction that fails leaves nothing half done (a {@code multi()} is atomic).
 *
 * <p>Transient errors are retried within {@link WriteRetryBudget}. A transaction that meets NoNode
 * or NotEmpty (another client changed the tree since it was listed, or a retried transaction whose
 * first outcome was unknown had already been applied) is redone one delete at a time: a node
 * already gone counts as deleted, a node that gained children has them deleted first by {@link
 * ChildrenDeleter}. Any other code fails with the path and the code.
 */
final class OrderedDeletes {
    /** NotEmpty this many times for one node: the tree keeps growing under the statement. */
    private static final int MAX_REGROWTHS = 20;

    /** Deletes the children of a node that gained some after it was listed; returns rows. */
    interface ChildrenDeleter {
        long deleteChildren(String absolutePath, int depth) throws IOException;
    }

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final WriteRetryBudget retries;
    private final ChildrenDeleter childrenDeleter;
    private final int requestBudget;
    private final int maxOps;

    private final List<String> paths = new ArrayList<>();
    private final List<Integer> depths = new ArrayList<>();
    private final List<Boolean> rows = new ArrayList<>();
    private long bytes;
    private long rowsDeleted;

    OrderedDeletes(
            CuratorFramework client,
            ZooKeeperWriteOptions options,
            WriteRetryBudget retries,
            ChildrenDeleter childrenDeleter) {
        this.client = client;
        this.options = options;
        this.retries = retries;
        this.childrenDeleter = childrenDeleter;
        this.requestBudget =
                options.getConnection().getJuteMaxBuffer()
                        - ZooKeeperLimits.REQUEST_OVERHEAD_RESERVE;
        this.maxOps = options.getBufferFlushMaxRows();
    }

    /** Row nodes deleted by the transactions that completed so far. */
    long rowsDeleted() {
        return rowsDeleted;
    }

    /** Queues the delete of a node whose subtree has been queued before it. */
    void add(String absolutePath, int depth, boolean row) throws IOException {
        long size = estimate(absolutePath);
        if (!paths.isEmpty() && (paths.size() >= maxOps || bytes + size > requestBudget)) {
            flush();
        }
        paths.add(absolutePath);
        depths.add(depth);
        rows.add(row);
        bytes += size;
    }

    /** Sends what is queued; returns when it is durable. */
    void flush() throws IOException {
        if (paths.isEmpty()) {
            return;
        }
        List<Op> ops = new ArrayList<>(paths.size());
        for (String p : paths) {
            ops.add(Op.delete(p, -1));
        }
        retries.progress();
        boolean applied =
                RetryingCalls.retry(
                        () -> {
                            retries.await(ZooKeeperAsyncCalls.multi(zooKeeper(), ops));
                            return true;
                        },
                        retries,
                        e -> {
                            if (e.code() == KeeperException.Code.NONODE
                                    || e.code() == KeeperException.Code.NOTEMPTY) {
                                return false;
                            }
                            throw DeleteErrors.deleting(
                                    failedPathOrFirst(ops, e), e.code(), options.getConnection());
                        });
        if (applied) {
            retries.progress();
            for (boolean row : rows) {
                rowsDeleted += row ? 1 : 0;
            }
        } else {
            oneByOne();
        }
        paths.clear();
        depths.clear();
        rows.clear();
        bytes = 0;
    }

    private void oneByOne() throws IOException {
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            int regrowths = 0;
            while (!deleteOne(path)) {
                if (++regrowths > MAX_REGROWTHS) {
                    throw new IOException(
                            String.format(
                                    "Deleting znode '%s' failed with NOTEMPTY %d times in a"
                                            + " row: other clients keep creating nodes below it.",
                                    path, regrowths));
                }
                rowsDeleted += childrenDeleter.deleteChildren(path, depths.get(i));
            }
            rowsDeleted += rows.get(i) ? 1 : 0;
        }
    }

    /** Deletes one node; false if it has children. A node gone already counts as deleted. */
    private boolean deleteOne(String path) throws IOException {
        return RetryingCalls.retry(
                () -> {
                    retries.await(ZooKeeperAsyncCalls.delete(zooKeeper(), path));
                    retries.progress();
                    return true;
                },
                retries,
                e -> {
                    if (e.code() == KeeperException.Code.NOTEMPTY) {
                        return false;
                    }
                    if (e.code() != KeeperException.Code.NONODE) {
                        throw DeleteErrors.deleting(path, e.code(), options.getConnection());
                    }
                    return true; // listed as existing and gone now; counted as deleted
                });
    }

    /** Upper bound of what one delete adds to a multi request: header, path and version. */
    static long estimate(String path) {
        return 32 + 3L * path.length();
    }

    /** The failed op's path; the first op's when the results do not name one. */
    private static String failedPathOrFirst(List<Op> ops, KeeperException e) {
        return e.getPath() != null ? e.getPath() : ops.get(0).getPath();
    }

    private ZooKeeper zooKeeper() throws IOException {
        return ZooKeeperCalls.handle(client, options.getConnection());
    }
}
