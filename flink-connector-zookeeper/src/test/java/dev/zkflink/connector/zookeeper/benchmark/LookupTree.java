package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The lookup benchmark's table: {@code rows} row nodes {@code <root>/<k mod parents>/<k>} (1,000
 * per parent) with {@code valueBytes}-byte values, for {@code (p STRING, n STRING, v STRING,
 * PRIMARY KEY (p, n))}.
 */
final class LookupTree {
    static final int PER_PARENT = 1000;

    final String root;
    final int rows;
    final int parents;
    final int valueBytes;

    LookupTree(String root, int rows, int valueBytes) {
        this.root = root;
        this.rows = rows;
        this.parents = Math.max(1, rows / PER_PARENT);
        this.valueBytes = valueBytes;
    }

    String parentOf(int k) {
        return Integer.toString(k % parents);
    }

    String relative(int k) {
        return parentOf(k) + "/" + k;
    }

    String path(int k) {
        return root + "/" + relative(k);
    }

    byte[] value() {
        byte[] v = new byte[valueBytes];
        Arrays.fill(v, (byte) 'v');
        return v;
    }

    /** Creates the tree with async multi of 500 creates, 8 in flight; returns seconds. */
    double create(ZooKeeperTrees trees) throws Exception {
        long start = System.nanoTime();
        for (int p = 0; p < parents; p++) {
            trees.put(root + "/" + p, "");
        }
        List<String> paths = new ArrayList<>(rows);
        for (int k = 0; k < rows; k++) {
            paths.add(path(k));
        }
        PlainClientAnchors.multiPipelined(
                trees.zk(), PlainClientAnchors.creates(paths, value()), 500, 8);
        return (System.nanoTime() - start) / 1e9;
    }

    /** The paths probe ids {@code 0 .. probes-1} look up, in order. */
    List<String> probePaths(int probes) {
        List<String> out = new ArrayList<>(probes);
        for (int i = 0; i < probes; i++) {
            out.add(path(i % rows));
        }
        return out;
    }

    String describe() {
        return String.format(
                Locale.ROOT,
                "%,d row nodes (%d parents x up to %d, like %s), %d-byte values",
                rows,
                parents,
                PER_PARENT,
                path(rows - 1),
                valueBytes);
    }
}
