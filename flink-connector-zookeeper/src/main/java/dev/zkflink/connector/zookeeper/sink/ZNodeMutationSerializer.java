package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.Serializable;

/** Turns a sink input record into the znode change it stands for. */
@PublicEvolving
public interface ZNodeMutationSerializer<IN> extends Serializable {

    default void open(SerializationSchema.InitializationContext context) throws Exception {}

    /**
     * The mutation for {@code element}, or {@code null} when the record changes nothing (an
     * UPDATE_BEFORE). Throws an {@link IOException} naming the row when its key makes an illegal
     * path or its value cannot be encoded.
     */
    @Nullable
    ZNodeMutation toMutation(IN element) throws IOException;
}
