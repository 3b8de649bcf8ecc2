package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.util.function.LongSupplier;

/**
 * The bookkeeping of one streak of transient failures, without any I/O: how many there were, how
 * long since the last success, how long to back off before the next attempt and how long the next
 * call may wait. A streak ends after {@code maxRetries} retries or once {@code retryTimeout} has
 * passed since {@link #progress()}, whichever comes first; both bounds exist because a request that
 * ZooKeeper cannot answer (one over {@code jute.maxbuffer}) fails with ConnectionLoss forever.
 */
@Internal
public final class RetryBudget {
    /** For a caller bounded by its number of retries only. */
    public static final long NO_TIME_LIMIT_NANOS = Long.MAX_VALUE;

    private final int maxRetries;
    private final long retryTimeoutNanos;
    private final long baseSleepMs;
    private final long maxSleepMs;
    private final LongSupplier nanoClock;

    private long lastProgressNanos;
    private int failures;

    public RetryBudget(int maxRetries, long retryTimeoutNanos, long baseSleepMs, long maxSleepMs) {
        this(maxRetries, retryTimeoutNanos, baseSleepMs, maxSleepMs, System::nanoTime);
    }

    RetryBudget(
            int maxRetries,
            long retryTimeoutNanos,
            long baseSleepMs,
            long maxSleepMs,
            LongSupplier nanoClock) {
        this.maxRetries = maxRetries;
        this.retryTimeoutNanos = retryTimeoutNanos;
        this.baseSleepMs = baseSleepMs;
        this.maxSleepMs = maxSleepMs;
        this.nanoClock = nanoClock;
        this.lastProgressNanos = nanoClock.getAsLong();
    }

    /** A call succeeded, or a new unit of work starts: the budget is full again. */
    public void progress() {
        lastProgressNanos = nanoClock.getAsLong();
        failures = 0;
    }

    /** Counts a transient failure; returns whether another attempt is allowed. */
    public boolean failed() {
        failures++;
        return failures <= maxRetries && remainingMillis() > 0;
    }

    /** Transient failures since the last {@link #progress()}. */
    public int failures() {
        return failures;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** The sleep before the next attempt: exponential in the failures, within what is left. */
    public long backoffMillis() {
        return Math.min(
                ZooKeeperCalls.backoffMillis(baseSleepMs, maxSleepMs, failures), remainingMillis());
    }

    /** How long the next call may wait for its answer: {@code callTimeoutMs}, or what is left. */
    public long callTimeoutMillis(long callTimeoutMs) {
        return Math.max(1, Math.min(callTimeoutMs, remainingMillis()));
    }

    /** Time left before the streak ends, in ms; without a time limit, practically unbounded. */
    public long remainingMillis() {
        return (retryTimeoutNanos - (nanoClock.getAsLong() - lastProgressNanos)) / 1_000_000;
    }

    public long millisSinceProgress() {
        return (nanoClock.getAsLong() - lastProgressNanos) / 1_000_000;
    }
}
