package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.base.DeliveryGuarantee;

import org.apache.zookeeper.server.EphemeralType;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;

import static org.apache.flink.util.Preconditions.checkArgument;

/** Connection plus buffering, retry and delivery settings of a {@link ZooKeeperSink}. */
@PublicEvolving
public final class ZooKeeperWriteOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 4 MiB: a few full-size transactions, whatever the row sizes. */
    public static final long DEFAULT_BUFFER_FLUSH_MAX_BYTES = 4L << 20;

    /** Transactions one writer keeps sent and unanswered, at most; 1 writes one at a time. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    /** Each transaction in flight holds up to jute.maxbuffer of heap: 64 MiB at the default. */
    public static final int MAX_MAX_IN_FLIGHT = 64;

    /** The longest TTL ZooKeeper encodes (40 bits of milliseconds, about 34 years). */
    public static final long MAX_TTL_MILLIS = EphemeralType.TTL.maxValue();

    private final ZooKeeperConnectionOptions connection;
    private final int bufferFlushMaxRows;
    private final long bufferFlushMaxBytes;
    private final Duration bufferFlushInterval;
    private final DeliveryGuarantee deliveryGuarantee;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration retryTimeout;
    private final int maxInFlight;
    private final ZNodeCreateMode createMode;
    private final ZNodeAclSpec acl;
    @Nullable private final Duration ttl;
    private final VersionConflictPolicy versionConflict;

    private ZooKeeperWriteOptions(Builder b) {
        this.connection = b.connection;
        this.bufferFlushMaxRows = b.bufferFlushMaxRows;
        this.bufferFlushMaxBytes = b.bufferFlushMaxBytes;
        this.bufferFlushInterval = b.bufferFlushInterval;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.retryTimeout = b.retryTimeout;
        this.maxInFlight = b.maxInFlight;
        this.createMode = b.createMode;
        this.acl = b.acl;
        this.ttl = b.ttl;
        this.versionConflict = b.versionConflict;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ZooKeeperConnectionOptions getConnection() {
        return connection;
    }

    public int getBufferFlushMaxRows() {
        return bufferFlushMaxRows;
    }

    /** Estimated bytes (data, path and bookkeeping) buffered before a flush. */
    public long getBufferFlushMaxBytes() {
        return bufferFlushMaxBytes;
    }

    /** Zero disables the timer. */
    public Duration getBufferFlushInterval() {
        return bufferFlushInterval;
    }

    public DeliveryGuarantee getDeliveryGuarantee() {
        return deliveryGuarantee;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public Duration getRetryBackoff() {
        return retryBackoff;
    }

    /** The longest a writer keeps retrying without a successful write before the job fails. */
    public Duration getRetryTimeout() {
        return retryTimeout;
    }

    /** Write transactions sent and not yet answered, at most. */
    public int getMaxInFlight() {
        return maxInFlight;
    }

    public ZNodeCreateMode getCreateMode() {
        return createMode;
    }

    /** The ACL of every node the sink creates, parents included. */
    public ZNodeAclSpec getAcl() {
        return acl;
    }

    /** The table-wide TTL of TTL create modes; null when rows carry their own. */
    @Nullable
    public Duration getTtl() {
        return ttl;
    }

    public VersionConflictPolicy getVersionConflict() {
        return versionConflict;
    }

    @Override
    public String toString() {
        return "ZooKeeperWriteOptions{"
                + connection
                + ", bufferFlushMaxRows="
                + bufferFlushMaxRows
                + ", bufferFlushMaxBytes="
                + bufferFlushMaxBytes
                + ", bufferFlushInterval="
                + bufferFlushInterval
                + ", deliveryGuarantee="
                + deliveryGuarantee
                + ", maxRetries="
                + maxRetries
                + ", retryBackoff="
                + retryBackoff
                + ", retryTimeout="
                + retryTimeout
                + ", maxInFlight="
                + maxInFlight
                + ", createMode="
                + createMode
                + ", acl="
                + acl
                + ", ttl="
                + ttl
                + ", versionConflict="
                + versionConflict
                + "}";
    }

    /** Builder for {@link ZooKeeperWriteOptions}. */
    public static final class Builder {
        private ZooKeeperConnectionOptions connection;
        private int bufferFlushMaxRows = 1000;
        private long bufferFlushMaxBytes = DEFAULT_BUFFER_FLUSH_MAX_BYTES;
        private Duration bufferFlushInterval = Duration.ofSeconds(1);
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private int maxRetries = 10;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration retryTimeout = Duration.ofSeconds(60);
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private ZNodeCreateMode createMode = ZNodeCreateMode.PERSISTENT;
        private ZNodeAclSpec acl = ZNodeAclSpec.open();
        @Nullable private Duration ttl;
        private VersionConflictPolicy versionConflict = VersionConflictPolicy.FAIL;

        public Builder setConnection(ZooKeeperConnectionOptions connection) {
            this.connection = connection;
            return this;
        }

        public Builder setBufferFlushMaxRows(int rows) {
            this.bufferFlushMaxRows = rows;
            return this;
        }

        public Builder setBufferFlushMaxBytes(long bytes) {
            this.bufferFlushMaxBytes = bytes;
            return this;
        }

        public Builder setBufferFlushInterval(Duration interval) {
            this.bufferFlushInterval = interval;
            return this;
        }

        public Builder setDeliveryGuarantee(DeliveryGuarantee guarantee) {
            this.deliveryGuarantee = guarantee;
            return this;
        }

        public Builder setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder setRetryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public Builder setRetryTimeout(Duration timeout) {
            this.retryTimeout = timeout;
            return this;
        }

        /**
         * Write transactions sent and not yet answered, at most (default 8). 1 waits for each
         * transaction before the next one is sent.
         */
        public Builder setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** What kind of node a row creates (default {@code persistent}). */
        public Builder setCreateMode(ZNodeCreateMode createMode) {
            this.createMode = createMode;
            return this;
        }

        /** The ACL of every node the sink creates (default {@code world:anyone:cdrwa}). */
        public Builder setAcl(ZNodeAclSpec acl) {
            this.acl = acl;
            return this;
        }

        /** The TTL of nodes created in a TTL create mode, unless a row carries its own. */
        public Builder setTtl(@Nullable Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** What a conditional write does on a version conflict (default {@code fail}). */
        public Builder setVersionConflict(VersionConflictPolicy policy) {
            this.versionConflict = policy;
            return this;
        }

        public ZooKeeperWriteOptions build() {
            checkArgument(connection != null, "ZooKeeper connection options are required.");
            checkArgument(
                    bufferFlushMaxRows >= 1,
                    "'sink.buffer-flush.max-rows' must be at least 1, but was %s.",
                    bufferFlushMaxRows);
            checkArgument(
                    bufferFlushMaxBytes >= 1,
                    "'sink.buffer-flush.max-bytes' must be at least 1 byte, but was %s.",
                    bufferFlushMaxBytes);
            checkArgument(
                    bufferFlushInterval != null && !bufferFlushInterval.isNegative(),
                    "'sink.buffer-flush.interval' must be zero (disabled) or positive, but was %s.",
                    bufferFlushInterval);
            checkArgument(
                    deliveryGuarantee != null,
                    "'sink.delivery-guarantee' must be 'exactly-once', 'at-least-once' or 'none'.");
            checkArgument(
                    maxRetries >= 0, "'sink.max-retries' must be >= 0, but was %s.", maxRetries);
            checkArgument(
                    retryBackoff != null && !retryBackoff.isNegative() && !retryBackoff.isZero(),
                    "'sink.retry.backoff' must be positive, but was %s.",
                    retryBackoff);
            checkArgument(
                    retryTimeout != null && !retryTimeout.isNegative() && !retryTimeout.isZero(),
                    "'sink.retry.timeout' must be positive, but was %s.",
                    retryTimeout);
            checkArgument(
                    maxInFlight >= 1 && maxInFlight <= MAX_MAX_IN_FLIGHT,
                    "'sink.max-in-flight' must be between 1 and %s, but was %s.",
                    MAX_MAX_IN_FLIGHT,
                    maxInFlight);
            checkArgument(createMode != null, "'sink.create-mode' must be set.");
            checkArgument(acl != null, "'sink.acl' must be set.");
            checkArgument(
                    versionConflict != null, "'sink.version-conflict' must be 'fail' or 'skip'.");
            checkArgument(
                    !acl.usesAuthScheme() || connection.hasIdentity(),
                    "'sink.acl' = '%s' has an 'auth' entry, which grants the creating session's own"
                            + " identities, but the table has none: set 'auth.digest.user' and"
                            + " 'auth.digest.password', the 'auth.sasl.*' options, or a TLS client"
                            + " certificate ('tls.keystore.location').",
                    acl);
            checkArgument(
                    !(createMode.isEphemeral()
                            && deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE),
                    "'sink.create-mode' = '%s' cannot be combined with 'sink.delivery-guarantee' ="
                            + " 'exactly-once': ephemeral nodes live with the writer's session,"
                            + " and exactly-once writes happen in the committer. Use 'at-least-once'"
                            + " (a restored writer re-creates its nodes).",
                    createMode);
            if (ttl != null) {
                checkArgument(
                        createMode.isTtl(),
                        "'sink.ttl' is set, but 'sink.create-mode' = '%s' creates nodes without a"
                                + " TTL; use 'persistent-with-ttl' or 'persistent-sequential-with-ttl'.",
                        createMode);
                checkTtl(ttl.toMillis(), "'sink.ttl'");
            }
            return new ZooKeeperWriteOptions(this);
        }
    }

    /** A TTL ZooKeeper accepts: positive and at most {@link #MAX_TTL_MILLIS}. */
    static void checkTtl(long millis, String what) {
        checkArgument(
                millis > 0 && millis <= MAX_TTL_MILLIS,
                "%s must be between 1 ms and %s ms, but was %s ms.",
                what,
                MAX_TTL_MILLIS,
                millis);
    }
}
