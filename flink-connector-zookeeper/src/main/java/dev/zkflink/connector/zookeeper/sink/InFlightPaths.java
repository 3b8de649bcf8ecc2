package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;

import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The paths of the transactions a writer has sent and not yet resolved, and the rule that decides
 * whether one more transaction may be sent beside them.
 *
 * <p>ZooKeeper applies one session's requests in order, so transactions in flight together land as
 * if sent one at a time. Only a transaction that fails (NodeExists or NoNode on a wrong guess,
 * NotEmpty, ConnectionLoss) is written again later, after those sent behind it. That is safe when
 * it commutes with each of them, which holds when they share no path, no delete of one is at or
 * above an upsert of the other, and no upsert of one is at or below a delete of the other. Upserts
 * of different paths commute: a create never overwrites, so a parent created on the way converges
 * through the writer's re-plan. A delete below an upsert, or an upsert above a delete, touch
 * disjoint nodes.
 *
 * <p>Each check costs O(depth · log n) for a mutation of depth {@code depth}.
 */
final class InFlightPaths {
    /** Path to the number of in-flight mutations of it (a chunk may repeat a path in principle). */
    private final TreeMap<String, Integer> upserts = new TreeMap<>();

    private final TreeMap<String, Integer> deletes = new TreeMap<>();

    boolean isEmpty() {
        return upserts.isEmpty() && deletes.isEmpty();
    }

    /** Whether sending {@code chunk} now could reorder it against an in-flight transaction. */
    boolean conflictsWith(List<ZNodeMutation> chunk) {
        if (isEmpty()) {
            return false;
        }
        for (ZNodeMutation m : chunk) {
            if (conflictsWith(m)) {
                return true;
            }
        }
        return false;
    }

    boolean conflictsWith(ZNodeMutation m) {
        String path = m.getPath();
        if (upserts.containsKey(path) || deletes.containsKey(path)) {
            return true;
        }
        if (m.isDelete()) {
            return hasDescendant(upserts, path);
        }
        for (String a = ZNodePaths.parent(path); a != null; a = ZNodePaths.parent(a)) {
            if (deletes.containsKey(a)) {
                return true;
            }
        }
        return false;
    }

    void add(List<ZNodeMutation> chunk) {
        for (ZNodeMutation m : chunk) {
            mapOf(m).merge(m.getPath(), 1, Integer::sum);
        }
    }

    void remove(List<ZNodeMutation> chunk) {
        for (ZNodeMutation m : chunk) {
            mapOf(m).computeIfPresent(m.getPath(), (p, n) -> n == 1 ? null : n - 1);
        }
    }

    private NavigableMap<String, Integer> mapOf(ZNodeMutation m) {
        return m.isDelete() ? deletes : upserts;
    }

    /**
     * The descendants of {@code path} are the keys from {@code path + "/"} (inclusive) to {@code
     * path + "0"} (exclusive): '0' follows '/' in every String order, so the range holds them all
     * and nothing else ({@code "/a-b"} and {@code "/a.c"} sort before {@code "/a/"}).
     */
    private static boolean hasDescendant(NavigableMap<String, Integer> paths, String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        String end = prefix.substring(0, prefix.length() - 1) + '0';
        return !paths.subMap(prefix, true, end, false).isEmpty();
    }
}
