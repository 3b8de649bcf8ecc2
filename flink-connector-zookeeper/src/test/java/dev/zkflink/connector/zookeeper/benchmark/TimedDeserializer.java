package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Emits each node's data length and remembers when the first and the last node arrived (the job
 * runs in this JVM's MiniCluster), so the benchmark can report the reading rate without the job's
 * fixed start-up cost.
 */
final class TimedDeserializer implements ZNodeDeserializer<Integer> {
    static final AtomicLong FIRST_NANOS = new AtomicLong();
    static final AtomicLong LAST_NANOS = new AtomicLong();
    static final AtomicLong COUNT = new AtomicLong();

    static void reset() {
        FIRST_NANOS.set(0);
        LAST_NANOS.set(0);
        COUNT.set(0);
    }

    @Override
    public void deserialize(ZNodeRecord node, Collector<Integer> out) {
        long now = System.nanoTime();
        FIRST_NANOS.compareAndSet(0, now);
        LAST_NANOS.accumulateAndGet(now, Math::max);
        COUNT.incrementAndGet();
        out.collect(node.getData().length);
    }

    @Override
    public TypeInformation<Integer> getProducedType() {
        return Types.INT;
    }
}
