package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

import org.apache.zookeeper.common.PathUtils;

import javax.annotation.Nullable;

import java.io.IOException;
import java.io.Serializable;
import java.util.Objects;

/**
 * {@link ZNodeMutationSerializer#keyValue}: a record's key is its node's path relative to the
 * sink's path, its value the node's data. Records the {@link DeleteMarker} accepts delete their
 * node (and its subtree) instead.
 *
 * <pre>{@code
 * ZNodeMutationSerializer.keyValue(Flag::getName, new FlagValueSchema())
 *         .withDeletes(Flag::isRemoved);
 * }</pre>
 */
@PublicEvolving
public final class ZNodeKeyValueSerializer<IN> implements ZNodeMutationSerializer<IN> {
    private static final long serialVersionUID = 1L;

    /** Which records are deletes of their key's node. */
    @FunctionalInterface
    public interface DeleteMarker<IN> extends Serializable {
        boolean isDelete(IN record);
    }

    private final SerializableFunction<IN, String> keyOf;
    private final SerializationSchema<IN> valueSchema;
    @Nullable private final DeleteMarker<IN> deleteMarker;

    /** The sink's path, once {@link #forSinkPath} has bound it. */
    @Nullable private final String rootPath;

    ZNodeKeyValueSerializer(
            SerializableFunction<IN, String> keyOf,
            SerializationSchema<IN> valueSchema,
            @Nullable DeleteMarker<IN> deleteMarker,
            @Nullable String rootPath) {
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.valueSchema = Objects.requireNonNull(valueSchema, "valueSchema");
        this.deleteMarker = deleteMarker;
        this.rootPath = rootPath;
    }

    /**
     * Records for which {@code marker} is true delete their node with its subtree; their value is
     * not encoded. Without a marker every record is an upsert.
     */
    public ZNodeKeyValueSerializer<IN> withDeletes(DeleteMarker<IN> marker) {
        return new ZNodeKeyValueSerializer<>(
                keyOf, valueSchema, Objects.requireNonNull(marker, "marker"), rootPath);
    }

    @Override
    public ZNodeKeyValueSerializer<IN> forSinkPath(String rootPath) {
        return new ZNodeKeyValueSerializer<>(
                keyOf, valueSchema, deleteMarker, ZNodePaths.validateRoot(rootPath));
    }

    @Override
    public void open(SerializationSchema.InitializationContext context) throws Exception {
        valueSchema.open(context);
    }

    @Override
    public ZNodeMutation toMutation(IN element) throws IOException {
        if (rootPath == null) {
            throw new IllegalStateException(
                    "This key-value serializer is not bound to a sink path: hand it to"
                            + " ZooKeeperSink.builder().setSerializer(...), which binds it.");
        }
        String path = pathOf(element);
        if (deleteMarker != null && deleteMarker.isDelete(element)) {
            return ZNodeMutation.delete(path);
        }
        byte[] data;
        try {
            data = valueSchema.serialize(element);
        } catch (RuntimeException e) {
            throw new IOException(
                    String.format(
                            "Could not encode the value of the record with key '%s': %s",
                            ZNodePaths.relativize(rootPath, path), e.getMessage()),
                    e);
        }
        if (data == null) {
            throw new IOException(
                    String.format(
                            "%s returned null for the record with key '%s'. To delete a node, use"
                                    + " withDeletes(...).",
                            valueSchema.getClass().getSimpleName(),
                            ZNodePaths.relativize(rootPath, path)));
        }
        return ZNodeMutation.upsert(path, data);
    }

    /** The absolute path of the record's key; the key must be a non-empty relative path. */
    private String pathOf(IN element) throws IOException {
        String key = keyOf.apply(element);
        if (key == null || key.isEmpty()) {
            throw new IOException(
                    String.format(
                            "The key of a record (%s) is %s: every record needs a node name or a"
                                    + " path below '%s', such as 'a' or 'a/b'.",
                            element.getClass().getSimpleName(),
                            key == null ? "null" : "empty",
                            rootPath));
        }
        if (key.startsWith("/")) {
            throw new IOException(
                    String.format(
                            "The key '%s' starts with '/': keys are relative to the sink's path"
                                    + " '%s', such as 'a/b'.",
                            key, rootPath));
        }
        String path = ZNodePaths.join(rootPath, key);
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw new IOException(
                    String.format(
                            "The key '%s' makes no valid znode path below '%s': %s",
                            key, rootPath, e.getMessage()),
                    e);
        }
        if (ZNodePaths.isSystemPath(rootPath, path)) {
            throw new IOException(
                    String.format(
                            "The key '%s' names ZooKeeper's own /zookeeper subtree, which a sink"
                                    + " at '/' never writes.",
                            key));
        }
        return path;
    }
}
