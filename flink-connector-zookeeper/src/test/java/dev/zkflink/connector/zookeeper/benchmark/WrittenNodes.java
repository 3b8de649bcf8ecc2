package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Checks of what a run of {@link WriteModesBenchmark} wrote, by a plain client, so that a figure is
 * printed only for work that was really done.
 */
final class WrittenNodes {
    private WrittenNodes() {}

    /** What a node must look like; null fields are not checked. */
    static final class Expected {
        final byte[] data;
        final Integer version;
        final boolean ephemeral;

        Expected(byte[] data, Integer version, boolean ephemeral) {
            this.data = data;
            this.version = version;
            this.ephemeral = ephemeral;
        }
    }

    /**
     * Reads the children {@code names} of {@code parent} (multi reads of 100 getData) and fails,
     * naming {@code what} and an example, unless each is there and as expected.
     */
    static void check(ZooKeeper zk, String what, String parent, List<String> names, Expected e)
            throws Exception {
        check(zk, what + " below " + parent, paths(parent, names), e);
    }

    /** As above, for any {@code paths}. */
    static void check(ZooKeeper zk, String what, List<String> paths, Expected e) throws Exception {
        int wrong = 0;
        String example = null;
        List<Op> ops = new ArrayList<>(100);
        for (int i = 0; i < paths.size(); i++) {
            ops.add(Op.getData(paths.get(i)));
            if (ops.size() == 100 || i == paths.size() - 1) {
                List<OpResult> results = zk.multi(ops);
                for (int k = 0; k < results.size(); k++) {
                    String problem = problem(results.get(k), e);
                    if (problem != null) {
                        wrong++;
                        if (example == null) {
                            example = ops.get(k).getPath() + ": " + problem;
                        }
                    }
                }
                ops.clear();
            }
        }
        if (wrong > 0) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s: %,d of %,d nodes are wrong, e.g. %s",
                            what,
                            wrong,
                            paths.size(),
                            example));
        }
    }

    private static String problem(OpResult result, Expected e) {
        if (!(result instanceof OpResult.GetDataResult)) {
            return "missing";
        }
        OpResult.GetDataResult read = (OpResult.GetDataResult) result;
        Stat stat = read.getStat();
        if (e.data != null && !Arrays.equals(read.getData(), e.data)) {
            return "other data";
        }
        if (e.version != null && stat.getVersion() != e.version) {
            return "version " + stat.getVersion() + ", expected " + e.version;
        }
        if (e.ephemeral && stat.getEphemeralOwner() == 0) {
            return "not ephemeral";
        }
        return null;
    }

    /**
     * The smallest and largest ctime (ms, server clock) of {@code paths}, and the largest pause
     * between two consecutive ones.
     */
    static long[] ctimeRange(ZooKeeper zk, List<String> paths) throws Exception {
        long[] ctimes = new long[paths.size()];
        List<Op> ops = new ArrayList<>(100);
        int next = 0;
        for (int i = 0; i < paths.size(); i++) {
            ops.add(Op.getData(paths.get(i)));
            if (ops.size() == 100 || i == paths.size() - 1) {
                for (OpResult r : zk.multi(ops)) {
                    ctimes[next++] = ((OpResult.GetDataResult) r).getStat().getCtime();
                }
                ops.clear();
            }
        }
        Arrays.sort(ctimes);
        long gap = 0;
        for (int i = 1; i < ctimes.length; i++) {
            gap = Math.max(gap, ctimes[i] - ctimes[i - 1]);
        }
        return new long[] {ctimes[0], ctimes[ctimes.length - 1], gap};
    }

    /** The number of children of {@code path} (one exists call); -1 if it does not exist. */
    static int children(ZooKeeper zk, String path) throws Exception {
        Stat stat = zk.exists(path, false);
        return stat == null ? -1 : stat.getNumChildren();
    }

    /**
     * Polls {@code path} every 2 ms until it has {@code count} children; fails after {@code
     * timeoutMs}, or as soon as {@code failed} returns a reason (a failed job).
     */
    static void awaitChildren(
            ZooKeeper zk, String path, int count, long timeoutMs, Callable<String> failed)
            throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        int seen;
        while ((seen = children(zk, path)) != count) {
            String reason = failed.call();
            if (reason != null || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "%s has %,d children, expected %,d%s",
                                path,
                                seen,
                                count,
                                reason != null ? ": " + reason : " within " + timeoutMs + " ms"));
            }
            Thread.sleep(2);
        }
    }

    /** {@code prefix} followed by 5-digit indexes 0..n-1: the row names the benchmark seeds. */
    static List<String> names(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(String.format(Locale.ROOT, "%s%05d", prefix, i));
        }
        return out;
    }

    /** The parents {@code root/p-000 ...} of a grid of {@code parents} x {@code perParent} rows. */
    static List<String> gridParents(String root, int parents) {
        List<String> out = new ArrayList<>(parents);
        for (int p = 0; p < parents; p++) {
            out.add(String.format(Locale.ROOT, "%s/p-%03d", root, p));
        }
        return out;
    }

    /** The rows {@code root/p-<p>/n-<i>} of that grid, parent by parent. */
    static List<String> gridRows(String root, int parents, int perParent) {
        List<String> names = names("n-", perParent);
        List<String> out = new ArrayList<>(parents * perParent);
        for (String parent : gridParents(root, parents)) {
            out.addAll(paths(parent, names));
        }
        return out;
    }

    static List<String> paths(String parent, List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        for (String name : names) {
            out.add(parent + "/" + name);
        }
        return out;
    }
}
