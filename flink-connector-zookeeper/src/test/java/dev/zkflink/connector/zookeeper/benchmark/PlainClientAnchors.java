package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The same work done with a plain ZooKeeper client, three ways: one blocking call per node,
 * pipelined async calls, and batched {@code multi} requests. These are the anchors the connector's
 * figures are compared against in the same run.
 */
final class PlainClientAnchors {
    private PlainClientAnchors() {}

    /** Lists every parent, then reads every child: one blocking round trip per node. */
    static long readSync(ZooKeeper zk, List<String> parents) throws Exception {
        long bytes = 0;
        for (String p : parents) {
            for (String c : zk.getChildren(p, false)) {
                bytes += zk.getData(p + "/" + c, false, null).length;
            }
        }
        return bytes;
    }

    /** Lists every parent, then reads the children with up to 1,000 async getData in flight. */
    static long readPipelined(ZooKeeper zk, List<String> parents) throws Exception {
        AtomicLong bytes = new AtomicLong();
        Semaphore window = new Semaphore(1000);
        List<String> paths = new ArrayList<>();
        for (String p : parents) {
            for (String c : zk.getChildren(p, false)) {
                paths.add(p + "/" + c);
            }
        }
        CountDownLatch done = new CountDownLatch(paths.size());
        AsyncCallback.DataCallback cb =
                (rc, path, ctx, data, stat) -> {
                    if (data != null) {
                        bytes.addAndGet(data.length);
                    }
                    window.release();
                    done.countDown();
                };
        for (String path : paths) {
            window.acquire();
            zk.getData(path, false, cb, null);
        }
        done.await();
        return bytes.get();
    }

    /** Reads {@code paths} in order, one blocking getData at a time; returns the data bytes. */
    static long getDataEach(ZooKeeper zk, List<String> paths) throws Exception {
        long bytes = 0;
        for (String path : paths) {
            bytes += zk.getData(path, false, null).length;
        }
        return bytes;
    }

    /**
     * Reads {@code paths} in order with async getData, at most {@code inFlight} unanswered; returns
     * the data bytes. Fails if any read failed.
     */
    static long getDataPipelined(ZooKeeper zk, List<String> paths, int inFlight) throws Exception {
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Semaphore window = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(paths.size());
        AsyncCallback.DataCallback cb =
                (rc, path, ctx, data, stat) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        bytes.addAndGet(data.length);
                    } else {
                        errors.incrementAndGet();
                    }
                    window.release();
                    done.countDown();
                };
        for (String path : paths) {
            window.acquire();
            zk.getData(path, false, cb, null);
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async getData failed");
        }
        return bytes.get();
    }

    /** Lists every parent, then reads the children in multi reads of 100 getData each. */
    static long readMulti(ZooKeeper zk, List<String> parents) throws Exception {
        long bytes = 0;
        List<Op> ops = new ArrayList<>();
        for (String p : parents) {
            for (String c : zk.getChildren(p, false)) {
                ops.add(Op.getData(p + "/" + c));
                if (ops.size() == 100) {
                    bytes += sumData(zk.multi(ops));
                    ops.clear();
                }
            }
        }
        if (!ops.isEmpty()) {
            bytes += sumData(zk.multi(ops));
        }
        return bytes;
    }

    private static long sumData(List<OpResult> results) {
        long bytes = 0;
        for (OpResult r : results) {
            bytes += ((OpResult.GetDataResult) r).getData().length;
        }
        return bytes;
    }

    static void createSync(ZooKeeper zk, List<String> paths, byte[] data) throws Exception {
        for (String p : paths) {
            zk.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
    }

    static void createPipelined(ZooKeeper zk, List<String> paths, byte[] data) throws Exception {
        Semaphore window = new Semaphore(1000);
        CountDownLatch done = new CountDownLatch(paths.size());
        AtomicLong errors = new AtomicLong();
        AsyncCallback.StringCallback cb =
                (rc, path, ctx, name) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        errors.incrementAndGet();
                    }
                    window.release();
                    done.countDown();
                };
        for (String p : paths) {
            window.acquire();
            zk.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, cb, null);
        }
        done.await();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async creates failed");
        }
    }

    static void createMulti(ZooKeeper zk, List<String> paths, byte[] data) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (String p : paths) {
            ops.add(Op.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            if (ops.size() == 1000) {
                zk.multi(ops);
                ops.clear();
            }
        }
        if (!ops.isEmpty()) {
            zk.multi(ops);
        }
    }

    /**
     * Sends {@code ops} as async {@code multi} requests of {@code batch} ops, at most {@code
     * inFlight} unanswered at once: the fastest way a plain client writes. Fails if any failed.
     */
    static void multiPipelined(ZooKeeper zk, List<Op> ops, int batch, int inFlight)
            throws Exception {
        multiPipelined(zk, ops, batch, inFlight, null);
    }

    /**
     * As above; also puts the mzxid each {@code setData} of {@code ops} got into {@code mzxids}.
     */
    static void multiPipelined(
            ZooKeeper zk, List<Op> ops, int batch, int inFlight, AtomicLongArray mzxids)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong errors = new AtomicLong();
        AsyncCallback.MultiCallback cb =
                (rc, path, ctx, results) -> {
                    if (rc != KeeperException.Code.OK.intValue()) {
                        errors.incrementAndGet();
                    } else if (mzxids != null) {
                        int first = (Integer) ctx;
                        for (int k = 0; k < results.size(); k++) {
                            OpResult r = results.get(k);
                            if (r instanceof OpResult.SetDataResult) {
                                mzxids.set(
                                        first + k,
                                        ((OpResult.SetDataResult) r).getStat().getMzxid());
                            }
                        }
                    }
                    window.release();
                };
        for (int from = 0; from < ops.size(); from += batch) {
            window.acquire();
            zk.multi(
                    new ArrayList<>(ops.subList(from, Math.min(ops.size(), from + batch))),
                    cb,
                    from);
        }
        window.acquire(inFlight);
        window.release(inFlight);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " async multi requests failed");
        }
    }

    static List<Op> creates(List<String> paths, byte[] data) {
        List<Op> ops = new ArrayList<>(paths.size());
        for (String p : paths) {
            ops.add(Op.create(p, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
        }
        return ops;
    }

    static List<Op> setDatas(List<String> paths, byte[] data) {
        List<Op> ops = new ArrayList<>(paths.size());
        for (String p : paths) {
            ops.add(Op.setData(p, data, -1));
        }
        return ops;
    }

    static void setDataMulti(ZooKeeper zk, List<String> paths, byte[] data) throws Exception {
        List<Op> ops = new ArrayList<>();
        for (String p : paths) {
            ops.add(Op.setData(p, data, -1));
            if (ops.size() == 1000) {
                zk.multi(ops);
                ops.clear();
            }
        }
        if (!ops.isEmpty()) {
            zk.multi(ops);
        }
    }
}
