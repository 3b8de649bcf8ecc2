package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import javax.annotation.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one chunk of mutations into the operations of one {@code multi()}, by ZooKeeper's rules for
 * the table's create mode, ACL and TTL. It does no I/O: what it knows of the tree is either a guess
 * (the paths this writer has written) or verified {@code exists} answers.
 *
 * <ul>
 *   <li>An unconditional upsert is a {@code setData} of an existing node, else a create (with the
 *       missing parents, as persistent nodes with empty data, once existence is verified).
 *   <li>A conditional upsert is only ever a {@code setData} expecting its version: a missing node
 *       or another version is a conflict, reported rather than planned.
 *   <li>A delete is {@code delete(path, expected version)}; a node verified gone needs nothing.
 *   <li>In an ephemeral mode an existing node that another session owns (a persistent node, or a
 *       stale ephemeral of a failed attempt) is deleted and created again, so the row's node is
 *       owned by this writer's session and lives exactly as long as it.
 * </ul>
 */
final class ZNodeOpPlanner {
    private static final byte[] EMPTY = new byte[0];

    private final ZNodeCreateMode mode;
    private final List<ACL> acl;
    private final long tableTtlMillis;
    private final String rootPath;

    /** What a writer believes of a path it has not verified. */
    interface Guess {
        boolean probablyExists(String path);
    }

    /** The operations of one transaction, and the conditional mutations that cannot succeed. */
    static final class Plan {
        final List<Op> ops;
        final List<ZNodeMutation> conflicts;

        Plan(List<Op> ops, List<ZNodeMutation> conflicts) {
            this.ops = ops;
            this.conflicts = conflicts;
        }
    }

    ZNodeOpPlanner(ZNodeCreateMode mode, List<ACL> acl, long tableTtlMillis, String rootPath) {
        this.mode = mode;
        this.acl = acl;
        this.tableTtlMillis = tableTtlMillis;
        this.rootPath = rootPath;
    }

    ZNodeOpPlanner(ZooKeeperWriteOptions options, String rootPath) {
        this(
                options.getCreateMode(),
                options.getAcl().toAcls(),
                options.getTtl() == null ? 0 : options.getTtl().toMillis(),
                rootPath);
    }

    ZNodeCreateMode mode() {
        return mode;
    }

    List<ACL> acl() {
        return acl;
    }

    /**
     * Plans the chunk. {@code verified} maps checked paths to their stat, or to null for a missing
     * node; without it the guess decides. {@code sessionId} is the writer's current session.
     */
    Plan plan(
            List<ZNodeMutation> chunk,
            Guess guess,
            @Nullable Map<String, Stat> verified,
            long sessionId) {
        List<Op> ops = new ArrayList<>(chunk.size());
        List<ZNodeMutation> conflicts = new ArrayList<>(0);
        Set<String> createdHere = new HashSet<>();
        for (ZNodeMutation m : chunk) {
            String path = m.getPath();
            boolean known = verified != null && verified.containsKey(path);
            Stat stat = known ? verified.get(path) : null;
            if (m.isDelete()) {
                if (known && stat == null) {
                    continue; // already gone
                }
                if (m.isConditional() && known && stat.getVersion() != m.getExpectedVersion()) {
                    conflicts.add(m);
                    continue;
                }
                ops.add(Op.delete(path, m.getExpectedVersion()));
                continue;
            }
            if (m.isConditional()) {
                if (known && (stat == null || stat.getVersion() != m.getExpectedVersion())) {
                    conflicts.add(m);
                } else {
                    ops.add(Op.setData(path, m.getData(), m.getExpectedVersion()));
                }
                continue;
            }
            boolean exists =
                    !mode.isSequential()
                            && (createdHere.contains(path)
                                    || (verified == null
                                            ? guess.probablyExists(path)
                                            : stat != null));
            if (exists) {
                if (mode.isEphemeral()
                        && stat != null
                        && !createdHere.contains(path)
                        && stat.getEphemeralOwner() != sessionId) {
                    ops.add(Op.delete(path, stat.getVersion()));
                    ops.add(createRow(m));
                } else {
                    ops.add(Op.setData(path, m.getData(), -1));
                }
                continue;
            }
            if (verified != null) {
                addMissingParents(path, verified, createdHere, ops);
            }
            ops.add(createRow(m));
            createdHere.add(path);
        }
        return new Plan(ops, conflicts.isEmpty() ? Collections.emptyList() : conflicts);
    }

    /**
     * The paths whose existence decides the exact plan of {@code chunk}: every mutation's path, and
     * for upserts the ancestors up to the root, which may have to be created.
     */
    Collection<String> pathsToVerify(List<ZNodeMutation> chunk) {
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

    private void addMissingParents(
            String path, Map<String, Stat> verified, Set<String> createdHere, List<Op> ops) {
        List<String> missing = new ArrayList<>();
        for (String a = ZNodePaths.parent(path);
                a != null && isAtOrBelowRoot(a);
                a = ZNodePaths.parent(a)) {
            if (!createdHere.contains(a) && verified.get(a) == null) {
                missing.add(0, a);
            }
        }
        for (String a : missing) {
            ops.add(Op.create(a, EMPTY, acl, org.apache.zookeeper.CreateMode.PERSISTENT));
            createdHere.add(a);
        }
    }

    /**
     * The create of a row's node in the table's mode; TTL modes take the row's TTL if it has one.
     */
    Op createRow(ZNodeMutation m) {
        String path = createPath(m);
        if (mode.isTtl()) {
            long ttl = m.getTtlMillis() > 0 ? m.getTtlMillis() : tableTtlMillis;
            return Op.create(path, m.getData(), acl, mode.toZooKeeper(), ttl);
        }
        return Op.create(path, m.getData(), acl, mode.toZooKeeper());
    }

    /** Curator's protected-mode name prefix: {@code _c_<guard>-}. */
    static String guardPrefix(String guard) {
        return "_c_" + guard + "-";
    }

    /** The path a create names: for a guarded sequential create, the protected name. */
    static String createPath(ZNodeMutation m) {
        String guard = m.getSequenceGuard();
        if (guard == null) {
            return m.getPath();
        }
        String parent = ZNodePaths.parent(m.getPath());
        String name = m.getPath().substring(m.getPath().lastIndexOf('/') + 1);
        return ("/".equals(parent) ? "/" : parent + "/") + guardPrefix(guard) + name;
    }

    /** Ancestors above the root are the user's, not the table's: never checked or created. */
    boolean isAtOrBelowRoot(String path) {
        return !"/".equals(path)
                && (path.equals(rootPath)
                        || "/".equals(rootPath)
                        || path.startsWith(rootPath + "/"));
    }
}
