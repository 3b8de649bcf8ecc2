package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * A {@link Sink} whose writers are created from a {@code WriterInitContext} only. Every sink of the
 * connector implements this instead of {@link Sink} directly.
 *
 * <p>Flink 2.x shim (src/main/flink-2): nothing to add, {@code createWriter(WriterInitContext)} is
 * the only writer factory there. The Flink 1.20 copy (src/main/flink-1.20) bridges the {@code
 * createWriter(Sink.InitContext)} that 1.20 still declares abstract.
 */
@Internal
public interface WriterInitContextSink<IN> extends Sink<IN> {}
