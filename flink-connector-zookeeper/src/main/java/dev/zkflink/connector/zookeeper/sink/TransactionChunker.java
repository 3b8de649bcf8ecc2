package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Cuts a flush into {@code multi()} transactions that the server accepts and can plan simply. */
final class TransactionChunker {
    private TransactionChunker() {}

    /**
     * Cuts the mutations into transactions under the request budget. A chunk never holds a delete
     * together with a mutation at or below it, so planning never has to reason about a subtree that
     * the same transaction removes; nor a conditional mutation together with another of its path,
     * so each expected version is checked against the node as the chunk finds it.
     */
    static List<List<ZNodeMutation>> chunk(List<ZNodeMutation> mutations, int requestBudget) {
        List<List<ZNodeMutation>> chunks = new ArrayList<>();
        List<ZNodeMutation> current = new ArrayList<>();
        Set<String> deletes = new HashSet<>();
        Set<String> coveredPaths = new HashSet<>();
        Set<String> paths = new HashSet<>();
        Set<String> conditionalPaths = new HashSet<>();
        long bytes = 0;
        for (ZNodeMutation m : mutations) {
            long size = estimate(m);
            boolean removesSubtree = m.isDelete();
            // A write of a path this chunk deletes too (the exactly-once committable of an
            // interval that deleted and re-wrote a key) would be planned as if the node still
            // existed: setData after the delete, NONODE on every try.
            boolean conflict =
                    deletes.contains(m.getPath())
                            || hasAncestorIn(m.getPath(), deletes)
                            || (removesSubtree && coveredPaths.contains(m.getPath()))
                            || (m.isConditional() && paths.contains(m.getPath()))
                            || conditionalPaths.contains(m.getPath());
            if (!current.isEmpty() && (bytes + size > requestBudget || conflict)) {
                chunks.add(current);
                current = new ArrayList<>();
                deletes.clear();
                coveredPaths.clear();
                paths.clear();
                conditionalPaths.clear();
                bytes = 0;
            }
            current.add(m);
            bytes += size;
            if (removesSubtree) {
                deletes.add(m.getPath());
            }
            paths.add(m.getPath());
            if (m.isConditional()) {
                conditionalPaths.add(m.getPath());
            }
            for (String p = m.getPath(); p != null; p = ZNodePaths.parent(p)) {
                coveredPaths.add(p);
            }
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static boolean hasAncestorIn(String path, Set<String> paths) {
        if (paths.isEmpty()) {
            return false;
        }
        for (String a = ZNodePaths.parent(path); a != null; a = ZNodePaths.parent(a)) {
            if (paths.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Upper bound of the bytes a mutation adds to a multi request, parents included. */
    static long estimate(ZNodeMutation m) {
        int pathBytes = m.getPath().length() * 3;
        long size = 64 + pathBytes + (m.isDelete() ? 0 : m.getData().length);
        if (!m.isDelete()) {
            int depth = 0;
            for (int i = 0; i < m.getPath().length(); i++) {
                if (m.getPath().charAt(i) == '/') {
                    depth++;
                }
            }
            size += (long) depth * (64 + pathBytes); // possible parent creates
        }
        return size;
    }
}
