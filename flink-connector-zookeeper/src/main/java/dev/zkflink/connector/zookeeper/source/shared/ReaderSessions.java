package dev.zkflink.connector.zookeeper.source.shared;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;

/**
 * The session and the batched reader every long-lived reader uses (snapshot and live readers,
 * lookups): a shared reader client opened with the readers' response limit, and a reader whose byte
 * budget matches that limit. One place, so the two can never disagree.
 */
@Internal
public final class ReaderSessions {
    private ReaderSessions() {}

    /** A lease on the shared reader client of {@code connection}. */
    public static ZooKeeperClientLease acquire(ZooKeeperConnectionOptions connection) {
        return SharedZooKeeperClients.acquire(
                SharedZooKeeperClients.Role.READER, connection, responseLimit(connection));
    }

    /**
     * Batched reads with {@code read}'s batch size and pipelining, on a client from {@link
     * #acquire}.
     */
    public static ZNodeBatchReader batchReader(
            CuratorFramework client, ZooKeeperReadOptions read, ZooKeeperWakeUp wakeUp) {
        ZooKeeperConnectionOptions connection = read.getConnection();
        return new ZNodeBatchReader(
                client,
                connection,
                read.getBatchSize(),
                read.getMaxInFlight(),
                responseLimit(connection),
                wakeUp);
    }

    private static int responseLimit(ZooKeeperConnectionOptions connection) {
        return ZooKeeperLimits.readerResponseLimit(connection.getJuteMaxBuffer());
    }
}
