package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/** Opens a {@link ZNodeDeserializer} in a reader's context. */
@Internal
public final class ReaderContexts {
    private ReaderContexts() {}

    public static void open(ZNodeDeserializer<?> deserializer, SourceReaderContext readerContext)
            throws Exception {
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return readerContext.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return readerContext.getUserCodeClassLoader();
                    }
                });
    }
}
