package dev.zkflink.connector.zookeeper.sink;

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
 * {@code sink.retry.timeout} has passed since the last write that succeeded, whichever comes first.
 * Every wait is interruptible, so a cancelled task leaves at once.
 */
final class WriteRetryBudget {
    private static final Logger LOG = LoggerFactory.getLogger(WriteRetryBudget.class);
    private static final long MAX_BACKOFF_MS = 10_000L;

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final long callTimeoutMs;
    private final long retryTimeoutNanos;

    private long lastProgressNanos = System.nanoTime();
    private int failures;

    WriteRetryBudget(CuratorFramework client, ZooKeeperWriteOptions options) {
        this.client = client;
        this.options = options;
        this.callTimeoutMs =
                options.getConnection().getSessionTimeout().toMillis()
                        + options.getConnection().getConnectionTimeout().toMillis();
        this.retryTimeoutNanos = options.getRetryTimeout().toNanos();
    }

    /** A write succeeded, or a new flush starts: the budget is full again. */
    void progress() {
        lastProgressNanos = System.nanoTime();
        failures = 0;
    }

    /** Waits for a call; no answer within the call timeout or the budget counts as one. */
    <T> T await(CompletableFuture<T> future) throws IOException, KeeperException {
        return ZooKeeperCalls.await(
                future, Math.max(1, Math.min(callTimeoutMs, remainingMillis())));
    }

    /**
     * Records a transient failure and waits before the next attempt, or throws when the retries or
     * the time are used up.
     */
    void backOff(KeeperException cause) throws IOException {
        failures++;
        if (failures > options.getMaxRetries() || remainingMillis() <= 0) {
            throw exhausted(cause);
        }
        long base = options.getRetryBackoff().toMillis();
        long sleep =
                Math.min(
                        ZooKeeperCalls.backoffMillis(
                                base, Math.max(base, MAX_BACKOFF_MS), failures),
                        remainingMillis());
        LOG.warn(
                "Transient ZooKeeper error {} while writing to '{}'; retry {} of {} in {} ms.",
                cause.code(),
                options.getConnection().getHosts(),
                failures,
                options.getMaxRetries(),
                sleep);
        try {
            Thread.sleep(Math.max(0, sleep));
            long wait =
                    Math.min(
                            options.getConnection().getConnectionTimeout().toMillis(),
                            remainingMillis());
            if (wait > 0) {
                client.blockUntilConnected((int) wait, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while backing off", e);
        }
    }

    private long remainingMillis() {
        return (retryTimeoutNanos - (System.nanoTime() - lastProgressNanos)) / 1_000_000;
    }

    private IOException exhausted(KeeperException cause) {
        long waitedMs = (System.nanoTime() - lastProgressNanos) / 1_000_000;
        return new IOException(
                String.format(
                        "Writing to ZooKeeper at '%s' failed: %d attempts in %d ms without a successful "
                                + "write, last %s; giving up ('sink.max-retries' = %d, "
                                + "'sink.retry.timeout' = %s).",
                        options.getConnection().getHosts(),
                        failures,
                        waitedMs,
                        cause.code(),
                        options.getMaxRetries(),
                        options.getRetryTimeout()),
                cause);
    }
}
