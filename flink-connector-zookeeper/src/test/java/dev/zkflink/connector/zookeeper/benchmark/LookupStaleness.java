package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How stale a watched cache is: a running SQL job looks up the node of key 0 many times a second; a
 * plain client sets that node's data to a new value, one flip at a time, and each flip is timed
 * from the {@code setData} acknowledgement to the first lookup that returned the new value. The
 * anchor is the same flip seen by a separate plain client's persistent recursive watch on the
 * table's root: ZooKeeper's own delivery of the change, in the same run.
 */
final class LookupStaleness {
    private static final long FLIP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long POLL_NANOS = 50_000;

    private final LookupSqlJobs jobs;
    private final ZooKeeper writer;
    private final String hosts;
    private final LookupTree tree;
    private final int flips;
    private final int warmUp;
    private final int probesPerSecond;

    /** Filled by {@link #measure}: {median, p99} in ms, for the summary. */
    double[] staleMs;

    double[] watchMs;

    private double probesPerSecondSeen;

    LookupStaleness(
            LookupSqlJobs jobs,
            ZooKeeper writer,
            String hosts,
            LookupTree tree,
            int flips,
            int warmUp,
            int probesPerSecond) {
        this.jobs = jobs;
        this.writer = writer;
        this.hosts = hosts;
        this.tree = tree;
        this.flips = flips;
        this.warmUp = warmUp;
        this.probesPerSecond = probesPerSecond;
    }

    void measure(String label, String lookupOptions) throws Exception {
        String path = tree.path(0);
        AtomicLong watchNanos = new AtomicLong();
        ZooKeeper watcher = new ZooKeeper(hosts, 30_000, event -> {});
        long[] stale = new long[flips];
        long[] watch = new long[flips];
        long[] ack = new long[flips];
        long[] gap = new long[flips];
        long[] lastOld = new long[flips];
        long calls0 = 0;
        long measuredFrom = 0;
        try {
            watcher.addWatch(
                    tree.root,
                    event -> {
                        if (event.getType() == Watcher.Event.EventType.NodeDataChanged
                                && path.equals(event.getPath())) {
                            watchNanos.compareAndSet(0, System.nanoTime());
                        }
                    },
                    AddWatchMode.PERSISTENT_RECURSIVE);
            String first = value(-warmUp - 1);
            LookupProbes.FreshValue.expect(first);
            writer.setData(path, first.getBytes(StandardCharsets.UTF_8), -1);
            try (LookupSqlJobs.RunningJob job = jobs.probeKeyZero(lookupOptions, probesPerSecond)) {
                awaitSeen(TimeUnit.SECONDS.toNanos(120), "the job's first lookup of " + path);
                for (int i = -warmUp; i < flips; i++) {
                    if (i == 0) {
                        calls0 = LookupProbes.FreshValue.CALLS.get();
                        measuredFrom = System.nanoTime();
                    }
                    String v = value(i);
                    watchNanos.set(0);
                    long expected = System.nanoTime();
                    LookupProbes.FreshValue.expect(v);
                    long sent = System.nanoTime();
                    writer.setData(path, v.getBytes(StandardCharsets.UTF_8), -1);
                    long acked = System.nanoTime();
                    long seen = awaitSeen(FLIP_TIMEOUT_NANOS, "flip " + i + " of " + path);
                    long deadline = System.nanoTime() + FLIP_TIMEOUT_NANOS;
                    while (watchNanos.get() == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("no watch event for flip " + i);
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                    if (i >= 0) {
                        stale[i] = seen - acked;
                        watch[i] = watchNanos.get() - acked;
                        ack[i] = acked - sent;
                        long old = Math.max(expected, LookupProbes.FreshValue.LAST_OLD_NANOS.get());
                        gap[i] = seen - old;
                        lastOld[i] = old - acked;
                    }
                    Thread.sleep(2);
                }
                probesPerSecondSeen =
                        (LookupProbes.FreshValue.CALLS.get() - calls0)
                                / ((System.nanoTime() - measuredFrom) / 1e9);
            }
        } finally {
            watcher.close();
        }
        long[] added = new long[flips];
        int negative = 0;
        for (int i = 0; i < flips; i++) {
            added[i] = stale[i] - watch[i];
            negative += stale[i] < 0 ? 1 : 0;
        }
        staleMs = new double[] {ms(percentile(stale, 50)), ms(percentile(stale, 99))};
        watchMs = new double[] {ms(percentile(watch, 50)), ms(percentile(watch, 99))};
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Staleness, %s (%s), SQL job probing one key about %,d times/s, %d setData flips"
                        + " after %d unmeasured (a flip waits for both observers, then 2 ms):%n",
                label,
                lookupOptions,
                probesPerSecond,
                flips,
                warmUp);
        System.out.printf(
                Locale.ROOT,
                "  connector: setData ack -> first lookup returning the new value   %s%n",
                describe(stale));
        System.out.printf(
                Locale.ROOT,
                "  anchor: setData ack -> persistent recursive watch event (separate plain"
                        + " client)  %s%n",
                describe(watch));
        System.out.printf(
                Locale.ROOT,
                "  per flip, connector - anchor (what the cache adds to the event): %s%n",
                describe(added));
        System.out.printf(
                Locale.ROOT,
                "  (context: setData round trip %s; %d of %d flips were looked up before the"
                        + " writer's ack arrived)%n",
                describe(ack),
                negative,
                flips);
        System.out.printf(
                Locale.ROOT,
                "  (lower bound: setData ack -> last lookup still returning the old value: %s)%n",
                describe(lastOld));
        System.out.printf(
                Locale.ROOT,
                "  (the probe's resolution: first lookup with the new value - last lookup with the"
                        + " old one, per flip: %s; lookups made: %,.0f/s)%n",
                describe(gap),
                probesPerSecondSeen);
    }

    private static long awaitSeen(long timeoutNanos, String what) {
        long deadline = System.nanoTime() + timeoutNanos;
        long seen;
        while ((seen = LookupProbes.FreshValue.SEEN_NANOS.get()) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return seen;
    }

    /** A value of the tree's value length, different for every flip. */
    private String value(int flip) {
        StringBuilder s = new StringBuilder("flip-").append(flip).append('-');
        while (s.length() < tree.valueBytes) {
            s.append('v');
        }
        return s.toString();
    }

    private static String describe(long[] nanos) {
        return String.format(
                Locale.ROOT,
                "median %.2f ms, p99 %.2f ms [%.2f - %.2f]",
                ms(percentile(nanos, 50)),
                ms(percentile(nanos, 99)),
                ms(percentile(nanos, 0)),
                ms(percentile(nanos, 100)));
    }

    /** The nearest-rank percentile. */
    static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
