package dev.zkflink.connector.zookeeper.testutils;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Changes a two-level tree ({@code root/gNN/nNN}, values {@code v0..v4}) at random with a plain
 * client: updates, creates, deletes, a delete and recreate of the same node with the same data
 * (same {@code version}, new {@code czxid}), and a delete and recreate of a whole group.
 */
public final class TreeChurn {
    public static final int GROUPS = 12;
    public static final int NODES_PER_GROUP = 20;

    private final CuratorFramework client;
    private final String root;
    private final Random random;
    private final boolean deleteGroups;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;
    private volatile Throwable lastError;

    public TreeChurn(CuratorFramework client, String root, long seed) {
        this(client, root, seed, true);
    }

    /**
     * With {@code deleteGroups} false, no node that has children is ever deleted: the steps that
     * would delete and refill a group set a node instead.
     */
    public TreeChurn(CuratorFramework client, String root, long seed, boolean deleteGroups) {
        this.client = client;
        this.root = root;
        this.random = new Random(seed);
        this.deleteGroups = deleteGroups;
    }

    /** Creates every group with all its nodes. */
    public void seed() throws Exception {
        for (int g = 0; g < GROUPS; g++) {
            for (int n = 0; n < NODES_PER_GROUP; n++) {
                put(node(g, n), value());
            }
        }
    }

    /** Applies {@code count} random changes; returns how many changed the tree. */
    public int apply(int count) throws Exception {
        int changed = 0;
        for (int i = 0; i < count; i++) {
            if (step()) {
                changed++;
            }
        }
        return changed;
    }

    /** Changes the tree from a background thread until {@link #stop()}; errors are retried. */
    public void start() {
        running.set(true);
        thread =
                new Thread(
                        () -> {
                            while (running.get()) {
                                try {
                                    step();
                                } catch (Exception e) {
                                    lastError = e; // connection loss during a fault: go on
                                    sleep(20);
                                }
                            }
                        },
                        "tree-churn");
        thread.start();
    }

    /** Stops the background writer; returns the number of changes applied so far. */
    public long stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(30_000);
        }
        return applied.get();
    }

    public long applied() {
        return applied.get();
    }

    public Throwable lastError() {
        return lastError;
    }

    /** Deletes and recreates one node with the data and version it had: only czxid changes. */
    public void recreateSameVersion(int g, int n) throws Exception {
        String path = node(g, n);
        byte[] data;
        try {
            data = client.getData().forPath(path);
            client.delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            data = "v0".getBytes(StandardCharsets.UTF_8);
        }
        client.create().creatingParentsIfNeeded().forPath(path, data);
        applied.incrementAndGet();
    }

    private boolean step() throws Exception {
        int g = random.nextInt(GROUPS);
        int n = random.nextInt(NODES_PER_GROUP);
        int op = random.nextInt(100);
        try {
            if (op < 55 || (op >= 90 && op < 96 && !deleteGroups)) {
                put(node(g, n), value());
            } else if (op < 75) {
                client.delete().forPath(node(g, n));
            } else if (op < 90) {
                recreateSameVersion(g, n);
                return true;
            } else if (op < 96) {
                client.delete().deletingChildrenIfNeeded().forPath(group(g));
                applied.incrementAndGet();
                for (int i = 0; i < NODES_PER_GROUP / 2; i++) {
                    put(node(g, random.nextInt(NODES_PER_GROUP)), value());
                }
                return true;
            } else {
                // a new group beyond the seeded ones: a new top-level subtree
                put(root + "/x" + random.nextInt(1000) + "/n" + n, value());
            }
            applied.incrementAndGet();
            return true;
        } catch (KeeperException.NoNodeException | KeeperException.NodeExistsException e) {
            return false;
        }
    }

    private void put(String path, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        try {
            client.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException e) {
            try {
                client.create().creatingParentsIfNeeded().forPath(path, data);
            } catch (KeeperException.NodeExistsException raced) {
                client.setData().forPath(path, data);
            }
        }
    }

    private String value() {
        return "v" + random.nextInt(5);
    }

    private String group(int g) {
        return String.format("%s/g%02d", root, g);
    }

    private String node(int g, int n) {
        return String.format("%s/g%02d/n%02d", root, g, n);
    }

    /** Group-by-value counts of the rows in {@code rows} (the oracle for COUNT(*) GROUP BY v). */
    public static java.util.Map<String, List<Object>> countsByValue(
            java.util.Map<String, List<Object>> rows) {
        java.util.Map<String, List<Object>> counts = new java.util.TreeMap<>();
        for (List<Object> r : rows.values()) {
            String v = String.valueOf(r.get(0));
            long c = counts.containsKey(v) ? (Long) counts.get(v).get(0) : 0L;
            counts.put(v, java.util.Collections.singletonList(c + 1));
        }
        return counts;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
