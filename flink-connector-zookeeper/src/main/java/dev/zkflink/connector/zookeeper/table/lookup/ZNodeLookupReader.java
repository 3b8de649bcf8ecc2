package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.shared.ReaderSessions;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Blocking reads for lookups: one row node with a plain {@code getData}, or the row nodes of a
 * subtree level by level with batched {@code multi} reads. Transient failures are retried up to
 * {@code lookup.max-retries} times, waiting for the connection in between; anything else fails at
 * once, naming the path.
 */
final class ZNodeLookupReader {
    private static final Logger LOG = LoggerFactory.getLogger(ZNodeLookupReader.class);
    private static final long CONNECTION_POLL_MS = 20;

    private final CuratorFramework client;
    private final ZooKeeperConnectionOptions connection;
    private final ZNodeTreeLayout layout;
    private final int maxRetries;
    private final ZNodeLevelReads levels;
    private final ZNodePathFilter filter;

    ZNodeLookupReader(
            CuratorFramework client,
            ZooKeeperReadOptions read,
            ZNodeTreeLayout layout,
            ZNodePathFilter filter,
            int maxRetries) {
        this.client = client;
        this.filter = filter;
        this.connection = read.getConnection();
        this.layout = layout;
        this.maxRetries = maxRetries;
        ZNodeBatchReader batches =
                ReaderSessions.batchReader(client, read, new ZooKeeperWakeUp())
                        .withRetries(maxRetries, "lookup.max-retries");
        this.levels = new ZNodeLevelReads(batches, layout, filter, connection);
    }

    /** The row node at {@code relative} ({@code fullKey}), or the row nodes below it. */
    List<ZNodeRecord> read(String relative, boolean fullKey) throws IOException {
        if (fullKey) {
            return filter.accepts(relative) ? readNode(relative) : Collections.emptyList();
        }
        return filter.mayLeadTo(relative) ? readSubtree(relative) : Collections.emptyList();
    }

    private List<ZNodeRecord> readNode(String relative) throws IOException {
        String path = layout.absolute(relative);
        int failures = 0;
        while (true) {
            try {
                ZooKeeper zk = ZooKeeperCalls.handle(client, connection);
                Stat stat = new Stat();
                byte[] data = zk.getData(path, false, stat);
                return Collections.singletonList(new ZNodeRecord(relative, path, data, stat));
            } catch (KeeperException.NoNodeException e) {
                return Collections.emptyList();
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code())) {
                    throw LookupErrors.failed(path, e, connection);
                }
                if (++failures > maxRetries) {
                    throw LookupErrors.gaveUp(path, e, failures - 1, connection);
                }
                LOG.warn(
                        "Lookup of '{}' hit {} (attempt {} of {}); retrying.",
                        path,
                        e.code(),
                        failures,
                        maxRetries + 1);
                pause(failures);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while looking up '" + path + "'", e);
            }
        }
    }

    /** Waits the backoff, then up to 'connection.timeout' for a connection. */
    private void pause(int attempt) throws IOException {
        try {
            Thread.sleep(
                    ZooKeeperCalls.backoffMillis(
                            connection.getRetryBaseSleep().toMillis(),
                            connection.getRetryMaxSleep().toMillis(),
                            attempt));
            long deadline =
                    System.currentTimeMillis() + connection.getConnectionTimeout().toMillis();
            while (!client.getZookeeperClient().isConnected()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(CONNECTION_POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to retry a lookup", e);
        }
    }

    /** Lists down to the row level, then reads the rows' data; a vanished node is skipped. */
    private List<ZNodeRecord> readSubtree(String relative) throws IOException {
        int depth = relative.isEmpty() ? 0 : ZNodeLookupReader.depthOf(relative);
        List<String> level = Collections.singletonList(relative);
        List<ZNodeRecord> rows = new ArrayList<>();
        while (!level.isEmpty() && layout.mayHaveRowsBelow(depth)) {
            List<String> next = levels.children(level);
            depth++;
            if (layout.isRow(depth)) {
                levels.data(
                        next,
                        new ZNodeLevelReads.Found() {
                            @Override
                            public void present(String node, String path, byte[] data, Stat stat) {
                                rows.add(new ZNodeRecord(node, path, data, stat));
                            }

                            @Override
                            public void gone(String node) {}
                        });
            }
            level = next;
        }
        return rows;
    }

    static int depthOf(String relative) {
        if (relative.isEmpty()) {
            return 0;
        }
        int depth = 1;
        for (int i = 0; i < relative.length(); i++) {
            if (relative.charAt(i) == '/') {
                depth++;
            }
        }
        return depth;
    }
}
