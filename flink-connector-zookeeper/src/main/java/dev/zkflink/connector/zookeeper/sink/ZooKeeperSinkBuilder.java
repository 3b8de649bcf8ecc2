package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.SetterNames;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;

import javax.annotation.Nullable;

import java.time.Duration;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * Builds the sink of a DataStream program that writes records as znodes below a path. {@link
 * #setHosts} (or {@link #setConnectionOptions}), {@link #setPath} and {@link #setSerializer} are
 * required; everything else has the default its setter names, the same as the SQL option's.
 *
 * <p>{@link #build()} returns the sink for the delivery guarantee: a {@link ZooKeeperSink} for
 * {@link DeliveryGuarantee#AT_LEAST_ONCE} (default) and {@link DeliveryGuarantee#NONE}, which
 * writes as records arrive and flushes on checkpoints, or a {@link ZooKeeperExactlyOnceSink} for
 * {@link DeliveryGuarantee#EXACTLY_ONCE}, which writes a checkpoint's changes only once the
 * checkpoint has completed.
 *
 * <pre>{@code
 * // Each (name, value) pair becomes the node /app/flags/<name>; a null value deletes it.
 * Sink<Tuple2<String, String>> sink =
 *         ZooKeeperSink.<Tuple2<String, String>>builder()
 *                 .setHosts("zk1:2181,zk2:2181")
 *                 .setPath("/app/flags")
 *                 .setSerializer(
 *                         ZNodeMutationSerializer.<Tuple2<String, String>>keyValue(
 *                                         flag -> flag.f0,
 *                                         flag -> flag.f1.getBytes(StandardCharsets.UTF_8))
 *                                 .withDeletes(flag -> flag.f1 == null))
 *                 .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
 *                 .build();
 * flags.sinkTo(sink);
 * }</pre>
 *
 * <p>{@link #build()} fails with an {@link IllegalArgumentException} that names the setter at
 * fault.
 */
@PublicEvolving
public final class ZooKeeperSinkBuilder<IN> {
    /** The SQL option names in the options builders' errors, and this builder's setters. */
    private static final SetterNames SETTERS =
            SetterNames.create()
                    .map(
                            "auth.digest.user' and 'auth.digest.password",
                            "ZooKeeperConnectionOptions.Builder#setDigestAuth(...)")
                    .map("hosts", "setHosts(...)")
                    .map("path", "setPath(...)")
                    .map("sink.buffer-flush.max-rows", "setBufferFlushMaxRows(...)")
                    .map("sink.buffer-flush.max-bytes", "setBufferFlushMaxBytes(...)")
                    .map("sink.buffer-flush.interval", "setBufferFlushInterval(...)")
                    .map("sink.delivery-guarantee", "setDeliveryGuarantee(...)")
                    .map("sink.max-retries", "setMaxRetries(...)")
                    .map("sink.retry.backoff", "setRetryBackoff(...)")
                    .map("sink.retry.timeout", "setRetryTimeout(...)")
                    .map("sink.max-in-flight", "setMaxInFlight(...)")
                    .map("sink.create-mode", "setCreateMode(...)")
                    .map("sink.acl", "setAcl(...)")
                    .map("sink.ttl", "setTtl(...)")
                    .map("sink.version-conflict", "setVersionConflict(...)");

    @Nullable private String hosts;
    @Nullable private ZooKeeperConnectionOptions connectionOptions;
    @Nullable private String path;
    @Nullable private ZNodeMutationSerializer<IN> serializer;

    /** Holds the write settings; it validates them in {@link #build()}. */
    private final ZooKeeperWriteOptions.Builder write = ZooKeeperWriteOptions.builder();

    ZooKeeperSinkBuilder() {}

    /**
     * The ZooKeeper connect string, such as {@code "zk1:2181,zk2:2181"} or {@code
     * "zk1:2181/chroot"}, with default timeouts, retries and no credentials. Required unless {@link
     * #setConnectionOptions} is used; no default.
     */
    public ZooKeeperSinkBuilder<IN> setHosts(String hosts) {
        this.hosts = hosts;
        return this;
    }

    /**
     * The whole connection: hosts, session and connection timeouts, retries, digest credentials,
     * shared sessions and {@code ZKClientConfig} properties. Instead of {@link #setHosts}, not
     * beside it; no default.
     */
    public ZooKeeperSinkBuilder<IN> setConnectionOptions(ZooKeeperConnectionOptions options) {
        this.connectionOptions = options;
        return this;
    }

    /**
     * The absolute path below which the sink writes, such as {@code "/app/flags"}; the sink creates
     * it if missing and never touches the nodes above it. Required.
     */
    public ZooKeeperSinkBuilder<IN> setPath(String path) {
        this.path = path;
        return this;
    }

    /**
     * Turns each record into a write or a delete of one node below the path, for example {@link
     * ZNodeMutationSerializer#keyValue}. Required.
     */
    public ZooKeeperSinkBuilder<IN> setSerializer(ZNodeMutationSerializer<IN> serializer) {
        this.serializer = serializer;
        return this;
    }

    /**
     * {@link DeliveryGuarantee#AT_LEAST_ONCE} (default): buffered writes are flushed at every
     * checkpoint, and a failover replays them (upserts and deletes by path are idempotent). {@link
     * DeliveryGuarantee#EXACTLY_ONCE}: a checkpoint's changes are written only after it completed.
     * {@link DeliveryGuarantee#NONE}: no flush at checkpoints.
     */
    public ZooKeeperSinkBuilder<IN> setDeliveryGuarantee(DeliveryGuarantee guarantee) {
        write.setDeliveryGuarantee(guarantee);
        return this;
    }

    /**
     * What kind of node a record creates; default {@link ZNodeCreateMode#PERSISTENT}. Sequential
     * modes accept upserts only; TTL modes need {@link #setTtl} or a TTL in each mutation.
     */
    public ZooKeeperSinkBuilder<IN> setCreateMode(ZNodeCreateMode createMode) {
        write.setCreateMode(createMode);
        return this;
    }

    /**
     * The ACL of every node the sink creates, parents included; default {@code world:anyone:cdrwa}.
     */
    public ZooKeeperSinkBuilder<IN> setAcl(ZNodeAclSpec acl) {
        write.setAcl(acl);
        return this;
    }

    /**
     * The TTL of nodes created in a TTL create mode, unless a mutation carries its own; no default.
     */
    public ZooKeeperSinkBuilder<IN> setTtl(Duration ttl) {
        write.setTtl(ttl);
        return this;
    }

    /**
     * What a conditional write does when the node's version differs; default {@link
     * VersionConflictPolicy#FAIL}.
     */
    public ZooKeeperSinkBuilder<IN> setVersionConflict(VersionConflictPolicy policy) {
        write.setVersionConflict(policy);
        return this;
    }

    /** Buffered records (after collapsing per path) that trigger a flush; default 1000. */
    public ZooKeeperSinkBuilder<IN> setBufferFlushMaxRows(int rows) {
        write.setBufferFlushMaxRows(rows);
        return this;
    }

    /** Buffered bytes (data, path and bookkeeping) that trigger a flush; default 4 MiB. */
    public ZooKeeperSinkBuilder<IN> setBufferFlushMaxBytes(long bytes) {
        write.setBufferFlushMaxBytes(bytes);
        return this;
    }

    /**
     * The longest a record waits in the buffer; default 1 s, {@link Duration#ZERO} disables the
     * timer.
     */
    public ZooKeeperSinkBuilder<IN> setBufferFlushInterval(Duration interval) {
        write.setBufferFlushInterval(interval);
        return this;
    }

    /** Retries of a failed write transaction before the job fails; default 10. */
    public ZooKeeperSinkBuilder<IN> setMaxRetries(int maxRetries) {
        write.setMaxRetries(maxRetries);
        return this;
    }

    /** The first wait before a retry, doubled per attempt; default 200 ms. */
    public ZooKeeperSinkBuilder<IN> setRetryBackoff(Duration backoff) {
        write.setRetryBackoff(backoff);
        return this;
    }

    /** The longest a writer keeps retrying without a successful write; default 60 s. */
    public ZooKeeperSinkBuilder<IN> setRetryTimeout(Duration timeout) {
        write.setRetryTimeout(timeout);
        return this;
    }

    /** Write transactions sent and not yet answered per writer, 1 to 64; default 8. */
    public ZooKeeperSinkBuilder<IN> setMaxInFlight(int maxInFlight) {
        write.setMaxInFlight(maxInFlight);
        return this;
    }

    /**
     * The sink for the delivery guarantee, after checking every setting: a {@link ZooKeeperSink},
     * or a {@link ZooKeeperExactlyOnceSink} for {@link DeliveryGuarantee#EXACTLY_ONCE}.
     *
     * @throws IllegalArgumentException naming the setter whose value is missing or wrong
     */
    public Sink<IN> build() {
        ZooKeeperConnectionOptions connection = connection();
        checkArgument(
                path != null, "setPath(...) is required: the absolute path the sink writes below.");
        String root = SETTERS.build(() -> ZNodePaths.validateRoot(path));
        checkArgument(
                serializer != null,
                "setSerializer(...) is required, for example"
                        + " ZNodeMutationSerializer.keyValue(record -> key, new SimpleStringSchema()).");
        ZooKeeperWriteOptions options =
                SETTERS.build(() -> write.setConnection(connection).build());
        // Both sinks bind the serializer to the path (ZNodeMutationSerializer#forSinkPath).
        if (options.getDeliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            return new ZooKeeperExactlyOnceSink<>(options, root, serializer);
        }
        return new ZooKeeperSink<>(options, root, serializer);
    }

    private ZooKeeperConnectionOptions connection() {
        checkArgument(
                hosts == null || connectionOptions == null,
                "setHosts(...) and setConnectionOptions(...) both name the ensemble: use one."
                        + " ZooKeeperConnectionOptions.builder().setHosts(...) carries the hosts"
                        + " with the other connection settings.");
        if (connectionOptions != null) {
            return connectionOptions;
        }
        checkArgument(
                hosts != null,
                "setHosts(...) is required (or setConnectionOptions(...)): the ZooKeeper connect"
                        + " string, such as 'zk1:2181,zk2:2181'.");
        return SETTERS.build(() -> ZooKeeperConnectionOptions.builder().setHosts(hosts).build());
    }
}
