package dev.zkflink.connector.zookeeper.testutils;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A plain ZooKeeper client for seeding and checking trees in tests: the ground truth. */
public final class ZooKeeperTrees implements AutoCloseable {
    private final CuratorFramework client;

    public ZooKeeperTrees(String connectString) throws InterruptedException {
        client =
                CuratorFrameworkFactory.builder()
                        .connectString(connectString)
                        .retryPolicy(new RetryOneTime(100))
                        .defaultData(new byte[0])
                        .build();
        client.start();
        client.blockUntilConnected();
    }

    public CuratorFramework client() {
        return client;
    }

    public ZooKeeper zk() throws Exception {
        return client.getZookeeperClient().getZooKeeper();
    }

    /** Creates or sets a node (parents created empty). */
    public void put(String path, String data) throws Exception {
        put(path, data.getBytes(StandardCharsets.UTF_8));
    }

    public void put(String path, byte[] data) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, data);
        } catch (KeeperException.NodeExistsException e) {
            client.setData().forPath(path, data);
        }
    }

    /** Creates many siblings fast: multi() batches of 500 creates. Parent must exist. */
    public void createChildren(String parent, List<String> names, List<byte[]> data)
            throws Exception {
        client.create().creatingParentsIfNeeded().forPath(parent);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ops.add(
                    Op.create(
                            parent + "/" + names.get(i),
                            data.get(i),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT));
            if (ops.size() == 500) {
                zk().multi(ops);
                ops.clear();
            }
        }
        if (!ops.isEmpty()) {
            zk().multi(ops);
        }
    }

    /**
     * Sets every path as a plain client does at its best: async {@code multi} requests of {@code
     * batch} setData ops, {@code inFlight} of them at once. Returns when all were acknowledged.
     */
    public void setPipelined(List<String> paths, byte[] data, int batch, int inFlight)
            throws Exception {
        ZooKeeper zk = zk();
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        for (int from = 0; from < paths.size(); from += batch) {
            List<Op> ops = new ArrayList<>();
            for (String p : paths.subList(from, Math.min(paths.size(), from + batch))) {
                ops.add(Op.setData(p, data, -1));
            }
            if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("No multi answered within 60 s");
            }
            zk.multi(
                    ops,
                    (rc, path, ctx, results) -> {
                        if (rc != KeeperException.Code.OK.intValue()) {
                            failure.compareAndSet(null, KeeperException.Code.get(rc).toString());
                        }
                        slots.release();
                    },
                    null);
        }
        if (!slots.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Not every multi was answered within 60 s");
        }
        slots.release(inFlight);
        if (failure.get() != null) {
            throw new IllegalStateException("A pipelined multi failed: " + failure.get());
        }
    }

    /**
     * Creates {@code parents x perParent} nodes {@code root/p-<p>/n-<i>} whose data is their index
     * {@code p * perParent + i} as a decimal string.
     */
    public void createGrid(String root, int parents, int perParent) throws Exception {
        for (int p = 0; p < parents; p++) {
            List<String> names = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < perParent; i++) {
                names.add(String.format("n-%05d", i));
                data.add(String.valueOf(p * perParent + i).getBytes(StandardCharsets.UTF_8));
            }
            createChildren(root + "/p-" + p, names, data);
        }
    }

    public String get(String path) throws Exception {
        return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
    }

    public Stat stat(String path) throws Exception {
        return client.checkExists().forPath(path);
    }

    public boolean exists(String path) throws Exception {
        return stat(path) != null;
    }

    /** Every descendant of {@code root} (relative path to UTF-8 data); empty if root is missing. */
    public Map<String, String> tree(String root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        if (!exists(root)) {
            return out;
        }
        walk(root, "", out);
        return out;
    }

    private void walk(String abs, String rel, Map<String, String> out) throws Exception {
        for (String child : client.getChildren().forPath(abs)) {
            String childAbs = abs.equals("/") ? "/" + child : abs + "/" + child;
            String childRel = rel.isEmpty() ? child : rel + "/" + child;
            out.put(childRel, get(childAbs));
            walk(childAbs, childRel, out);
        }
    }

    /** Nodes exactly {@code depth} levels below root. */
    public Map<String, String> level(String root, int depth) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : tree(root).entrySet()) {
            if (e.getKey().split("/").length == depth) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * The oracle's right side: the nodes {@code depth} levels below root (relative path to [data,
     * czxid, mzxid]), read afresh.
     */
    public Map<String, List<Object>> rowsWithZxids(String root, int depth) throws Exception {
        Map<String, List<Object>> out = new TreeMap<>();
        if (exists(root)) {
            rowsWithZxids(root, "", depth, out);
        }
        return out;
    }

    private void rowsWithZxids(String abs, String rel, int depth, Map<String, List<Object>> out)
            throws Exception {
        List<String> children;
        try {
            children = client.getChildren().forPath(abs);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        for (String child : children) {
            String childAbs = abs.equals("/") ? "/" + child : abs + "/" + child;
            String childRel = rel.isEmpty() ? child : rel + "/" + child;
            if (depth == 1) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(childAbs);
                } catch (KeeperException.NoNodeException e) {
                    continue;
                }
                String value =
                        data == null || data.length == 0
                                ? null
                                : new String(data, StandardCharsets.UTF_8);
                out.put(childRel, java.util.Arrays.asList(value, stat.getCzxid(), stat.getMzxid()));
            } else {
                rowsWithZxids(childAbs, childRel, depth - 1, out);
            }
        }
    }

    /**
     * Deletes a node and creates it again with the same data; returns the new Stat (version 0, a
     * new czxid), so only czxid tells the two apart when the old one was never updated.
     */
    public Stat recreate(String path) throws Exception {
        byte[] data = client.getData().forPath(path);
        client.delete().forPath(path);
        client.create().forPath(path, data);
        return stat(path);
    }

    /**
     * {@link #recreate Recreates} the never-updated children {@code k0..k<n-1>} of {@code parent},
     * checking that each comes back at version 0 with a new czxid.
     */
    public void recreateSameVersion(String parent, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String path = parent + "/k" + i;
            long czxid = stat(path).getCzxid();
            Stat recreated = recreate(path);
            if (recreated.getVersion() != 0 || recreated.getCzxid() <= czxid) {
                throw new AssertionError("Not recreated at version 0: " + path + " " + recreated);
            }
        }
    }

    public void deleteAll(String path) throws Exception {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // fine
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
