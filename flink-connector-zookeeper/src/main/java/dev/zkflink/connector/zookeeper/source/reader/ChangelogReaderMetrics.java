package dev.zkflink.connector.zookeeper.source.reader;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Metrics a user can alert on, in the reader's group {@code zookeeper}: whether the session is
 * connected, how often it reconnected or was lost, how often the tree was re-read and diffed and
 * whether a walk is running, how long ago the last watch event arrived, how old the oldest event
 * whose node was not read yet is (the reader's lag), and how many row nodes the reader tracks.
 */
final class ChangelogReaderMetrics {
    static final String GROUP = "zookeeper";

    private volatile int connected;
    private volatile long lastEventMillis = System.currentTimeMillis();
    private volatile int pendingReads;
    private volatile int resyncInProgress;
    private volatile LongSupplier oldestUnreadEventSince = () -> 0;
    private final AtomicLong trackedNodes = new AtomicLong();
    private final Counter reconnects;
    private final Counter sessionsLost;
    private final Counter resyncs;

    ChangelogReaderMetrics(MetricGroup readerGroup) {
        MetricGroup group = readerGroup.addGroup(GROUP);
        group.gauge("connected", () -> connected);
        group.gauge("millisSinceLastEvent", () -> System.currentTimeMillis() - lastEventMillis);
        group.gauge("pendingReads", () -> pendingReads);
        group.gauge("resyncInProgress", () -> resyncInProgress);
        group.gauge(
                "oldestPendingEventAgeMillis",
                () -> {
                    long since = oldestUnreadEventSince.getAsLong();
                    return since == 0 ? 0L : Math.max(0L, System.currentTimeMillis() - since);
                });
        group.gauge("trackedNodes", trackedNodes::get);
        reconnects = group.counter("reconnects");
        sessionsLost = group.counter("sessionsLost");
        resyncs = group.counter("resyncs");
    }

    void connected(boolean value) {
        connected = value ? 1 : 0;
    }

    void reconnected() {
        reconnects.inc();
    }

    void sessionLost() {
        sessionsLost.inc();
    }

    void resyncStarted() {
        resyncs.inc();
    }

    void eventReceived() {
        lastEventMillis = System.currentTimeMillis();
    }

    void pendingReads(int n) {
        pendingReads = n;
    }

    void resyncInProgress(boolean value) {
        resyncInProgress = value ? 1 : 0;
    }

    /** Where the lag gauge reads the arrival time of the oldest unread event (0: none). */
    void oldestUnreadEventSince(LongSupplier source) {
        oldestUnreadEventSince = source;
    }

    void tracked(long delta) {
        trackedNodes.addAndGet(delta);
    }
}
