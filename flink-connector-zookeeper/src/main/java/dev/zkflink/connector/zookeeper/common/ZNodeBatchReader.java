package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads many znodes with few round trips: read ops ({@code getData}, {@code getChildren}) are
 * grouped into {@code multi} read requests of up to {@code batchSize} ops, and up to {@code
 * maxInFlight} requests are pipelined in one round.
 *
 * <p><b>Memory.</b> A round is planned by {@link ZNodeReadBudget} to return at most {@link
 * ZooKeeperLimits#readRoundBudget} bytes, from the sizes seen so far, so a reader of large nodes
 * reads a few at a time and holds a few MiB, not {@code batchSize x maxInFlight} nodes.
 *
 * <p><b>Faults.</b> A response larger than the client's limit makes the client drop the connection:
 * that surfaces as ConnectionLoss, exactly like a network flap. So every transient failure counts
 * as one attempt against {@code connection.max-retries}. Before each retry the reader waits for the
 * connection and reads the Stats of the round's nodes ({@code exists}, a small response): it then
 * plans the round with their real sizes, and reports a node as too large, naming the path and
 * {@code properties.jute.maxbuffer}, only when its Stat proves that its response cannot fit. Total
 * time per round is bounded: at most {@code max-retries + 1} attempts, each of bounded waits.
 *
 * <p><b>Wake-ups.</b> {@link #readRound} ends at once with {@link ZooKeeperWakeUp.WokenUpException}
 * after {@link #wakeUp()}; it has returned nothing, so the caller repeats it later. {@link #read}
 * reads all its ops and is not woken.
 */
@Internal
public final class ZNodeBatchReader {
    private static final Logger LOG = LoggerFactory.getLogger(ZNodeBatchReader.class);
    private static final long CONNECTION_POLL_MS = 20;

    private final CuratorFramework client;
    private final ZooKeeperConnectionOptions options;
    private final int batchSize;
    private final int responseLimit;
    private final ZNodeReadBudget budget;
    private final ZooKeeperWakeUp wakeUp;
    private int maxRetries;
    private String retriesOption = "connection.max-retries";

    /**
     * A reader on a client opened with {@link ZooKeeperLimits#responseLimit responseLimit(
     * jute.maxbuffer, batchSize)}.
     */
    public ZNodeBatchReader(
            CuratorFramework client,
            ZooKeeperConnectionOptions options,
            int batchSize,
            int maxInFlight) {
        this(
                client,
                options,
                batchSize,
                maxInFlight,
                ZooKeeperLimits.responseLimit(options.getJuteMaxBuffer(), batchSize),
                new ZooKeeperWakeUp());
    }

    /**
     * @param responseLimit the {@code jute.maxbuffer} the client was opened with
     * @param wakeUp what cuts {@link #readRound} short
     */
    public ZNodeBatchReader(
            CuratorFramework client,
            ZooKeeperConnectionOptions options,
            int batchSize,
            int maxInFlight,
            int responseLimit,
            ZooKeeperWakeUp wakeUp) {
        this.client = client;
        this.options = options;
        this.batchSize = batchSize;
        this.responseLimit = responseLimit;
        int juteMaxBuffer = options.getJuteMaxBuffer();
        this.budget =
                new ZNodeReadBudget(
                        batchSize,
                        maxInFlight,
                        Math.min(responseLimit, ZooKeeperLimits.readRoundBudget(juteMaxBuffer)),
                        juteMaxBuffer);
        this.wakeUp = wakeUp;
        this.maxRetries = options.getMaxRetries();
    }

    /**
     * Retries a transient failure at most {@code maxRetries} times instead of {@code
     * connection.max-retries}; the give-up error names {@code option}. For lookups, whose retry
     * budget is {@code lookup.max-retries}.
     */
    public ZNodeBatchReader withRetries(int maxRetries, String option) {
        this.maxRetries = maxRetries;
        this.retriesOption = option;
        return this;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** Thread-safe: ends the current or the next {@link #readRound} at once. */
    public void wakeUp() {
        wakeUp.wakeUp();
    }

    /**
     * Reads all {@code ops}, in as many rounds as their sizes need. Results in the order of {@code
     * ops}; per-op failures come back as {@code ErrorResult}. Not cut short by {@link #wakeUp()}.
     */
    public List<OpResult> read(List<Op> ops) throws IOException {
        List<OpResult> results = new ArrayList<>(ops.size());
        while (results.size() < ops.size()) {
            results.addAll(round(ops.subList(results.size(), ops.size()), ZooKeeperWakeUp.NEVER));
        }
        return results;
    }

    /**
     * Reads one round: the results of a prefix of {@code ops} (at least one op), as many as fit the
     * round's byte budget. The caller reads the rest in later rounds.
     *
     * @throws ZooKeeperWakeUp.WokenUpException after {@link #wakeUp()}; nothing was read
     */
    public List<OpResult> readRound(List<Op> ops) throws IOException {
        return round(ops, wakeUp);
    }

    private List<OpResult> round(List<Op> ops, ZooKeeperWakeUp wake) throws IOException {
        wake.check();
        Round round = new Round(ops, wake);
        return RetryingCalls.retry(
                round::attempt,
                round::backOff,
                e -> {
                    throw new IOException(
                            "Reading znodes under '"
                                    + round.candidates.get(0).getPath()
                                    + "' failed: "
                                    + e,
                            e);
                });
    }

    /** One round's attempts: what is read, and what was learnt from the failed attempts. */
    private final class Round {
        private final ZooKeeperWakeUp wake;
        private final RetryBudget retries =
                new RetryBudget(
                        maxRetries,
                        RetryBudget.NO_TIME_LIMIT_NANOS,
                        options.getRetryBaseSleep().toMillis(),
                        options.getRetryMaxSleep().toMillis());
        private List<Op> candidates;
        private long[] sizes;
        private int planned = -1;

        Round(List<Op> ops, ZooKeeperWakeUp wake) {
            this.candidates = ops;
            this.wake = wake;
        }

        List<OpResult> attempt() throws IOException, KeeperException {
            if (retries.failures() > 0) {
                awaitConnection(wake);
                sizes = plannedSizes(candidates, wake);
            }
            List<List<Op>> requests = budget.plan(candidates, sizes);
            planned = 0;
            for (List<Op> request : requests) {
                planned += request.size();
            }
            List<OpResult> results = pipelined(requests, wake);
            budget.observe(candidates, results);
            return results;
        }

        void backOff(KeeperException e) throws IOException {
            if (planned > 0) {
                candidates = candidates.subList(0, planned); // retried with their real sizes
            }
            if (!retries.failed()) {
                throw giveUp(retries.failures() - 1, candidates, sizes, e);
            }
            LOG.warn(
                    "Read of {} znodes under '{}' hit {} (attempt {} of {}); retrying.",
                    candidates.size(),
                    candidates.get(0).getPath(),
                    e.code(),
                    retries.failures(),
                    maxRetries + 1);
            wake.sleep(retries.backoffMillis());
        }
    }

    private List<OpResult> pipelined(List<List<Op>> requests, ZooKeeperWakeUp wake)
            throws IOException, KeeperException {
        ZooKeeper zk = zooKeeper();
        List<CompletableFuture<List<OpResult>>> futures = new ArrayList<>(requests.size());
        for (List<Op> request : requests) {
            futures.add(multiAsync(zk, request));
        }
        int planned = 0;
        for (List<Op> request : requests) {
            planned += request.size();
        }
        List<OpResult> out = new ArrayList<>(planned);
        for (CompletableFuture<List<OpResult>> f : futures) {
            out.addAll(ZooKeeperCalls.await(f, options, wake));
        }
        return out;
    }

    /**
     * The response sizes of {@code ops} from their nodes' Stats, read with {@code exists}, whose
     * response is small whatever the node. Fails if one of them can never fit the client's limit.
     */
    private long[] plannedSizes(List<Op> ops, ZooKeeperWakeUp wake)
            throws IOException, KeeperException {
        ZooKeeper zk = zooKeeper();
        List<CompletableFuture<Stat>> futures = new ArrayList<>(ops.size());
        for (Op op : ops) {
            futures.add(ZooKeeperAsyncCalls.exists(zk, op.getPath()));
        }
        long[] sizes = new long[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Stat stat;
            try {
                stat = ZooKeeperCalls.await(futures.get(i), options, wake);
            } catch (KeeperException e) {
                if (ZooKeeperCalls.isTransient(e.code())) {
                    throw e;
                }
                sizes[i] = -1; // for example NOAUTH: the read itself reports it
                continue;
            }
            Op op = ops.get(i);
            if (ZNodeReadBudget.minimumSize(op, stat) > responseLimit) {
                throw responseTooLarge(op, stat);
            }
            sizes[i] = ZNodeReadBudget.plannedSize(op, stat);
        }
        return sizes;
    }

    private IOException responseTooLarge(Op op, Stat stat) {
        boolean children = ZNodeReadBudget.isGetChildren(op);
        long needed = ZNodeReadBudget.minimumSize(op, stat);
        long suggested =
                Math.max(
                        (long) options.getJuteMaxBuffer() * 2,
                        (needed * options.getJuteMaxBuffer() + responseLimit - 1) / responseLimit);
        return new IOException(
                String.format(
                        "%s('%s') cannot be read: its %s, so its response is at least %d bytes, "
                                + "more than this reader's response limit of %d bytes "
                                + "(%d times 'properties.jute.maxbuffer' = %d). "
                                + "Raise 'properties.jute.maxbuffer' for this table (for example to %d), "
                                + "and on the servers if the table is also written to.",
                        children ? "getChildren" : "getData",
                        op.getPath(),
                        children
                                ? "Stat has numChildren = " + stat.getNumChildren()
                                : "Stat has dataLength = " + stat.getDataLength(),
                        needed,
                        responseLimit,
                        Math.max(1, responseLimit / options.getJuteMaxBuffer()),
                        options.getJuteMaxBuffer(),
                        Math.min(Integer.MAX_VALUE - 1024L, suggested)));
    }

    private IOException giveUp(int retries, List<Op> ops, long[] sizes, KeeperException cause) {
        String hint = "";
        if (ops.size() == 1
                && ZNodeReadBudget.isGetChildren(ops.get(0))
                && sizes != null
                && sizes[0] >= responseLimit / 4) {
            // Its Stat shows many children: their names may well exceed the limit.
            hint =
                    String.format(
                            " getChildren('%s') may return more than this reader's response limit of"
                                    + " %d bytes: raise 'properties.jute.maxbuffer' for this table.",
                            ops.get(0).getPath(), responseLimit);
        }
        return new IOException(
                String.format(
                        "Giving up reading from ZooKeeper at '%s' after %d retries ('%s'): "
                                + "%s reading '%s'.%s",
                        options.getHosts(),
                        retries,
                        retriesOption,
                        cause.code(),
                        ops.get(0).getPath(),
                        hint),
                cause);
    }

    /** Waits up to {@code connection.timeout} for a connection; ConnectionLoss if none. */
    private void awaitConnection(ZooKeeperWakeUp wake) throws IOException, KeeperException {
        long deadline = System.currentTimeMillis() + options.getConnectionTimeout().toMillis();
        while (!client.getZookeeperClient().isConnected()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw KeeperException.create(KeeperException.Code.CONNECTIONLOSS);
            }
            wake.sleep(Math.min(CONNECTION_POLL_MS, left));
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
                                MissingServerFeature.of(
                                        KeeperException.Code.get(rc),
                                        "multi-read requests",
                                        ops.get(0).getPath()));
                    }
                },
                null);
        return f;
    }
}
