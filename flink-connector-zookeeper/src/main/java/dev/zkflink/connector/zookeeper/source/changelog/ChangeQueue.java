package dev.zkflink.connector.zookeeper.source.changelog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The row paths a live reader must read, from ZooKeeper's event thread to the fetcher thread. Pure
 * bookkeeping, no I/O: events come in through {@link #offer}, the fetcher takes them in rounds
 * ({@link #takeRound}) and puts back what a round did not read ({@link #putBack}).
 *
 * <ul>
 *   <li>A path is queued only while it is not already pending, so under backpressure the queue
 *       holds at most one entry per row node, however many events arrive.
 *   <li>Several events on one node before its read collapse into one read; an event that arrives
 *       after the path left the queue queues it again, so it is read again.
 *   <li>Reads a round did not do (cut short by the byte budget, a wake-up, an error or a new
 *       session) are read first in the next round.
 * </ul>
 *
 * <p>Every path keeps the time its first unread event arrived, for the lag gauge.
 */
final class ChangeQueue {
    private static final Object WAKE_UP = new Object();

    private final LongSupplier clock;

    /** Row paths to read (and wake-ups), from ZooKeeper's event thread to the fetcher thread. */
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

    /** Paths in {@link #events}, with the time their first unread event arrived. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();

    /** Row paths to read, oldest event first, with the time that event arrived. */
    private final LinkedHashMap<String, Long> dirty = new LinkedHashMap<>();

    /**
     * Reads of the last round that were not done, read before {@link #dirty}. At most one round.
     */
    private LinkedHashMap<String, Long> retry = new LinkedHashMap<>();

    /** For the lag gauge: when the oldest event of the reads in progress, or in dirty, arrived. */
    private volatile long inFlightSince;

    private volatile long dirtySince;

    ChangeQueue() {
        this(System::currentTimeMillis);
    }

    ChangeQueue(LongSupplier clock) {
        this.clock = clock;
    }

    /** Any thread (ZooKeeper's event thread): {@code relativePath} changed, read it. */
    void offer(String relativePath) {
        if (pending.putIfAbsent(relativePath, clock.getAsLong()) == null) {
            events.add(relativePath);
        }
    }

    /** Any thread: ends a {@link #poll} wait. */
    void wakeUp() {
        events.add(WAKE_UP);
    }

    /**
     * Moves queued row paths into the dirty set, waiting up to {@code waitMs} for the first one. A
     * path leaves the pending set before its read is issued, so an event after this point queues it
     * again and it is read again.
     */
    void poll(long waitMs) throws IOException {
        try {
            Object first = waitMs > 0 ? events.poll(waitMs, TimeUnit.MILLISECONDS) : events.poll();
            if (first == null) {
                return;
            }
            List<Object> batch = new ArrayList<>();
            batch.add(first);
            events.drainTo(batch);
            for (Object o : batch) {
                if (o instanceof String) {
                    Long since = pending.remove(o);
                    if (!retry.containsKey(o)) {
                        dirty.putIfAbsent((String) o, since == null ? clock.getAsLong() : since);
                    }
                }
            }
            dirtySince = headTime(dirty);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for ZooKeeper events", e);
        }
    }

    boolean hasReadsToDo() {
        return !retry.isEmpty() || !dirty.isEmpty();
    }

    /** Reads to do: the retries and the dirty paths. */
    int size() {
        return retry.size() + dirty.size();
    }

    /**
     * The next round of reads, at most {@code max} paths but all retries of the last round, oldest
     * first, with their event times. Only when {@link #hasReadsToDo()}.
     */
    LinkedHashMap<String, Long> takeRound(int max) {
        LinkedHashMap<String, Long> round = retry;
        retry = new LinkedHashMap<>();
        Iterator<Map.Entry<String, Long>> it = dirty.entrySet().iterator();
        while (it.hasNext() && round.size() < max) {
            Map.Entry<String, Long> e = it.next();
            round.put(e.getKey(), e.getValue());
            it.remove();
        }
        inFlightSince = round.values().iterator().next();
        dirtySince = headTime(dirty);
        return round;
    }

    /** Keeps reads that must be done (again) for the next round, with their event times. */
    void putBack(LinkedHashMap<String, Long> notRead) {
        retry = notRead; // the round took all earlier retries, so nothing is dropped here
        inFlightSince = headTime(notRead);
    }

    /**
     * When the oldest watch event whose node has not been read yet arrived, or 0 if there is none.
     * Called by the metric reporter, so it only reads volatile or concurrent state.
     */
    long oldestUnreadEventSince() {
        long oldest = Long.MAX_VALUE;
        for (long t : new long[] {inFlightSince, dirtySince, queueHeadSince()}) {
            if (t > 0) {
                oldest = Math.min(oldest, t);
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    private long queueHeadSince() {
        Object head = events.peek();
        Long t = head instanceof String ? pending.get(head) : null;
        return t == null ? 0 : t;
    }

    private static long headTime(LinkedHashMap<String, Long> paths) {
        return paths.isEmpty() ? 0 : paths.values().iterator().next();
    }
}
