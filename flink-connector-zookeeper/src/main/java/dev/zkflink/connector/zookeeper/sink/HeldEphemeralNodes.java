package dev.zkflink.connector.zookeeper.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ephemeral nodes a sink writer currently holds, each with the session that owns it. ZooKeeper
 * deletes a session's ephemerals when it expires, and a restored writer starts on a new session:
 * the nodes whose session is not the current one are the ones to create again, as Curator's {@code
 * PersistentNode} keeps a node alive. Kept on the heap and in checkpoints: path, data and TTL.
 */
final class HeldEphemeralNodes {
    /** A node restored from a checkpoint is owned by no live session of this writer. */
    static final long NO_SESSION = 0;

    private final LinkedHashMap<String, Held> nodes = new LinkedHashMap<>();
    private final Map<Long, Integer> perSession = new HashMap<>();

    private static final class Held {
        final ZNodeMutation upsert;
        final long sessionId;

        Held(ZNodeMutation upsert, long sessionId) {
            this.upsert = upsert;
            this.sessionId = sessionId;
        }
    }

    /** Mutations written durably on {@code sessionId}: upserts are held, deletes let go. */
    void written(List<ZNodeMutation> mutations, long sessionId) {
        for (ZNodeMutation m : mutations) {
            if (m.isDelete()) {
                drop(nodes.remove(m.getPath()));
            } else {
                ZNodeMutation recreate =
                        ZNodeMutation.upsert(
                                m.getPath(),
                                m.getData(),
                                ZNodeMutation.ANY_VERSION,
                                m.getTtlMillis());
                if (m.getSequenceGuard() != null) {
                    recreate = recreate.withSequenceGuard(m.getSequenceGuard());
                }
                hold(recreate, sessionId);
            }
        }
    }

    void restore(List<ZNodeMutation> upserts) {
        for (ZNodeMutation m : upserts) {
            hold(m, NO_SESSION);
        }
    }

    /**
     * Each row of a sequential table is a node of its own (they share the key's path): held by its
     * guard. A re-created sequential node keeps the guard, and ZooKeeper gives it a new counter.
     */
    private void hold(ZNodeMutation upsert, long sessionId) {
        String key =
                upsert.getSequenceGuard() != null ? upsert.getSequenceGuard() : upsert.getPath();
        drop(nodes.put(key, new Held(upsert, sessionId)));
        perSession.merge(sessionId, 1, Integer::sum);
    }

    /** Whether every held node is owned by {@code sessionId}; O(1). */
    boolean allOwnedBy(long sessionId) {
        return perSession.isEmpty()
                || (perSession.size() == 1 && perSession.containsKey(sessionId));
    }

    /** The upserts that re-create the nodes not owned by {@code sessionId}, in write order. */
    List<ZNodeMutation> notOwnedBy(long sessionId) {
        List<ZNodeMutation> lost = new ArrayList<>();
        for (Held h : nodes.values()) {
            if (h.sessionId != sessionId) {
                lost.add(h.upsert);
            }
        }
        return lost;
    }

    List<ZNodeMutation> all() {
        List<ZNodeMutation> all = new ArrayList<>(nodes.size());
        for (Held h : nodes.values()) {
            all.add(h.upsert);
        }
        return all;
    }

    int size() {
        return nodes.size();
    }

    private void drop(Held old) {
        if (old != null) {
            perSession.computeIfPresent(old.sessionId, (s, n) -> n == 1 ? null : n - 1);
        }
    }
}
