package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a {@link ZNodeRecord} into the records a {@link ZooKeeperSource} emits. Ready-made ones:
 * {@link #valueOnly} decodes the node's data with any Flink {@link DeserializationSchema}, {@link
 * #records()} emits the {@link ZNodeRecord} itself (path, data, Stat and change kind).
 */
@PublicEvolving
public interface ZNodeDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    /**
     * Emits zero or one records for the node. Implementations throw an {@link IOException} that
     * names the path when the data cannot be decoded.
     */
    void deserialize(ZNodeRecord node, Collector<T> out) throws IOException;

    /**
     * The node's data decoded by {@code valueSchema}, for example {@code new SimpleStringSchema()}.
     * A delete carries no data, so it emits nothing: use {@link #records()} to see deletes.
     */
    static <T> ZNodeDeserializer<T> valueOnly(DeserializationSchema<T> valueSchema) {
        return new ValueOnlyZNodeDeserializer<>(valueSchema);
    }

    /**
     * Every node as a {@link ZNodeRecord}: its path, data, Stat and {@link ChangeKind}, deletes
     * included. Flink serializes it with its own {@link ZNodeRecordTypeInfo}, not Kryo.
     */
    static ZNodeDeserializer<ZNodeRecord> records() {
        return new ZNodeRecordDeserializer();
    }
}
