package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.Objects;

/** {@link ZNodeDeserializer#valueOnly}: a node's data through a {@link DeserializationSchema}. */
final class ValueOnlyZNodeDeserializer<T> implements ZNodeDeserializer<T> {
    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> valueSchema;

    ValueOnlyZNodeDeserializer(DeserializationSchema<T> valueSchema) {
        this.valueSchema = Objects.requireNonNull(valueSchema, "valueSchema");
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
    }

    @Override
    public void deserialize(ZNodeRecord node, Collector<T> out) throws IOException {
        if (node.getKind() == ChangeKind.DELETE) {
            return;
        }
        try {
            valueSchema.deserialize(node.getData(), out);
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    String.format(
                            "Could not decode the data of znode '%s' (%d bytes) with %s: %s",
                            node.getAbsolutePath(),
                            node.getData().length,
                            valueSchema.getClass().getSimpleName(),
                            e.getMessage()),
                    e);
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return valueSchema.getProducedType();
    }
}
