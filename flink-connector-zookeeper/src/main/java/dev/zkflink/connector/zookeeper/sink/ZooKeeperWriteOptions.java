package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.time.Duration;

import static dev.zkflink.connector.zookeeper.common.Preconditions.require;

/** Connection plus buffering, retry and delivery settings of a {@link ZooKeeperSink}. */
public final class ZooKeeperWriteOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 4 MiB: a few full-size transactions, whatever the row sizes. */
    public static final long DEFAULT_BUFFER_FLUSH_MAX_BYTES = 4L << 20;

    /** Transactions one writer keeps sent and unanswered, at most; 1 writes one at a time. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 8;

    /** Each transaction in flight holds up to jute.maxbuffer of heap: 64 MiB at the default. */
    public static final int MAX_MAX_IN_FLIGHT = 64;

    private final ZooKeeperConnectionOptions connection;
    private final int bufferFlushMaxRows;
    private final long bufferFlushMaxBytes;
    private final Duration bufferFlushInterval;
    private final DeliveryGuarantee deliveryGuarantee;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration retryTimeout;
    private final int maxInFlight;

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

        public ZooKeeperWriteOptions build() {
            require(connection != null, "ZooKeeper connection options are required.");
            require(
                    bufferFlushMaxRows >= 1,
                    "'sink.buffer-flush.max-rows' must be at least 1, but was %s.",
                    bufferFlushMaxRows);
            require(
                    bufferFlushMaxBytes >= 1,
                    "'sink.buffer-flush.max-bytes' must be at least 1 byte, but was %s.",
                    bufferFlushMaxBytes);
            require(
                    bufferFlushInterval != null && !bufferFlushInterval.isNegative(),
                    "'sink.buffer-flush.interval' must be zero (disabled) or positive, but was %s.",
                    bufferFlushInterval);
            require(
                    deliveryGuarantee != null,
                    "'sink.delivery-guarantee' must be 'exactly-once', 'at-least-once' or 'none'.");
            require(maxRetries >= 0, "'sink.max-retries' must be >= 0, but was %s.", maxRetries);
            require(
                    retryBackoff != null && !retryBackoff.isNegative() && !retryBackoff.isZero(),
                    "'sink.retry.backoff' must be positive, but was %s.",
                    retryBackoff);
            require(
                    retryTimeout != null && !retryTimeout.isNegative() && !retryTimeout.isZero(),
                    "'sink.retry.timeout' must be positive, but was %s.",
                    retryTimeout);
            require(
                    maxInFlight >= 1 && maxInFlight <= MAX_MAX_IN_FLIGHT,
                    "'sink.max-in-flight' must be between 1 and %s, but was %s.",
                    MAX_MAX_IN_FLIGHT,
                    maxInFlight);
            return new ZooKeeperWriteOptions(this);
        }
    }
}
