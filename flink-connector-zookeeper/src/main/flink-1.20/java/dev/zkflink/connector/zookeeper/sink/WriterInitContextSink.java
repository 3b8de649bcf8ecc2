package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * A {@link Sink} whose writers are created from a {@code WriterInitContext} only. Every sink of the
 * connector implements this instead of {@link Sink} directly.
 *
 * <p>Flink 1.20 shim (src/main/flink-1.20). 1.20 still declares the deprecated {@code
 * createWriter(Sink.InitContext)} abstract, and its default {@code createWriter(WriterInitContext)}
 * calls it. The connector's sinks override the {@code WriterInitContext} one, which is what 1.20's
 * writer operator calls, so this bridge is reached only by a caller that still hands over the old
 * context type. The Flink 2.x copy (src/main/flink-2) is empty.
 */
@Internal
public interface WriterInitContextSink<IN> extends Sink<IN> {

    @Override
    @Deprecated
    default SinkWriter<IN> createWriter(Sink.InitContext context) throws IOException {
        if (context instanceof WriterInitContext) {
            return createWriter((WriterInitContext) context);
        }
        throw new UnsupportedOperationException(
                getClass().getSimpleName()
                        + " creates its writers from a WriterInitContext only (Flink's writer"
                        + " operator passes one since 1.19); got a "
                        + context.getClass().getName());
    }
}
