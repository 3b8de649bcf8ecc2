package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.KeeperException;

import java.io.IOException;

/**
 * The one retry loop of the connector: run an attempt; on an error after which the outcome is
 * unknown and the connection comes back ({@link ZooKeeperCalls#isTransient}) back off and try
 * again, on any other error let the caller decide. How long and how often is the {@link BackOff}'s
 * business (a {@link RetryBudget} behind it), so no call retries without bound.
 */
@Internal
public final class RetryingCalls {
    private RetryingCalls() {}

    /** One attempt; a {@link KeeperException} is classified by the loop. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws IOException, KeeperException;
    }

    /** Waits before the next attempt, or throws once the budget is used up. */
    @FunctionalInterface
    public interface BackOff {
        void backOff(KeeperException transientError) throws IOException;
    }

    /** What a terminal error means: an answer after all (NONODE, say), or thrown as an error. */
    @FunctionalInterface
    public interface Terminal<T> {
        T onTerminal(KeeperException e) throws IOException;
    }

    /** Runs {@code attempt} until it succeeds, it meets a terminal error, or the budget ends. */
    public static <T> T retry(Attempt<T> attempt, BackOff backOff, Terminal<T> terminal)
            throws IOException {
        while (true) {
            try {
                return attempt.run();
            } catch (KeeperException e) {
                if (!ZooKeeperCalls.isTransient(e.code())) {
                    return terminal.onTerminal(e);
                }
                backOff.backOff(e);
            }
        }
    }
}
