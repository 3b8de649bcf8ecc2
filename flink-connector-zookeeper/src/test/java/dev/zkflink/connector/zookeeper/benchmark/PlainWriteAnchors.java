package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The write modes done by a plain ZooKeeper client at its best: async {@code multi} requests,
 * several in flight (through {@link PlainClientAnchors#multiPipelined}). The anchors of {@link
 * WriteModesBenchmark}.
 */
final class PlainWriteAnchors {
    private PlainWriteAnchors() {}

    /** Turns the answers of one multi read of {@code paths} into the writes that follow it. */
    interface WritesAfterRead {
        List<Op> writes(List<String> paths, List<OpResult> answers);
    }

    /** {@code setData(path, data, version)} for every path; -1 is unconditional. */
    static List<Op> setDatas(List<String> paths, byte[] data, int version) {
        List<Op> ops = new ArrayList<>(paths.size());
        for (String p : paths) {
            ops.add(Op.setData(p, data, version));
        }
        return ops;
    }

    /** A create of {@code mode} for every path, with the open ACL. */
    static List<Op> creates(List<String> paths, byte[] data, CreateMode mode) {
        List<Op> ops = new ArrayList<>(paths.size());
        for (String p : paths) {
            ops.add(Op.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, mode));
        }
        return ops;
    }

    /**
     * Sequential creates below {@code parent}, one per key. With {@code protectedNames}, each name
     * starts as Curator's protected mode does ({@code _c_<random UUID>-<key>}), so a retry after a
     * lost answer can find the node; otherwise the name is the key. ZooKeeper appends the counter.
     */
    static List<Op> sequentialCreates(
            String parent, List<String> keys, byte[] data, boolean protectedNames) {
        List<Op> ops = new ArrayList<>(keys.size());
        for (String key : keys) {
            String name = protectedNames ? "_c_" + UUID.randomUUID() + "-" + key : key;
            ops.add(
                    Op.create(
                            parent + "/" + name,
                            data,
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT_SEQUENTIAL));
        }
        return ops;
    }

    /** A plain client's own session, once connected: its ephemerals go when it is closed. */
    static ZooKeeper connect(String hosts) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper session =
                new ZooKeeper(
                        hosts,
                        30_000,
                        event -> {
                            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                                connected.countDown();
                            }
                        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("No ZooKeeper session within 30 s");
        }
        return session;
    }

    /**
     * An ephemeral copy below {@code registry} of each node of one answered multi read: what a
     * plain client registering the desired nodes sends.
     */
    static List<Op> ephemeralCopies(
            String registry, List<String> desiredPaths, List<OpResult> answers) {
        List<Op> ops = new ArrayList<>(desiredPaths.size());
        for (int i = 0; i < desiredPaths.size(); i++) {
            String path = desiredPaths.get(i);
            ops.add(
                    Op.create(
                            registry + path.substring(path.lastIndexOf('/')),
                            ((OpResult.GetDataResult) answers.get(i)).getData(),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.EPHEMERAL));
        }
        return ops;
    }

    /**
     * Reads {@code paths} by async multi reads of {@code batch} {@code getData}; each answer at
     * once sends the multi that {@code writes} makes of it. At most {@code inFlight} such
     * read-then-write pairs are unanswered. Returns when every write is acknowledged; fails if any
     * read or write failed.
     */
    static void readThenWritePipelined(
            ZooKeeper zk, List<String> paths, int batch, int inFlight, WritesAfterRead writes)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        AsyncCallback.MultiCallback written =
                (rc, path, ctx, results) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        failure.compareAndSet(null, "write: " + KeeperException.Code.get(rc));
                    }
                    window.release();
                };
        for (int from = 0; from < paths.size(); from += batch) {
            List<String> chunk = paths.subList(from, Math.min(paths.size(), from + batch));
            List<Op> reads = new ArrayList<>(chunk.size());
            for (String p : chunk) {
                reads.add(Op.getData(p));
            }
            window.acquire();
            zk.multi(
                    reads,
                    (rc, path, ctx, results) -> {
                        if (rc != KeeperException.Code.OK.intValue() || anyError(results)) {
                            failure.compareAndSet(null, "read: " + KeeperException.Code.get(rc));
                            window.release();
                            return;
                        }
                        zk.multi(writes.writes(chunk, results), written, null);
                    },
                    null);
        }
        window.acquire(inFlight);
        window.release(inFlight);
        if (failure.get() != null) {
            throw new IllegalStateException("A pipelined read-then-write failed: " + failure);
        }
    }

    /** A multi read answers OK as a whole even when single reads in it failed. */
    private static boolean anyError(List<OpResult> results) {
        for (OpResult r : results) {
            if (r instanceof OpResult.ErrorResult) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deletes the subtree of {@code root} as a plain client does it at its best: lists it level by
     * level with async multi reads of 1,000 {@code getChildren} ({@code inFlight} at once), then
     * sends the deletes deepest first as async multis of {@code batch}, {@code inFlight} at once.
     * The order survives the pipelining: the server applies one session's requests in the order
     * they were sent. With {@code includeRoot} the root goes too, else it stays. {@code zk} must
     * accept answers as large as the listings of 1,000 siblings. Returns the nodes deleted.
     */
    static int deleteSubtreePipelined(
            ZooKeeper zk, String root, boolean includeRoot, int batch, int inFlight)
            throws Exception {
        List<String> deepestFirst = listDeepestFirst(zk, root, includeRoot, inFlight);
        List<Op> deletes = new ArrayList<>(deepestFirst.size());
        for (String p : deepestFirst) {
            deletes.add(Op.delete(p, -1));
        }
        PlainClientAnchors.multiPipelined(zk, deletes, batch, inFlight);
        return deletes.size();
    }

    /** Every node below {@code root} (and root, if asked), each after all of its descendants. */
    private static List<String> listDeepestFirst(
            ZooKeeper zk, String root, boolean includeRoot, int inFlight) throws Exception {
        List<List<String>> levels = new ArrayList<>();
        List<String> level = Collections.singletonList(root);
        while (!level.isEmpty()) {
            level = childrenOf(zk, level, inFlight);
            levels.add(level);
        }
        List<String> out = new ArrayList<>();
        for (int i = levels.size() - 1; i >= 0; i--) {
            out.addAll(levels.get(i));
        }
        if (includeRoot) {
            out.add(root);
        }
        return out;
    }

    /** The children of every parent, by async multi reads of 1,000 getChildren, pipelined. */
    private static List<String> childrenOf(ZooKeeper zk, List<String> parents, int inFlight)
            throws Exception {
        int batch = 1000;
        int requests = (parents.size() + batch - 1) / batch;
        List<List<OpResult>> answers = new ArrayList<>(Collections.nCopies(requests, null));
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(requests);
        AtomicLong errors = new AtomicLong();
        for (int r = 0; r < requests; r++) {
            List<Op> reads = new ArrayList<>(batch);
            for (String p : parents.subList(r * batch, Math.min(parents.size(), (r + 1) * batch))) {
                reads.add(Op.getChildren(p));
            }
            window.acquire();
            zk.multi(
                    reads,
                    (rc, path, ctx, results) -> {
                        if (rc == KeeperException.Code.OK.intValue() && !anyError(results)) {
                            answers.set((Integer) ctx, results);
                        } else {
                            errors.incrementAndGet();
                        }
                        window.release();
                        done.countDown();
                    },
                    r);
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async multi reads failed");
        }
        List<String> out = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<OpResult> results = answers.get(r);
            for (int i = 0; i < results.size(); i++) {
                String parent = parents.get(r * batch + i);
                for (String c : ((OpResult.GetChildrenResult) results.get(i)).getChildren()) {
                    out.add(parent + "/" + c);
                }
            }
        }
        return out;
    }
}
