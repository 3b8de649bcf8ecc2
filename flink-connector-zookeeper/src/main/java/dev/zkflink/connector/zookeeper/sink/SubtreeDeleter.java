package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeChildren;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Deletes subtrees of a table's tree without reading any node's data, deepest nodes first, and
 * counts the row nodes it deletes.
 *
 * <p>The walk is depth first and lists children only ({@code getChildren}), many siblings per
 * {@code multi} read through {@link ZNodeBatchReader}, which keeps a round of listings under a few
 * times {@code jute.maxbuffer} and retries transient errors up to {@code sink.max-retries} times. A
 * node is queued for deletion in {@link OrderedDeletes} once its whole subtree is, so memory is one
 * listing and one round of listings per level, whatever the size of the tree.
 *
 * <p>Where a walk goes is decided per node by a {@link Decider}: delete the node with its subtree,
 * keep it and look at its children, or keep it with everything below it.
 */
@Internal
public final class SubtreeDeleter {
    /** getChildren ops per multi read (the reader cuts rounds further by their size). */
    private static final int LIST_BATCH = 1000;

    /** Nested walks for nodes that gained children after they were listed, at most. */
    private static final int MAX_NESTING = 5;

    /** What to do with a node and its subtree. */
    public enum Decision {
        /** Keep it and everything below it; it is not even listed. */
        KEEP,
        /** Keep it, and decide for each of its children. */
        DESCEND,
        /** Delete it and everything below it. */
        DELETE
    }

    /** Decides for a node below the root, by its path relative to the root and its depth. */
    @FunctionalInterface
    public interface Decider {
        Decision decide(String relativePath, int depth);
    }

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final ZNodeTreeLayout layout;
    private final ZNodeBatchReader reader;
    private final WriteRetryBudget retries;
    private final OrderedDeletes deletes;
    private int nesting;

    /**
     * @param client a connected client that accepts responses of {@link
     *     ZooKeeperLimits#responseLimit responseLimit(jute.maxbuffer, WRITER_RESPONSE_FACTOR)}
     */
    public SubtreeDeleter(
            CuratorFramework client, ZooKeeperWriteOptions options, ZNodeTreeLayout layout) {
        this.client = client;
        this.options = options;
        this.layout = layout;
        int juteMaxBuffer = options.getConnection().getJuteMaxBuffer();
        this.reader =
                new ZNodeBatchReader(
                                client,
                                options.getConnection(),
                                LIST_BATCH,
                                options.getMaxInFlight(),
                                ZooKeeperLimits.responseLimit(
                                        juteMaxBuffer, ZooKeeperLimits.WRITER_RESPONSE_FACTOR),
                                ZooKeeperWakeUp.NEVER)
                        .withRetries(options.getMaxRetries(), "sink.max-retries");
        this.retries = new WriteRetryBudget(client, options);
        this.deletes = new OrderedDeletes(client, options, retries, this::deleteChildren);
    }

    /** The response limit the client of a {@link SubtreeDeleter} must be opened with. */
    public static int clientResponseLimit(int juteMaxBuffer) {
        return ZooKeeperLimits.responseLimit(juteMaxBuffer, ZooKeeperLimits.WRITER_RESPONSE_FACTOR);
    }

    /** Row nodes deleted so far, also after a failure: what the failed statement did delete. */
    public long rowsDeleted() {
        return deletes.rowsDeleted();
    }

    /**
     * Walks the tree below the root as {@code decider} says; the root itself stays. A missing root
     * is an empty tree. Returns when every delete is durable.
     */
    public void sweep(Decider decider) throws IOException {
        walk(Collections.singletonList(""), false, decider);
        deletes.flush();
    }

    /**
     * Deletes each subtree, node included; missing ones count as empty. The root ({@code ""}) is
     * never deleted: it stands for all of its children.
     */
    public void deleteSubtrees(List<String> relativePaths) throws IOException {
        walk(relativePaths, true, (path, depth) -> Decision.DELETE);
        deletes.flush();
    }

    /** For {@link OrderedDeletes}: a node gained children after it was listed. */
    private long deleteChildren(String absolutePath, int depth) throws IOException {
        if (++nesting > MAX_NESTING) {
            throw new IOException(
                    String.format(
                            "Deleting the subtree at '%s' failed: other clients keep creating nodes in it.",
                            absolutePath));
        }
        try {
            SubtreeDeleter nested = new SubtreeDeleter(client, options, layout);
            nested.nesting = nesting;
            String relative = ZNodePaths.relativize(layout.getRootPath(), absolutePath);
            // The node itself stays: the transaction that found it NotEmpty deletes it again.
            nested.walk(
                    Collections.singletonList(relative),
                    false,
                    (p, d) -> d == depth ? Decision.DESCEND : Decision.DELETE);
            nested.deletes.flush();
            return nested.rowsDeleted();
        } finally {
            nesting--;
        }
    }

