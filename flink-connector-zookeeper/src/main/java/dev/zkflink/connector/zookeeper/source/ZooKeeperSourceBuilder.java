package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.SetterNames;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * Builds a {@link ZooKeeperSource} for a DataStream program. {@link #setHosts} (or {@link
 * #setConnectionOptions}), {@link #setPath} and {@link #setDeserializer} are required; everything
 * else has the default its setter names, the same as the SQL option's.
 *
 * <p>Which nodes are records: with {@link KeyMode#LEVELS} (the default) exactly the nodes {@link
 * #setRowDepth row depth} levels below the path, with {@link KeyMode#RELATIVE_PATH} every node
 * below it. The startup mode picks a bounded snapshot or a live changelog of creates, updates and
 * deletes (see {@link ZNodeRecord#getKind()}).
 *
 * <pre>{@code
 * // Every change below /services/<service>/<instance>, after the instances already there.
 * ZooKeeperSource<ZNodeRecord> source =
 *         ZooKeeperSource.<ZNodeRecord>builder()
 *                 .setHosts("zk1:2181,zk2:2181")
 *                 .setPath("/services")
 *                 .setRowDepth(2)
 *                 .setStartupMode(StartupMode.INITIAL)
 *                 .setDeserializer(ZNodeDeserializer.records())
 *                 .build();
 * DataStream<ZNodeRecord> changes =
 *         env.fromSource(source, WatermarkStrategy.noWatermarks(), "instances");
 * }</pre>
 *
 * <p>{@link #build()} fails with an {@link IllegalArgumentException} that names the setter at
 * fault.
 */
@PublicEvolving
public final class ZooKeeperSourceBuilder<T> {
    /** The SQL option names in the options builders' errors, and this builder's setters. */
    private static final SetterNames SETTERS =
            SetterNames.create()
                    .map("hosts", "setHosts(...)")
                    .map("path", "setPath(...)")
                    .map("scan.read.batch-size", "setReadBatchSize(...)")
                    .map("scan.read.max-in-flight", "setReadMaxInFlight(...)");

    @Nullable private String hosts;
    @Nullable private ZooKeeperConnectionOptions connectionOptions;
    @Nullable private String path;
    private KeyMode keyMode = KeyMode.LEVELS;
    @Nullable private Integer rowDepth;
    private StartupMode startupMode = StartupMode.INITIAL;
    @Nullable private ZNodeDeserializer<T> deserializer;
    private int readBatchSize = ZooKeeperReadOptions.DEFAULT_BATCH_SIZE;
    private int readMaxInFlight = ZooKeeperReadOptions.DEFAULT_MAX_IN_FLIGHT;
    private boolean trackChildren;

    ZooKeeperSourceBuilder() {}

    /**
     * The ZooKeeper connect string, such as {@code "zk1:2181,zk2:2181"} or {@code
     * "zk1:2181/chroot"}, with default timeouts, retries and no credentials. Required unless {@link
     * #setConnectionOptions} is used; no default.
     */
    public ZooKeeperSourceBuilder<T> setHosts(String hosts) {
        this.hosts = hosts;
        return this;
    }

    /**
     * The whole connection: hosts, session and connection timeouts, retries, digest credentials,
     * shared sessions and {@code ZKClientConfig} properties. Instead of {@link #setHosts}, not
     * beside it; no default.
     */
    public ZooKeeperSourceBuilder<T> setConnectionOptions(ZooKeeperConnectionOptions options) {
        this.connectionOptions = options;
        return this;
    }

    /** The absolute path of the tree's root, such as {@code "/app/flags"}. Required. */
    public ZooKeeperSourceBuilder<T> setPath(String path) {
        this.path = path;
        return this;
    }

    /**
     * Which nodes below the path are records: {@link KeyMode#LEVELS} (default) the nodes {@link
     * #setRowDepth} levels below it, {@link KeyMode#RELATIVE_PATH} every node below it.
     */
    public ZooKeeperSourceBuilder<T> setKeyMode(KeyMode keyMode) {
        this.keyMode = keyMode;
        return this;
    }

    /**
     * How many levels below the path the records are, for {@link KeyMode#LEVELS}: 1 (default) for
     * the path's children, 2 for its grandchildren. Not allowed with {@link KeyMode#RELATIVE_PATH}.
     */
    public ZooKeeperSourceBuilder<T> setRowDepth(int rowDepth) {
        this.rowDepth = rowDepth;
        return this;
    }

    /**
     * {@link StartupMode#SNAPSHOT}: read the tree once and end (bounded). {@link
     * StartupMode#INITIAL} (default): the nodes in the tree, then every change (unbounded). {@link
     * StartupMode#LATEST}: only the changes after the job starts (unbounded).
     */
    public ZooKeeperSourceBuilder<T> setStartupMode(StartupMode startupMode) {
        this.startupMode = startupMode;
        return this;
    }

    /**
     * Turns each node into records, for example {@link ZNodeDeserializer#valueOnly} or {@link
     * ZNodeDeserializer#records()}. Required; its produced type is the stream's type.
     */
    public ZooKeeperSourceBuilder<T> setDeserializer(ZNodeDeserializer<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Read operations per {@code multi} read request, 1 to 1000; default 100. */
    public ZooKeeperSourceBuilder<T> setReadBatchSize(int readBatchSize) {
        this.readBatchSize = readBatchSize;
        return this;
    }

    /** Read requests each reader keeps in flight, 1 to 64; default 4. */
    public ZooKeeperSourceBuilder<T> setReadMaxInFlight(int readMaxInFlight) {
        this.readMaxInFlight = readMaxInFlight;
        return this;
    }

    /**
     * Live modes only: also emit an {@link ChangeKind#UPDATE} when a record node's children change,
     * so its Stat's {@code numChildren}, {@code cversion} and {@code pzxid} stay current. Default
     * false: updates are emitted for data changes only. Not allowed with {@link
     * StartupMode#SNAPSHOT}, which reads each Stat once anyway.
     */
    public ZooKeeperSourceBuilder<T> setTrackChildren(boolean trackChildren) {
        this.trackChildren = trackChildren;
        return this;
    }

    /**
     * The source, after checking every setting.
     *
     * @throws IllegalArgumentException naming the setter whose value is missing or wrong
     */
    public ZooKeeperSource<T> build() {
        ZooKeeperConnectionOptions connection = connection();
        checkArgument(
                path != null, "setPath(...) is required: the absolute path of the tree's root.");
        checkArgument(keyMode != null, "setKeyMode(...) must not be null.");
        checkArgument(startupMode != null, "setStartupMode(...) must not be null.");
        checkArgument(
                deserializer != null,
                "setDeserializer(...) is required, for example"
                        + " ZNodeDeserializer.valueOnly(new SimpleStringSchema()).");
        checkArgument(
                deserializer.getProducedType() != null,
                "setDeserializer(...): the deserializer's getProducedType() returned null.");
        checkArgument(
                !(trackChildren && startupMode == StartupMode.SNAPSHOT),
                "setTrackChildren(true) applies to StartupMode.INITIAL and LATEST only: a snapshot"
                        + " reads each node's Stat once anyway.");
        ZNodeTreeLayout layout = SETTERS.build(this::layout);
        ZooKeeperReadOptions readOptions =
                SETTERS.build(
                        () ->
                                ZooKeeperReadOptions.builder()
                                        .setConnection(connection)
                                        .setBatchSize(readBatchSize)
                                        .setMaxInFlight(readMaxInFlight)
                                        .build());
        if (startupMode == StartupMode.SNAPSHOT) {
            return new ZooKeeperSource<>(
                    new ZooKeeperSnapshotSource<>(layout, readOptions, deserializer),
                    deserializer.getProducedType());
        }
        return new ZooKeeperSource<>(
                new ZooKeeperChangelogSource<>(
                        layout,
                        readOptions,
                        deserializer,
                        startupMode == StartupMode.INITIAL,
                        trackChildren),
                deserializer.getProducedType());
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

    private ZNodeTreeLayout layout() {
        if (keyMode == KeyMode.RELATIVE_PATH) {
            checkArgument(
                    rowDepth == null,
                    "setRowDepth(...) applies to KeyMode.LEVELS only: with KeyMode.RELATIVE_PATH"
                            + " every node below the path is a record.");
            return ZNodeTreeLayout.wholeSubtree(path);
        }
        int depth = rowDepth == null ? 1 : rowDepth;
        checkArgument(
                depth >= 1,
                "setRowDepth(...) must be at least 1 (the path's children), but was %s.",
                depth);
        return ZNodeTreeLayout.levels(path, depth);
    }
}
