package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Applies collapsed mutations in {@code multi()} transactions sized under {@code jute.maxbuffer}.
 *
 * <p>ZooKeeper has no upsert, and a {@code multi()} fails whole on the first wrong guess. The
 * writer guesses from the paths it has written before (setData for known ones; for unknown ones,
 * what the last check found for most unknown paths); when a guess is wrong it checks the existence
 * of the chunk's paths and their parents with one pipelined round of {@code exists} calls and plans
 * the chunk exactly. A NodeExists race thus becomes a setData, a missing parent becomes a create of
 * empty persistent nodes, a missing node on delete counts as deleted, and a delete of a node with
 * children deletes its subtree.
 *
 * <p>Transient errors (ConnectionLoss, OperationTimeout, SessionExpired) are retried with
 * exponential backoff, bounded by {@link WriteRetryBudget}; everything is idempotent, so replaying
 * a transaction whose outcome was unknown is safe. Anything else fails with the path and code.
 *
 * <p>Transactions are pipelined: up to {@code sink.max-in-flight} are sent before the oldest is
 * waited for, also across flushes, and {@link #awaitAll()} is where they are all durable. A failed
 * one is resolved (re-planned, retried) when it is the oldest, on the caller's thread; {@link
 * InFlightPaths} keeps back any transaction whose order against one in flight would matter.
 */
final class ZNodeBatchWriter {
    private static final byte[] EMPTY = new byte[0];
    private static final List<ACL> ACL_LIST = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final int KNOWN_PATHS_CAP = 200_000;
    private static final int MAX_REPLANS_PER_CHUNK = 20;
    private static final int EXISTS_WINDOW = 1000;

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final int requestBudget;
    private final Set<String> knownToExist = new HashSet<>();

    /** The table root: the sink creates it at start; nodes above it are never touched. */
    private final String rootPath;

    /** Bounds every wait of this writer, by count and by time without progress. */
    private final WriteRetryBudget retries;

    /**
     * What the last verification found for paths this writer had not written before: mostly
     * existing (a job updating a tree it did not create) or mostly missing (a job creating one).
     * Unknown paths are guessed the same way, so either kind of job needs one round trip per chunk.
     */
    private boolean unknownPathsUsuallyExist;

    private final int maxInFlight;
    private final WriteListener listener;

    /** Sent and not yet resolved, oldest first. */
    private final Deque<InFlightChunk> inFlight = new ArrayDeque<>();

    private final InFlightPaths inFlightPaths = new InFlightPaths();

    /** Told on the mailbox thread when a chunk is durable. */
    interface WriteListener {
        void written(int mutations, long dataBytes, long nanosSinceSent);
    }

    /** A transaction sent and not yet resolved. */
    private static final class InFlightChunk {
        final List<ZNodeMutation> mutations;
        final List<Op> ops;
        final CompletableFuture<Void> answer;
        final long sentNanos = System.nanoTime();

        InFlightChunk(List<ZNodeMutation> mutations, List<Op> ops, CompletableFuture<Void> answer) {
            this.mutations = mutations;
            this.ops = ops;
            this.answer = answer;
        }
    }

    ZNodeBatchWriter(CuratorFramework client, ZooKeeperWriteOptions options, String rootPath) {
        this(client, options, rootPath, (mutations, bytes, nanos) -> {});
    }

    ZNodeBatchWriter(
            CuratorFramework client,
            ZooKeeperWriteOptions options,
            String rootPath,
            WriteListener listener) {
        this.client = client;
        this.listener = listener;
        this.maxInFlight = options.getMaxInFlight();
        this.options = options;
        this.rootPath = rootPath;
        this.requestBudget =
                options.getConnection().getJuteMaxBuffer()
                        - ZooKeeperLimits.REQUEST_OVERHEAD_RESERVE;
        this.retries = new WriteRetryBudget(client, options);
    }

    void markExisting(String path) {
        remember(path);
    }

    /** Applies the mutations in order; returns when all are durable in ZooKeeper. */
    void apply(List<ZNodeMutation> mutations) throws IOException {
        send(mutations);
        awaitAll();
    }

