package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a sink input record into the znode change it stands for. The ready-made {@link #keyValue}
 * writes each record's data under a key relative to the sink's path.
 */
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

    /**
     * This serializer as the sink at {@code rootPath} uses it. One that makes absolute paths (the
     * default) is used as it is; a {@link #keyValue} one, whose keys are relative to the sink's
     * path, is bound to that path. The sinks call this.
     */
    default ZNodeMutationSerializer<IN> forSinkPath(String rootPath) {
        return this;
    }

    /**
     * Writes each record as the data of the node {@code keyOf(record)} below the sink's path
     * ({@code "a/b"} is {@code <path>/a/b}), encoded by {@code valueSchema}, for example {@code new
     * SimpleStringSchema()}. Every record is an upsert; {@link ZNodeKeyValueSerializer#withDeletes}
     * makes some of them deletes.
     */
    static <IN> ZNodeKeyValueSerializer<IN> keyValue(
            SerializableFunction<IN, String> keyOf, SerializationSchema<IN> valueSchema) {
        return new ZNodeKeyValueSerializer<>(keyOf, valueSchema, null, null);
    }
}
