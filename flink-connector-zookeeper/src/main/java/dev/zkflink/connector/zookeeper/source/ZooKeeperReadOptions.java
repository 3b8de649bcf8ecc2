package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

import static org.apache.flink.util.Preconditions.checkArgument;

/** Connection plus read tuning for a {@link ZooKeeperSource}. The builder validates. */
@PublicEvolving
public final class ZooKeeperReadOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;

    private final ZooKeeperConnectionOptions connection;
    private final int batchSize;
    private final int maxInFlight;

    private ZooKeeperReadOptions(
            ZooKeeperConnectionOptions connection, int batchSize, int maxInFlight) {
        this.connection = connection;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ZooKeeperConnectionOptions getConnection() {
        return connection;
    }

    /** Read ops per {@code multi} read request. */
    public int getBatchSize() {
        return batchSize;
    }

    /** Read requests pipelined at once. */
    public int getMaxInFlight() {
        return maxInFlight;
    }

    @Override
    public String toString() {
        return "ZooKeeperReadOptions{"
                + connection
                + ", batchSize="
                + batchSize
                + ", maxInFlight="
                + maxInFlight
                + "}";
    }

    /** Builder for {@link ZooKeeperReadOptions}. */
    public static final class Builder {
        private ZooKeeperConnectionOptions connection;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

        public Builder setConnection(ZooKeeperConnectionOptions connection) {
            this.connection = connection;
            return this;
        }

        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public ZooKeeperReadOptions build() {
            checkArgument(connection != null, "ZooKeeper connection options are required.");
            checkArgument(
                    batchSize >= 1 && batchSize <= 1000,
                    "'scan.read.batch-size' must be between 1 and 1000, but was %s.",
                    batchSize);
            checkArgument(
                    maxInFlight >= 1 && maxInFlight <= 64,
                    "'scan.read.max-in-flight' must be between 1 and 64, but was %s.",
                    maxInFlight);
            return new ZooKeeperReadOptions(connection, batchSize, maxInFlight);
        }
    }
}
