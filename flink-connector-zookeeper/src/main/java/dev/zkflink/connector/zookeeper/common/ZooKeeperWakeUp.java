package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets another thread cut short the waits of a fetcher thread: answers from ZooKeeper, backoff
 * sleeps and waits for a connection. Flink calls {@code SplitReader.wakeUp()} to add splits or shut
 * down, and a read must not hold that up for session plus connection timeout.
 *
 * <p>A wake-up is sticky: one that arrives while no wait is in progress ends the next wait at once,
 * so a wake-up just before a fetch starts is not lost. A wait that ends this way throws {@link
 * WokenUpException} and consumes the wake-up; the read that was cut short can simply be repeated.
 */
@Internal
public final class ZooKeeperWakeUp {
    /** Never woken: for callers that cannot repeat their read. */
    public static final ZooKeeperWakeUp NEVER = new ZooKeeperWakeUp();

    private final AtomicReference<CompletableFuture<Void>> signal =
            new AtomicReference<>(new CompletableFuture<>());

    /** Thread-safe. Ends the current or the next wait of the fetcher thread. */
    public void wakeUp() {
        if (this != NEVER) {
            signal.get().complete(null);
        }
    }

    /** Throws (and consumes the wake-up) if woken since the last wait ended this way. */
    public void check() throws WokenUpException {
        CompletableFuture<Void> s = signal.get();
        if (s.isDone() && signal.compareAndSet(s, new CompletableFuture<>())) {
            throw new WokenUpException();
        }
    }

    /**
     * Waits up to {@code timeoutMs} for {@code future}.
     *
     * @throws TimeoutException if it is not done in time
     * @throws ExecutionException if it failed
     */
    public <T> T await(CompletableFuture<T> future, long timeoutMs)
            throws WokenUpException, TimeoutException, ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!future.isDone()) {
            check();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            try {
                CompletableFuture.anyOf(future, signal.get()).get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                break; // the future failed: reported below
            }
        }
        return future.get();
    }

    /** Sleeps {@code ms}, or less if woken. */
    public void sleep(long ms) throws IOException {
        try {
            check();
            signal.get().get(ms, TimeUnit.MILLISECONDS);
            check();
        } catch (TimeoutException e) {
            // slept the whole time
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // the signal never fails
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while backing off", e);
        }
    }

    /** A wait was cut short by {@link #wakeUp()}; nothing was lost, the read can be repeated. */
    public static final class WokenUpException extends IOException {
        private static final long serialVersionUID = 1L;

        WokenUpException() {
            super("Woken up while waiting for ZooKeeper");
        }
    }
}
