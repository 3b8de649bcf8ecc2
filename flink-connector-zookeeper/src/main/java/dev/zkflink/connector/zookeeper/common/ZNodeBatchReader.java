package dev.zkflink.connector.zookeeper.common;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads many znodes with few round trips: read ops ({@code getData}, {@code getChildren}) are
 * grouped into {@code multi} read requests of {@code batchSize} ops, and up to {@code maxInFlight}
 * requests are pipelined.
 *
 * <p>A response larger than the client's {@code jute.maxbuffer} makes the client drop the
 * connection, which surfaces as ConnectionLoss and, retried naively, loops forever. Readers are
 * opened with a client limit of {@link ZooKeeperLimits#responseLimit} so a batch of nodes of legal
 * size always fits. If a ConnectionLoss still happens, the batch is re-read sequentially and
 * bisected; a single op that loses a healthy connection twice is reported as too large, naming the
 * path and {@code properties.jute.maxbuffer}. Real outages are retried up to {@code
 * connection.max-retries}.
 */
public final class ZNodeBatchReader {
    private static final Logger LOG = LoggerFactory.getLogger(ZNodeBatchReader.class);

    private final CuratorFramework client;
    private final ZooKeeperConnectionOptions options;
    private final int batchSize;
    private final int maxInFlight;

    public ZNodeBatchReader(
            CuratorFramework client,
            ZooKeeperConnectionOptions options,
            int batchSize,
            int maxInFlight) {
        this.client = client;
        this.options = options;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** Results in the order of {@code ops}; per-op failures come back as {@code ErrorResult}. */
    public List<OpResult> read(List<Op> ops) throws IOException {
        List<OpResult> results = new ArrayList<>(ops.size());
        int attempts = 0;
        int done = 0;
        while (done < ops.size()) {
            int end = Math.min(ops.size(), done + batchSize * maxInFlight);
            List<Op> round = ops.subList(done, end);
            try {
                results.addAll(pipelined(round));
                done = end;
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code())) {
                    throw new IOException(
                            "Reading znodes under '" + round.get(0).getPath() + "' failed: " + e,
                            e);
                }
                LOG.warn(
                        "Batched read of {} ops hit {}; re-reading them one request at a time.",
                        round.size(),
                        e.code());
                if (!tryAwaitConnection()) {
                    attempts = awaitConnection(attempts, e);
                }
                int[] carefulAttempts = {attempts};
                for (int i = 0; i < round.size(); i += batchSize) {
                    List<Op> request =
                            new ArrayList<>(
                                    round.subList(i, Math.min(round.size(), i + batchSize)));
                    results.addAll(carefully(request, carefulAttempts));
                }
                attempts = carefulAttempts[0];
                done = end;
            }
        }
        return results;
    }

    private List<OpResult> pipelined(List<Op> ops) throws IOException, KeeperException {
        ZooKeeper zk = zooKeeper();
        List<CompletableFuture<List<OpResult>>> futures = new ArrayList<>();
        for (int i = 0; i < ops.size(); i += batchSize) {
            futures.add(multiAsync(zk, ops.subList(i, Math.min(ops.size(), i + batchSize))));
        }
        List<OpResult> out = new ArrayList<>(ops.size());
        for (CompletableFuture<List<OpResult>> f : futures) {
            out.addAll(await(f));
        }
        return out;
    }

    /** Sequential, bisecting re-read after a ConnectionLoss. */
    private List<OpResult> carefully(List<Op> ops, int[] attempts) throws IOException {
        int singleOpLosses = 0;
        while (true) {
            try {
                return await(multiAsync(zooKeeper(), ops));
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code())) {
                    throw new IOException(
                            "Reading znode '" + ops.get(0).getPath() + "' failed: " + e, e);
                }
                boolean reconnected = tryAwaitConnection();
                if (ops.size() > 1 && reconnected) {
                    int mid = ops.size() / 2;
                    List<OpResult> out = new ArrayList<>(carefully(ops.subList(0, mid), attempts));
                    out.addAll(carefully(ops.subList(mid, ops.size()), attempts));
                    return out;
                }
                if (reconnected && ++singleOpLosses >= 2) {
                    throw responseTooLarge(ops.get(0));
                }
                if (!reconnected) {
                    attempts[0] = awaitConnection(attempts[0], e);
                }
            }
        }
    }

    private IOException responseTooLarge(Op op) {
        String kind =
                op.getType() == org.apache.zookeeper.ZooDefs.OpCode.getChildren
                        ? "getChildren"
                        : "getData";
        return new IOException(
                String.format(
                        "%s('%s') dropped the connection twice while the connection itself is healthy: "
                                + "its response is larger than this reader's response limit of %d bytes "
                                + "('properties.jute.maxbuffer' = %d times ('scan.read.batch-size' + 1)). "
                                + "Raise 'properties.jute.maxbuffer' for this table (for example to %d), "
                                + "and on the servers if the table is also written to.",
                        kind,
                        op.getPath(),
                        ZooKeeperLimits.responseLimit(options.getJuteMaxBuffer(), batchSize),
                        options.getJuteMaxBuffer(),
                        (long) options.getJuteMaxBuffer() * 4));
    }

    private int awaitConnection(int attempts, KeeperException cause) throws IOException {
        while (true) {
            if (attempts >= options.getMaxRetries()) {
                throw new IOException(
                        String.format(
                                "Giving up reading from ZooKeeper at '%s' after %d retries ('connection.max-retries').",
                                options.getHosts(), attempts),
                        cause);
            }
            attempts++;
            sleep(backoff(attempts));
            if (tryAwaitConnection()) {
                return attempts;
            }
        }
    }

    private long backoff(int attempt) {
        return ZooKeeperCalls.backoffMillis(
                options.getRetryBaseSleep().toMillis(),
                options.getRetryMaxSleep().toMillis(),
                attempt);
    }

    private boolean tryAwaitConnection() throws IOException {
        try {
            return client.getZookeeperClient().blockUntilConnectedOrTimedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for ZooKeeper", e);
        }
    }

    private ZooKeeper zooKeeper() throws IOException {
        return ZooKeeperCalls.handle(client, options);
    }

    private static CompletableFuture<List<OpResult>> multiAsync(ZooKeeper zk, List<Op> ops) {
        CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
        zk.multi(
                new ArrayList<>(ops),
                (rc, path, ctx, results) -> {
                    // For read multis the callback reports the first per-op error as rc but still
                    // hands over every result; only a missing result list is a failed request.
                    if (results != null && results.size() == ops.size()) {
                        f.complete(results);
                    } else {
                        f.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc)));
                    }
                },
                null);
        return f;
    }

    private List<OpResult> await(CompletableFuture<List<OpResult>> f)
            throws IOException, KeeperException {
        return ZooKeeperCalls.await(f, options);
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while backing off", e);
        }
    }
}
