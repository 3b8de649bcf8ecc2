package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.RetryBudget;
import dev.zkflink.connector.zookeeper.common.RetryingCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a writer may wait for ZooKeeper. Writes run on the task's mailbox thread, so every wait
 * here holds up checkpoints and cancellation: each call waits at most session plus connection
 * timeout, and a streak of transient failures ends after {@code sink.max-retries} retries or once
 * {@code sink.retry.timeout} has passed since the last write that succeeded, whichever comes first
 * (a {@link RetryBudget}). Every wait is interruptible, so a cancelled task leaves at once.
 */
final class WriteRetryBudget implements RetryingCalls.BackOff {
    private static final Logger LOG = LoggerFactory.getLogger(WriteRetryBudget.class);
    private static final long MAX_BACKOFF_MS = 10_000L;

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final long callTimeoutMs;
    private final RetryBudget budget;

    WriteRetryBudget(CuratorFramework client, ZooKeeperWriteOptions options) {
        this.client = client;
        this.options = options;
        this.callTimeoutMs =
                options.getConnection().getSessionTimeout().toMillis()
                        + options.getConnection().getConnectionTimeout().toMillis();
        long base = options.getRetryBackoff().toMillis();
        this.budget =
                new RetryBudget(
                        options.getMaxRetries(),
                        options.getRetryTimeout().toNanos(),
                        base,
                        Math.max(base, MAX_BACKOFF_MS));
    }

    /** A write succeeded, or a new flush starts: the budget is full again. */
    void progress() {
        budget.progress();
    }

    /** Waits for a call; no answer within the call timeout or the budget counts as one. */
    <T> T await(CompletableFuture<T> future) throws IOException, KeeperException {
        return ZooKeeperCalls.await(future, budget.callTimeoutMillis(callTimeoutMs));
    }

    /**
     * Records a transient failure and waits before the next attempt, or throws when the retries or
     * the time are used up.
     */
    @Override
    public void backOff(KeeperException cause) throws IOException {
        if (!budget.failed()) {
            throw exhausted(cause);
        }
        long sleep = budget.backoffMillis();
        LOG.warn(
                "Transient ZooKeeper error {} while writing to '{}'; retry {} of {} in {} ms.",
                cause.code(),
                options.getConnection().getHosts(),
                budget.failures(),
                options.getMaxRetries(),
                sleep);
        try {
            Thread.sleep(Math.max(0, sleep));
            long wait =
                    Math.min(
                            options.getConnection().getConnectionTimeout().toMillis(),
                            budget.remainingMillis());
            if (wait > 0) {
                client.blockUntilConnected((int) wait, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while backing off", e);
        }
    }

    private IOException exhausted(KeeperException cause) {
        return new IOException(
                String.format(
                        "Writing to ZooKeeper at '%s' failed: %d attempts in %d ms without a successful "
                                + "write, last %s; giving up ('sink.max-retries' = %d, "
                                + "'sink.retry.timeout' = %s).",
                        options.getConnection().getHosts(),
                        budget.failures(),
                        budget.millisSinceProgress(),
                        cause.code(),
                        options.getMaxRetries(),
                        options.getRetryTimeout()),
                cause);
    }
}