    /**
     * Sends the mutations in order, without waiting for their answers beyond what {@code
     * sink.max-in-flight} and {@link InFlightPaths} demand: a transaction that could be reordered
     * against one in flight waits until the older ones are resolved, oldest first.
     */
    void send(List<ZNodeMutation> mutations) throws IOException {
        retries.progress();
        for (List<ZNodeMutation> chunk : TransactionChunker.chunk(mutations, requestBudget)) {
            while (inFlightPaths.conflictsWith(chunk)) {
                completeOldest();
            }
            List<Op> ops = plan(chunk, null);
            inFlight.addLast(new InFlightChunk(chunk, ops, multiAsync(ops)));
            inFlightPaths.add(chunk);
            while (inFlight.size() >= maxInFlight) {
                completeOldest();
            }
        }
    }

    /** Returns when everything sent is durable in ZooKeeper: the at-least-once point. */
    void awaitAll() throws IOException {
        while (!inFlight.isEmpty()) {
            completeOldest();
        }
    }

    /**
     * Takes the answered transactions at the head without waiting, so a failure surfaces at the
     * next row rather than at the next checkpoint. A failed one is resolved at once.
     */
    void pollCompleted() throws IOException {
        while (!inFlight.isEmpty() && inFlight.peekFirst().answer.isDone()) {
            completeOldest();
        }
    }

    int inFlightCount() {
        return inFlight.size();
    }

    /**
     * Waits for the oldest transaction in flight; if it failed, writes its chunk again
     * synchronously. Everything sent after it commutes with it ({@link InFlightPaths}), so writing
     * it after them leaves the tree that writing it first would.
     */
    private void completeOldest() throws IOException {
        InFlightChunk oldest = inFlight.peekFirst();
        try {
            KeeperException failure = null;
            try {
                retries.await(oldest.answer);
            } catch (KeeperException e) {
                failure = e;
            }
            if (failure == null) {
                retries.progress();
                learnWritten(oldest.ops);
            } else {
                applyChunk(oldest.mutations, failure);
            }
            long bytes = 0;
            for (ZNodeMutation m : oldest.mutations) {
                bytes += m.isDelete() ? 0 : m.getData().length;
            }
            listener.written(oldest.mutations.size(), bytes, System.nanoTime() - oldest.sentNanos);
        } finally {
            inFlight.removeFirst();
            inFlightPaths.remove(oldest.mutations);
        }
    }

    /**
     * Writes a chunk synchronously, re-planning and retrying until it is durable or fails for good.
     * {@code failure} is the error of an attempt already made, or null to start with one.
     */
    private void applyChunk(List<ZNodeMutation> chunk, @Nullable KeeperException failure)
            throws IOException {
        List<ZNodeMutation> pending = new ArrayList<>(chunk);
        Map<String, Boolean> verified = null;
        int replans = 0;
        KeeperException e = failure;
        while (true) {
            if (e == null) {
                List<Op> ops = plan(pending, verified);
                if (ops.isEmpty()) {
                    return;
                }
                try {
                    multi(ops);
                    retries.progress();
                    learnWritten(ops);
                    return;
                } catch (KeeperException thrown) {
                    e = thrown;
                }
            }
            if (ZooKeeperCalls.isTransient(e.code())) {
                retries.backOff(e);
                verified = null; // the outcome is unknown: plan again from what we know
                e = null;
                continue;
            }
            String path = e.getPath();
            switch (e.code()) {
                case NODEEXISTS:
                case NONODE:
                    if (++replans > MAX_REPLANS_PER_CHUNK) {
                        throw new IOException(
                                String.format(
                                        "Writing '%s' failed with %s %d times in a row: the tree keeps changing under the sink.",
                                        path, e.code(), replans),
                                e);
                    }
                    verified = existence(pathsToCheck(pending));
                    learnFrom(pending, verified);
                    break;
                case NOTEMPTY:
                    recoverFromNotEmpty(pending, e);
                    break;
                default:
                    throw fatal(path, e);
            }
            e = null;
        }
    }

