package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.RetryingCalls;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls.ZNodeState;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>This class does the I/O; the decisions are pure and tested without a server: {@link
 * ZNodeOpPlanner} turns a chunk into operations, {@link ZNodeExistenceGuess} holds what the writer
 * believes exists, {@link TransactionRecovery} picks what to do about a failed transaction and
 * {@link WriteErrors} says why it cannot be fixed. The reads it needs to decide are {@link
 * WriterReads}.
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
    private static final int MAX_REPLANS_PER_CHUNK = 20;

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final int requestBudget;

    /** The table root: the sink creates it at start; nodes above it are never touched. */
    private final String rootPath;

    /** Bounds every wait of this writer, by count and by time without progress. */
    private final WriteRetryBudget retries;

    private final int maxInFlight;
    private final WriteListener listener;

    /** Sent and not yet resolved, oldest first. */
    private final Deque<InFlightChunk> inFlight = new ArrayDeque<>();

    private final InFlightPaths inFlightPaths = new InFlightPaths();

    private final ZNodeOpPlanner planner;
    private final ZNodeExistenceGuess guess;
    private final WriterReads reads;
    private final VersionConflicts conflicts;

    /** Told on the mailbox thread when a chunk is durable, and of skipped conflicts. */
    interface WriteListener {
        /** {@code sessionId}: the session the chunk was written on (ephemerals belong to it). */
        void written(
                List<ZNodeMutation> mutations, long dataBytes, long nanosSinceSent, long sessionId);

        default void versionConflictSkipped(ZNodeMutation mutation) {}
    }

    /** A transaction sent and not yet resolved. */
    private static final class InFlightChunk {
        final List<ZNodeMutation> mutations;
        final List<Op> ops;
        final CompletableFuture<Void> answer;
        final long sessionId;
        final long sentNanos = System.nanoTime();

        InFlightChunk(
                List<ZNodeMutation> mutations,
                List<Op> ops,
                CompletableFuture<Void> answer,
                long sessionId) {
            this.mutations = mutations;
            this.ops = ops;
            this.answer = answer;
            this.sessionId = sessionId;
        }
    }

    ZNodeBatchWriter(CuratorFramework client, ZooKeeperWriteOptions options, String rootPath) {
        this(client, options, rootPath, (mutations, bytes, nanos, session) -> {});
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
        this.planner = new ZNodeOpPlanner(options, rootPath);
        this.guess = new ZNodeExistenceGuess(options.getCreateMode());
        this.reads = new WriterReads(client, options, rootPath, retries);
        this.conflicts = new VersionConflicts(options, listener);
    }

    /** See {@link VersionConflicts#setReplaying}. */
    void setReplaying(boolean replaying) {
        conflicts.setReplaying(replaying);
    }

    void markExisting(String path) {
        guess.remember(path);
    }

    /** Applies the mutations in order; returns when all are durable in ZooKeeper. */
    void apply(List<ZNodeMutation> mutations) throws IOException {
        send(mutations);
        awaitAll();
    }

    /**
     * As {@link #apply}, for mutations that may have been applied before (a committable that Flink
     * commits again after a restore): guarded sequential creates that already happened are skipped,
     * so a repeated commit creates no second node. Conditional writes need nothing extra: a replay
     * that meets its own write counts as done ({@link VersionConflicts#alreadyApplied}).
     */
    void applyReplayable(List<ZNodeMutation> mutations) throws IOException {
        retries.progress(); // a new commit: the budget is full again, as for a flush
        List<ZNodeMutation> pending = mutations;
        for (ZNodeMutation m : mutations) {
            if (m.getSequenceGuard() != null) {
                pending = new ArrayList<>(mutations);
                dropSequentialsCreated(pending, new ArrayList<>());
                break;
            }
        }
        apply(pending);
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
            ZooKeeper zk = zooKeeper();
            List<Op> ops = planner.plan(chunk, guess, null, zk.getSessionId()).ops;
            inFlight.addLast(
                    new InFlightChunk(
                            chunk, ops, ZooKeeperAsyncCalls.multi(zk, ops), zk.getSessionId()));
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
            long sessionId = oldest.sessionId;
            List<ZNodeMutation> written = oldest.mutations;
            if (failure == null) {
                retries.progress();
                guess.learnWritten(oldest.ops);
            } else {
                written = new ArrayList<>(oldest.mutations);
                sessionId = applyChunk(written, failure);
            }
            long bytes = 0;
            for (ZNodeMutation m : written) {
                bytes += m.isDelete() ? 0 : m.getData().length;
            }
            listener.written(written, bytes, System.nanoTime() - oldest.sentNanos, sessionId);
        } finally {
            inFlight.removeFirst();
            inFlightPaths.remove(oldest.mutations);
        }
    }

    /**
     * Writes a chunk synchronously, re-planning and retrying until it is durable or fails for good.
     * {@code failure} is the error of an attempt already made, or null to start with one. {@code
     * pending} is left holding the mutations that were written: conflicts that were skipped, and
     * conditional writes found already applied, are removed. Returns the session written on.
     */
    private long applyChunk(List<ZNodeMutation> pending, @Nullable KeeperException failure)
            throws IOException {
        List<ZNodeMutation> done = new ArrayList<>(0); // found written already: still reported
        Map<String, Stat> verified = null;
        int replans = 0;
        KeeperException e = failure;
        boolean outcomeUnknown = false;
        try {
            while (true) {
                if (e == null) {
                    if (outcomeUnknown) {
                        dropSequentialsCreated(pending, done);
                        outcomeUnknown = false;
                    }
                    ZooKeeper zk = zooKeeper();
                    ZNodeOpPlanner.Plan plan =
                            planner.plan(pending, guess, verified, zk.getSessionId());
                    if (!plan.conflicts.isEmpty()) {
                        for (ZNodeMutation m : plan.conflicts) {
                            resolveConflict(m, pending, done);
                        }
                        continue;
                    }
                    if (plan.ops.isEmpty()) {
                        return zk.getSessionId();
                    }
                    try {
                        retries.await(ZooKeeperAsyncCalls.multi(zk, plan.ops));
                        retries.progress();
                        guess.learnWritten(plan.ops);
                        return zk.getSessionId();
                    } catch (KeeperException thrown) {
                        e = thrown;
                    }
                }
                TransactionRecovery recovery =
                        TransactionRecovery.of(e.code(), e.getPath(), pending);
                switch (recovery.action) {
                    case RETRY:
                        retries.backOff(e);
                        verified = null; // the outcome is unknown: plan again from what we know
                        outcomeUnknown = true;
                        break;
                    case RESOLVE_CONFLICT:
                        resolveConflict(recovery.conditional, pending, done);
                        break;
                    case VERIFY:
                        if (++replans > MAX_REPLANS_PER_CHUNK) {
                            throw WriteErrors.keepsChanging(e.getPath(), e, replans);
                        }
                        verified = reads.existence(planner.pathsToVerify(pending));
                        guess.learnVerified(pending, verified);
                        break;
                    case DELETE_SUBTREES:
                        // Bounded like VERIFY: writers that keep adding children below a node
                        // this chunk deletes (its root, say) would otherwise never let it end.
                        if (++replans > MAX_REPLANS_PER_CHUNK) {
                            throw WriteErrors.keepsChanging(e.getPath(), e, replans);
                        }
                        recoverFromNotEmpty(pending, e, done);
                        break;
                    default:
                        throw fatal(e.getPath(), e);
                }
                e = null;
            }
        } finally {
            pending.addAll(done);
        }
    }

    /**
     * After an answer was lost, finds the guarded sequential creates that did happen (a child of
     * the parent carries the guard's protected prefix) and moves them to {@code done}, so a retry
     * never creates a second node for one row. One listing per parent.
     */
    private void dropSequentialsCreated(List<ZNodeMutation> pending, List<ZNodeMutation> done)
            throws IOException {
        long session = zooKeeper().getSessionId();
        Map<String, List<String>> childrenOf = new HashMap<>();
        for (java.util.Iterator<ZNodeMutation> it = pending.iterator(); it.hasNext(); ) {
            ZNodeMutation m = it.next();
            if (m.getSequenceGuard() == null) {
                continue;
            }
            String parent = ZNodePaths.parent(m.getPath());
            List<String> children = childrenOf.get(parent);
            if (children == null) {
                reads.sync(
                        parent); // the lost create may be on the leader and not yet on our server
                children = reads.children(parent);
                childrenOf.put(parent, children);
            }
            String prefix = ZNodeOpPlanner.guardPrefix(m.getSequenceGuard());
            for (String child : children) {
                if (child.startsWith(prefix)
                        && (!planner.mode().isEphemeral()
                                || ownedBy(ZNodePaths.join(parent, child), session))) {
                    it.remove();
                    done.add(m);
                    break;
                }
            }
        }
    }

    /**
     * Whether the node is an ephemeral of {@code session}: a guarded node of an expired or
     * restored-from session is not this row's node, since it goes with its session.
     */
    private boolean ownedBy(String path, long session) throws IOException {
        ZNodeState state = reads.read(path);
        return state.stat != null && state.stat.getEphemeralOwner() == session;
    }

    /**
     * A conditional mutation cannot succeed as planned: read the node and decide. A write this
     * writer already made (a replay after ConnectionLoss or a restore) is done; anything else is a
     * conflict, which fails or is skipped by {@code 'sink.version-conflict'}. Either way it leaves
     * {@code pending}; a write found done moves to {@code done}.
     */
    private void resolveConflict(
            ZNodeMutation m, List<ZNodeMutation> pending, List<ZNodeMutation> done)
            throws IOException {
        ZNodeState actual = reads.read(m.getPath());
        pending.remove(m);
        if (VersionConflicts.alreadyApplied(m, actual.stat, actual.data)) {
            done.add(m);
            if (!m.isDelete()) {
                guess.remember(m.getPath());
            }
            return;
        }
        conflicts.onConflict(m, actual.stat); // throws under 'fail'
    }

    /** Forgets which paths exist: after a session expiry this session's ephemerals are gone. */
    void forgetKnownPaths() {
        guess.forgetAll();
    }

    /**
     * A plain delete in the chunk hit a node with children: delete that subtree outside the
     * transaction and drop the delete from the chunk. When the error names no operation (the client
     * reports it without per-op results), every delete of the chunk is done that way; this is safe
     * because a chunk never holds a delete together with a mutation at or below it. A conditional
     * delete first checks the node's version, so a conflict leaves the subtree as it was.
     */
    void recoverFromNotEmpty(
            List<ZNodeMutation> pending, KeeperException e, List<ZNodeMutation> done)
            throws IOException {
        String failedPath = e.getPath();
        List<ZNodeMutation> targets = new ArrayList<>();
        for (ZNodeMutation m : pending) {
            if (m.isDelete() && (failedPath == null || m.getPath().equals(failedPath))) {
                targets.add(m);
            }
        }
        if (targets.isEmpty()) {
            throw fatal(failedPath, e); // NOTEMPTY for something the chunk does not delete
        }
        List<String> subtrees = new ArrayList<>();
        for (ZNodeMutation m : targets) {
            if (!m.isConditional()) {
                subtrees.add(ZNodePaths.relativize(rootPath, m.getPath()));
                if (!m.getPath().equals(rootPath)) {
                    pending.remove(m); // the root is kept, childless: the transaction deletes it
                }
                guess.forget(m.getPath());
            }
        }
        subtreeDeleter().deleteSubtrees(subtrees);
        for (ZNodeMutation m : targets) {
            if (m.isConditional()) {
                deleteConditionally(m, pending, done);
            }
        }
    }

    /** Deletes the subtree of a conditional delete, or resolves it as a conflict. */
    private void deleteConditionally(
            ZNodeMutation m, List<ZNodeMutation> pending, List<ZNodeMutation> done)
            throws IOException {
        String path = m.getPath();
        ZNodeState actual = reads.read(path);
        if (actual.stat == null || actual.stat.getVersion() != m.getExpectedVersion()) {
            resolveConflict(m, pending, done);
            return;
        }
        List<String> children = new ArrayList<>();
        for (String child : reads.children(path)) {
            children.add(ZNodePaths.relativize(rootPath, ZNodePaths.join(path, child)));
        }
        subtreeDeleter().deleteSubtrees(children);
        boolean deleted =
                RetryingCalls.retry(
                        () -> {
                            retries.await(
                                    ZooKeeperAsyncCalls.delete(
                                            zooKeeper(), path, m.getExpectedVersion()));
                            retries.progress();
                            return true;
                        },
                        retries,
                        e -> {
                            if (e.code() == KeeperException.Code.BADVERSION
                                    || e.code() == KeeperException.Code.NONODE) {
                                return false; // changed while its children went
                            }
                            throw fatal(path, e);
                        });
        if (deleted) {
            pending.remove(m);
            guess.forget(path);
        } else {
            resolveConflict(m, pending, done);
        }
    }

    /** Deletes subtrees as the table's statements do: listed in batches, deepest nodes first. */
    private SubtreeDeleter subtreeDeleter() {
        return new SubtreeDeleter(client, options, ZNodeTreeLayout.wholeSubtree(rootPath));
    }

    private IOException fatal(@Nullable String path, KeeperException e) {
        return WriteErrors.writing(path, e, options, rootPath);
    }

    private ZooKeeper zooKeeper() throws IOException {
        return ZooKeeperCalls.handle(client, options.getConnection());
    }
}
