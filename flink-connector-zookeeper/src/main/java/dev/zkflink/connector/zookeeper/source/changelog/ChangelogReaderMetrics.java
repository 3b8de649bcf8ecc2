package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Metrics a user can alert on, in the reader's group {@code zookeeper}: whether the session is
 * connected, how often it reconnected or was lost, how often the tree was re-read and diffed and
 * whether a walk is running, how long ago the last watch event arrived, how old the oldest event
 * whose node was not read yet is (the reader's lag), and how many row nodes the reader tracks.
 *
 * <p>It also keeps Flink's own {@code numRecordsIn} at the number of rows the reader emitted.
 * {@code SourceReaderBase} counts one record for every element it takes from a fetch, before the
 * emitter sees it, but a fetch of this reader holds observations, not rows: walk markers, nodes
 * found gone or unchanged emit nothing, and a delete can bring the deletes of the rows below it. So
 * the emitter takes that count back for each observation ({@link #observationTaken}) and counts
 * each row it emits ({@link #rowEmitted}). Both run on the task thread inside one {@code pollNext}:
 * a reporter can see the observation's own count only for that instant.
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
    private final Counter numRecordsIn;

    /** The metrics of a reader, counting emitted rows in the reader's {@code numRecordsIn}. */
    static ChangelogReaderMetrics of(SourceReaderMetricGroup readerGroup) {
        return new ChangelogReaderMetrics(
                readerGroup, readerGroup.getIOMetricGroup().getNumRecordsInCounter());
    }

    ChangelogReaderMetrics(MetricGroup readerGroup) {
        this(readerGroup, new SimpleCounter());
    }

    /**
     * @param numRecordsIn the counter {@code SourceReaderBase} increments for every element of a
     *     fetch
     */
    ChangelogReaderMetrics(MetricGroup readerGroup, Counter numRecordsIn) {
        this.numRecordsIn = numRecordsIn;
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

    /** The task thread took an observation from a fetch, which {@code SourceReaderBase} counted. */
    void observationTaken() {
        numRecordsIn.dec();
    }

    void rowEmitted() {
        numRecordsIn.inc();
    }
}
