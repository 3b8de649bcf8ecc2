package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what a live source emits, by kind, and remembers the {@code mzxid} of the last record
 * emitted for every row node, so the benchmark can check the final state against the tree. The job
 * runs in this JVM's MiniCluster, so the counters are plain statics.
 *
 * <p>Emits (relative path, send time): for an UPDATE, the send time is the {@link
 * System#nanoTime()} a writer put into the value as {@code t=<nanos>;}; it is -1 for other records
 * and values that carry none.
 */
final class ChangeProbe implements ZNodeDeserializer<Tuple2<String, Long>> {
    static final AtomicLong INSERTS = new AtomicLong();
    static final AtomicLong UPDATES = new AtomicLong();
    static final AtomicLong DELETES = new AtomicLong();
    static final AtomicLong FIRST_INSERT_NANOS = new AtomicLong();
    static final AtomicLong LAST_INSERT_NANOS = new AtomicLong();
    static final AtomicLong LAST_UPDATE_NANOS = new AtomicLong();
    static final AtomicLong MAX_UPDATE_MZXID = new AtomicLong();

    /** Relative path to the mzxid of the last record emitted for it (removed on delete). */
    static final ConcurrentHashMap<String, Long> EMITTED = new ConcurrentHashMap<>();

    static void reset() {
        INSERTS.set(0);
        UPDATES.set(0);
        DELETES.set(0);
        FIRST_INSERT_NANOS.set(0);
        LAST_INSERT_NANOS.set(0);
        LAST_UPDATE_NANOS.set(0);
        MAX_UPDATE_MZXID.set(0);
        EMITTED.clear();
    }

    @Override
    public void deserialize(ZNodeRecord node, Collector<Tuple2<String, Long>> out) {
        long now = System.nanoTime();
        ChangeKind kind = node.getKind();
        if (kind == ChangeKind.DELETE) {
            DELETES.incrementAndGet();
            EMITTED.remove(node.getRelativePath());
        } else {
            long mzxid = node.getStat().getMzxid();
            EMITTED.put(node.getRelativePath(), mzxid);
            if (kind == ChangeKind.INSERT) {
                FIRST_INSERT_NANOS.compareAndSet(0, now);
                LAST_INSERT_NANOS.set(now);
                INSERTS.incrementAndGet();
            } else {
                MAX_UPDATE_MZXID.accumulateAndGet(mzxid, Math::max);
                LAST_UPDATE_NANOS.set(now);
                UPDATES.incrementAndGet();
            }
        }
        long sent = kind == ChangeKind.UPDATE ? sendNanos(node.getData()) : -1;
        out.collect(Tuple2.of(node.getRelativePath(), sent));
    }

    /** Parses a leading {@code t=<digits>;}; -1 if the value does not start with one. */
    static long sendNanos(byte[] data) {
        if (data.length < 4 || data[0] != 't' || data[1] != '=') {
            return -1;
        }
        long value = 0;
        for (int i = 2; i < data.length; i++) {
            byte b = data[i];
            if (b == ';') {
                return value;
            }
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return -1;
    }

    @Override
    public TypeInformation<Tuple2<String, Long>> getProducedType() {
        return Types.TUPLE(Types.STRING, Types.LONG);
    }
}
