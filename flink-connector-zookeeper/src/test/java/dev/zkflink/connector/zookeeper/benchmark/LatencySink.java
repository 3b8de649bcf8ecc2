package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple2;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records, for every row that carries a send time, the nanoseconds from the writer's send to the
 * row's arrival here. The job runs in this JVM's MiniCluster, so {@link System#nanoTime()} on both
 * sides is the same clock.
 */
final class LatencySink implements Sink<Tuple2<String, Long>> {
    private static final long serialVersionUID = 1L;

    /** {send nanos, latency nanos} per row. */
    static final ConcurrentLinkedQueue<long[]> SAMPLES = new ConcurrentLinkedQueue<>();

    @Override
    public SinkWriter<Tuple2<String, Long>> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(Tuple2<String, Long> row, Context context) {
                long now = System.nanoTime();
                if (row.f1 >= 0) {
                    SAMPLES.add(new long[] {row.f1, now - row.f1});
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
