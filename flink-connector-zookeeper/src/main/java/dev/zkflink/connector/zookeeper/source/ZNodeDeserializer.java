package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;

/** Turns a {@link ZNodeRecord} into the records a {@link ZooKeeperSource} emits. */
@PublicEvolving
public interface ZNodeDeserializer<T> extends Serializable, ResultTypeQueryable<T> {

    default void open(DeserializationSchema.InitializationContext context) throws Exception {}

    /**
     * Emits zero or one records for the node. Implementations throw an {@link IOException} that
     * names the path when the data cannot be decoded.
     */
    void deserialize(ZNodeRecord node, Collector<T> out) throws IOException;
}