    private void walk(List<String> starts, boolean deleteStarts, Decider decider)
            throws IOException {
        Deque<Level> stack = new ArrayDeque<>();
        stack.push(Level.starts(starts, deleteStarts));
        while (!stack.isEmpty()) {
            Level level = stack.peek();
            Listed node = nextListed(level, decider);
            if (node == null) {
                stack.pop();
                if (level.owner != null) {
                    queueDelete(level.owner, level.childDepth - 1);
                }
            } else if (!node.children.isEmpty()) {
                stack.push(
                        new Level(
                                node.delete ? node.path : null,
                                iterate(layout.children(node.path, node.children)),
                                node.depth + 1,
                                node.delete));
            } else if (node.delete) {
                queueDelete(node.path, node.depth);
            }
        }
    }

    private void queueDelete(String relativePath, int depth) throws IOException {
        deletes.add(layout.absolute(relativePath), depth, layout.isRow(depth));
    }

    /** The next child of {@code level} that was listed, or null when there is none. */
    private Listed nextListed(Level level, Decider decider) throws IOException {
        while (true) {
            while (level.nextInRound < level.round.size()) {
                Candidate c = level.round.get(level.nextInRound);
                OpResult result = level.results.get(level.nextInRound);
                level.nextInRound++;
                if (result instanceof OpResult.GetChildrenResult) {
                    return new Listed(
                            c.path,
                            c.depth,
                            c.delete,
                            ((OpResult.GetChildrenResult) result).getChildren());
                }
                KeeperException.Code code = ZooKeeperAsyncCalls.errorOf(result);
                if (code != KeeperException.Code.NONODE) { // gone already: nothing to delete
                    throw DeleteErrors.listing(
                            layout.absolute(c.path), code, options.getConnection());
                }
            }
            level.fill(decider);
            if (level.pending.isEmpty()) {
                return null;
            }
            List<Op> ops = new ArrayList<>(level.pending.size());
            for (Candidate c : level.pending) {
                ops.add(Op.getChildren(layout.absolute(c.path)));
            }
            List<OpResult> results = reader.readRound(ops);
            List<Candidate> read = level.pending.subList(0, results.size());
            level.round = new ArrayList<>(read);
            read.clear();
            level.results = results;
            level.nextInRound = 0;
        }
    }

    private static Iterator<String> iterate(ZNodeChildren children) {
        return new Iterator<String>() {
            @Override
            public boolean hasNext() {
                return children.hasNext();
            }

            @Override
            public String next() {
                return children.next();
            }
        };
    }

    /** A node to list, with what was decided for it. */
    private static final class Candidate {
        final String path;
        final int depth;
        final boolean delete;

        Candidate(String path, int depth, boolean delete) {
            this.path = path;
            this.depth = depth;
            this.delete = delete;
        }
    }

    /** A node and its children, as listed. */
    private static final class Listed {
        final String path;
        final int depth;
        final boolean delete;
        final List<String> children;

        Listed(String path, int depth, boolean delete, List<String> children) {
            this.path = path;
            this.depth = depth;
            this.delete = delete;
            this.children = children;
        }
    }

    /** The children of one node being walked: not yet listed, and the round being handled. */
    private static final class Level {
        /** The node being deleted with all of these, after them; null if it stays. */
        final String owner;

        final Iterator<String> children;
        final int childDepth; // -1: from each path (the start nodes)
        final boolean deleteAll;
        final List<Candidate> pending = new ArrayList<>();
        List<Candidate> round = Collections.emptyList();
        List<OpResult> results = Collections.emptyList();
        int nextInRound;

        Level(String owner, Iterator<String> children, int childDepth, boolean deleteAll) {
            this.owner = owner;
            this.children = children;
            this.childDepth = childDepth;
            this.deleteAll = deleteAll;
        }

        static Level starts(List<String> paths, boolean delete) {
            return new Level(null, paths.iterator(), -1, delete);
        }

        /** Tops up the candidates to list from the children not decided yet. */
        void fill(Decider decider) {
            while (pending.size() < LIST_BATCH && children.hasNext()) {
                String path = children.next();
                int depth = childDepth >= 0 ? childDepth : ZNodePaths.depth(path);
                Decision d =
                        depth == 0 // the root is never deleted
                                ? Decision.DESCEND
                                : deleteAll ? Decision.DELETE : decider.decide(path, depth);
                if (d != Decision.KEEP) {
                    pending.add(new Candidate(path, depth, d == Decision.DELETE));
                }
            }
        }
    }
}
