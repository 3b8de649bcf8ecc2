package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;

import org.apache.zookeeper.KeeperException;

import javax.annotation.Nullable;

import java.util.List;

/**
 * What a writer does when a chunk's transaction fails, by the error's code and the path of the
 * operation that failed. No I/O: the writer carries it out.
 */
final class TransactionRecovery {
    /** The ways a failed transaction is recovered. */
    enum Action {
        /** The outcome is unknown and the connection comes back: back off, plan again. */
        RETRY,
        /** The chunk's only conditional mutation failed: read its node and decide for it. */
        RESOLVE_CONFLICT,
        /** A guess about the tree was wrong: verify existence and plan the chunk exactly. */
        VERIFY,
        /** A delete met a node with children: delete its subtree outside the transaction. */
        DELETE_SUBTREES,
        /** Retrying cannot fix it. */
        FAIL
    }

    final Action action;

    /** For {@link Action#RESOLVE_CONFLICT}: the mutation to decide for. */
    @Nullable final ZNodeMutation conditional;

    private TransactionRecovery(Action action, @Nullable ZNodeMutation conditional) {
        this.action = action;
        this.conditional = conditional;
    }

    static TransactionRecovery of(
            KeeperException.Code code, @Nullable String failedPath, List<ZNodeMutation> pending) {
        if (ZooKeeperCalls.isTransient(code)) {
            return new TransactionRecovery(Action.RETRY, null);
        }
        switch (code) {
            case BADVERSION:
            case NONODE:
            case NODEEXISTS:
                ZNodeMutation conditional = conditionalAt(pending, failedPath);
                if (conditional != null
                        && code != KeeperException.Code.NODEEXISTS
                        && conditionals(pending) == 1) {
                    return new TransactionRecovery(Action.RESOLVE_CONFLICT, conditional);
                }
                return new TransactionRecovery(Action.VERIFY, null);
            case NOTEMPTY:
                return new TransactionRecovery(Action.DELETE_SUBTREES, null);
            default:
                return new TransactionRecovery(Action.FAIL, null);
        }
    }

    /**
     * With several conditional mutations in a chunk (a replay, an UPDATE meeting many changes), one
     * round of {@code exists} lets the planner report every conflict at once, instead of one failed
     * transaction per conflict.
     */
    private static int conditionals(List<ZNodeMutation> pending) {
        int n = 0;
        for (ZNodeMutation m : pending) {
            if (m.isConditional() && ++n > 1) {
                return n;
            }
        }
        return n;
    }

    /** The conditional mutation of the chunk at {@code path}, if any. */
    @Nullable
    private static ZNodeMutation conditionalAt(List<ZNodeMutation> pending, @Nullable String path) {
        if (path == null) {
            return null;
        }
        for (ZNodeMutation m : pending) {
            if (m.isConditional() && m.getPath().equals(path)) {
                return m;
            }
        }
        return null;
    }
}
