package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts what a live source emits and keeps the last emitted {@code mzxid} per row node in one
 * preallocated array indexed by the node's number ({@code p-<p>/n-<i>} is {@code p * perParent +
 * i}), so checking a million rows costs the heap nothing that the heap measurement would count.
 */
final class ScaleProbe implements ZNodeDeserializer<Integer> {
    static final AtomicLong INSERTS = new AtomicLong();
    static final AtomicLong UPDATES = new AtomicLong();
    static final AtomicLong OTHERS = new AtomicLong();
    static final AtomicLong FIRST_INSERT_NANOS = new AtomicLong();
    static final AtomicLong LAST_INSERT_NANOS = new AtomicLong();
    static final AtomicLong LAST_UPDATE_NANOS = new AtomicLong();
    static volatile AtomicLongArray mzxids = new AtomicLongArray(0);
    static volatile int perParent = 1;

    static void reset(int nodes, int nodesPerParent) {
        INSERTS.set(0);
        UPDATES.set(0);
        OTHERS.set(0);
        FIRST_INSERT_NANOS.set(0);
        LAST_INSERT_NANOS.set(0);
        LAST_UPDATE_NANOS.set(0);
        mzxids = new AtomicLongArray(nodes);
        perParent = nodesPerParent;
    }

    @Override
    public void deserialize(ZNodeRecord node, Collector<Integer> out) {
        long now = System.nanoTime();
        int index = index(node.getRelativePath());
        if (node.getKind() == ChangeKind.DELETE || index < 0 || index >= mzxids.length()) {
            OTHERS.incrementAndGet();
            return;
        }
        mzxids.set(index, node.getStat().getMzxid());
        if (node.getKind() == ChangeKind.INSERT) {
            FIRST_INSERT_NANOS.compareAndSet(0, now);
            LAST_INSERT_NANOS.set(now);
            INSERTS.incrementAndGet();
        } else {
            LAST_UPDATE_NANOS.set(now);
            UPDATES.incrementAndGet();
        }
        out.collect(index);
    }

    /** {@code p-<p>/n-<i>} to {@code p * perParent + i}; -1 for any other path. */
    static int index(String relative) {
        int slash = relative.indexOf('/');
        if (slash < 3 || !relative.startsWith("p-") || !relative.startsWith("n-", slash + 1)) {
            return -1;
        }
        try {
            int p = Integer.parseInt(relative, 2, slash, 10);
            int i = Integer.parseInt(relative, slash + 3, relative.length(), 10);
            return p * perParent + i;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public TypeInformation<Integer> getProducedType() {
        return Types.INT;
    }
}