    private void learnWritten(List<Op> ops) {
        for (Op op : ops) {
            if (op.getType() == ZooDefs.OpCode.delete) {
                knownToExist.remove(op.getPath());
            } else {
                remember(op.getPath());
            }
        }
    }

    /** One transaction, waited for; the wait is bounded by the retry budget. */
    private void multi(List<Op> ops) throws IOException, KeeperException {
        retries.await(multiAsync(ops));
    }

    /**
     * Sends one transaction. The answer is awaited with the retry budget's bound, never the
     * client's own read timeout. A failure names the path of the first failed operation.
     */
    private CompletableFuture<Void> multiAsync(List<Op> ops) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (ops.isEmpty()) {
            done.complete(null);
            return done;
        }
        zooKeeper()
                .multi(
                        ops,
                        (rc, ignored, ctx, results) -> {
                            if (rc == KeeperException.Code.OK.intValue()) {
                                done.complete(null);
                            } else {
                                done.completeExceptionally(
                                        KeeperException.create(
                                                KeeperException.Code.get(rc),
                                                failedPath(ops, results)));
                            }
                        },
                        null);
        return done;
    }

    /** Ops for the chunk: from verified existence if we have it, else from what we wrote before. */
    private List<Op> plan(List<ZNodeMutation> chunk, Map<String, Boolean> verified) {
        List<Op> ops = new ArrayList<>(chunk.size());
        Set<String> createdHere = new HashSet<>();
        for (ZNodeMutation m : chunk) {
            String path = m.getPath();
            if (m.isDelete()) {
                if (verified == null || verified.getOrDefault(path, true)) {
                    ops.add(Op.delete(path, -1));
                }
                continue;
            }
            boolean exists =
                    createdHere.contains(path)
                            || (verified == null
                                    ? unknownPathsUsuallyExist || knownToExist.contains(path)
                                    : verified.getOrDefault(path, false));
            if (exists) {
                ops.add(Op.setData(path, m.getData(), -1));
                continue;
            }
            if (verified != null) {
                List<String> missing = new ArrayList<>();
                for (String a = ZNodePaths.parent(path);
                        a != null && isAtOrBelowRoot(a);
                        a = ZNodePaths.parent(a)) {
                    if (!createdHere.contains(a) && !verified.getOrDefault(a, false)) {
                        missing.add(0, a);
                    }
                }
                for (String a : missing) {
                    ops.add(Op.create(a, EMPTY, ACL_LIST, CreateMode.PERSISTENT));
                    createdHere.add(a);
                }
            }
            ops.add(Op.create(path, m.getData(), ACL_LIST, CreateMode.PERSISTENT));
            createdHere.add(path);
        }
        return ops;
    }

    private void learnFrom(List<ZNodeMutation> chunk, Map<String, Boolean> verified) {
        int upserts = 0;
        int existing = 0;
        for (ZNodeMutation m : chunk) {
            if (!m.isDelete()) {
                upserts++;
                if (verified.getOrDefault(m.getPath(), false)) {
                    existing++;
                }
            }
        }
        if (upserts > 0) {
            unknownPathsUsuallyExist = existing * 2 > upserts;
        }
    }

    /** Ancestors above the root are the user's, not the table's: never checked or created. */
    private boolean isAtOrBelowRoot(String path) {
        return !"/".equals(path)
                && (path.equals(rootPath)
                        || "/".equals(rootPath)
                        || path.startsWith(rootPath + "/"));
    }

    private Collection<String> pathsToCheck(List<ZNodeMutation> chunk) {
        Set<String> paths = new LinkedHashSet<>();
        for (ZNodeMutation m : chunk) {
            paths.add(m.getPath());
            if (!m.isDelete()) {
                for (String a = ZNodePaths.parent(m.getPath());
                        a != null && isAtOrBelowRoot(a);
                        a = ZNodePaths.parent(a)) {
                    if (!paths.add(a)) {
                        break; // its ancestors are in already
                    }
                }
            }
        }
        return paths;
    }

    /** One pipelined round of {@code exists} calls. */
    private Map<String, Boolean> existence(Collection<String> paths) throws IOException {
        while (true) {
            try {
                Map<String, Boolean> result = new HashMap<>();
                List<String> list = new ArrayList<>(paths);
                for (int start = 0; start < list.size(); start += EXISTS_WINDOW) {
                    ZooKeeper zk = zooKeeper();
                    List<CompletableFuture<Boolean>> futures = new ArrayList<>();
                    List<String> window =
                            list.subList(start, Math.min(list.size(), start + EXISTS_WINDOW));
                    for (String p : window) {
                        CompletableFuture<Boolean> f = new CompletableFuture<>();
                        zk.exists(
                                p,
                                false,
                                (rc, path, ctx, stat) -> {
                                    if (rc == KeeperException.Code.OK.intValue()) {
                                        f.complete(true);
                                    } else if (rc == KeeperException.Code.NONODE.intValue()) {
                                        f.complete(false);
                                    } else {
                                        f.completeExceptionally(
                                                KeeperException.create(
                                                        KeeperException.Code.get(rc), path));
                                    }
                                },
                                null);
                        futures.add(f);
                    }
                    for (int i = 0; i < window.size(); i++) {
                        result.put(window.get(i), await(futures.get(i)));
                    }
                }
                retries.progress();
                return result;
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code())) {
                    throw fatal(e.getPath(), e);
                }
                retries.backOff(e);
            }
        }
    }

    /**
     * A plain delete in the chunk hit a node with children: delete that subtree outside the
     * transaction and drop the delete from the chunk. When the error names no operation (the client
     * reports it without per-op results), every delete of the chunk is done that way; this is safe
     * because a chunk never holds a delete together with a mutation at or below it.
     */
    void recoverFromNotEmpty(List<ZNodeMutation> pending, KeeperException e) throws IOException {
        String failedPath = e.getPath();
        Set<String> targets = new LinkedHashSet<>();
        for (ZNodeMutation m : pending) {
            if (m.isDelete() && (failedPath == null || m.getPath().equals(failedPath))) {
                targets.add(m.getPath());
            }
        }
        if (targets.isEmpty()) {
            throw fatal(failedPath, e); // NOTEMPTY for something the chunk does not delete
        }
        for (String path : targets) {
            deleteSubtree(path);
        }
        pending.removeIf(m -> m.isDelete() && targets.contains(m.getPath()));
    }

    private void deleteSubtree(String path) throws IOException {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (KeeperException e) {
            throw fatal(path, e);
        } catch (Exception e) {
            throw new IOException("Deleting the subtree at '" + path + "' failed: " + e, e);
        }
        knownToExist.remove(path);
    }

    @Nullable
    private static String failedPath(List<Op> ops, @Nullable List<OpResult> results) {
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

    private IOException fatal(String path, KeeperException e) {
        String hint = "";
        if (e.code() == KeeperException.Code.NOAUTH) {
            hint =
                    options.getConnection().hasDigestAuth()
                            ? " The ACL of the node or its parent does not grant 'auth.digest.user' = '"
                                    + options.getConnection().getDigestUser()
                                    + "' this permission."
                            : " The node or its parent has an ACL; set 'auth.digest.user' and 'auth.digest.password'.";
        }
        return new IOException(
                String.format(
                        "Writing znode '%s' failed with ZooKeeper code %s (%d).%s",
                        path, e.code(), e.code().intValue(), hint),
                e);
    }

    private ZooKeeper zooKeeper() throws IOException {
        return ZooKeeperCalls.handle(client, options.getConnection());
    }

    private <T> T await(CompletableFuture<T> f) throws IOException, KeeperException {
        return retries.await(f);
    }

    private void remember(String path) {
        if (knownToExist.size() >= KNOWN_PATHS_CAP) {
            knownToExist.clear(); // only a hint; a wrong guess costs one re-plan
        }
        knownToExist.add(path);
    }
}
