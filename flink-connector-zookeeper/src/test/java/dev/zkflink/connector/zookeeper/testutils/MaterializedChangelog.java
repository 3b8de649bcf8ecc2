package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.api.common.JobID;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test oracle's left side: consumes a running query's changelog in the background and keeps the
 * rows it describes, keyed by the first {@code keyArity} fields joined with '/'. An insert or
 * update-after sets a key, an update-before or delete removes it, and a change that does not fit
 * (an insert over an existing key, a delete of a missing key) is recorded as an inconsistency.
 */
public final class MaterializedChangelog implements AutoCloseable {
    private final int keyArity;
    private final JobID jobId;
    private final CloseableIterator<Row> rows;
    private final Map<String, List<Object>> table = new TreeMap<>();
    private final List<String> inconsistencies = new ArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final Thread consumer;
    private volatile Throwable failure;

    private MaterializedChangelog(TableResult result, int keyArity) {
        this.keyArity = keyArity;
        this.jobId = result.getJobClient().get().getJobID();
        this.rows = result.collect();
        this.consumer = new Thread(this::consume, "changelog-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    public static MaterializedChangelog of(TableResult result, int keyArity) {
        return new MaterializedChangelog(result, keyArity);
    }

    private void consume() {
        try {
            while (rows.hasNext()) {
                apply(rows.next());
            }
        } catch (Throwable t) {
            if (!Thread.currentThread().isInterrupted()) {
                failure = t;
            }
        }
    }

    private synchronized void apply(Row row) {
        changes.incrementAndGet();
        List<String> keyParts = new ArrayList<>();
        for (int i = 0; i < keyArity; i++) {
            keyParts.add(String.valueOf(row.getField(i)));
        }
        String key = String.join("/", keyParts);
        List<Object> values = new ArrayList<>();
        for (int i = keyArity; i < row.getArity(); i++) {
            values.add(row.getField(i));
        }
        RowKind kind = row.getKind();
        if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
            List<Object> previous = table.put(key, values);
            if (kind == RowKind.INSERT && previous != null && inconsistencies.size() < 20) {
                inconsistencies.add("insert over existing key " + key);
            }
        } else if (table.remove(key) == null && inconsistencies.size() < 20) {
            inconsistencies.add(kind + " of missing key " + key);
        }
    }

    public synchronized Map<String, List<Object>> current() {
        return new TreeMap<>(table);
    }

    public JobID jobId() {
        return jobId;
    }

    public long changes() {
        return changes.get();
    }

    public synchronized List<String> inconsistencies() {
        return new ArrayList<>(inconsistencies);
    }

    /**
     * Waits until the materialized rows equal {@code truth} (read afresh on every try), or fails
     * after {@code timeout} with the differences.
     */
    public void awaitEquals(Callable<Map<String, List<Object>>> truth, Duration timeout)
            throws Exception {
        String difference = pollUntilEqual(truth, this::current, timeout, this::assertNotFailed);
        if (difference != null) {
            throw new AssertionError(
                    "Materialized changelog differs from the tree after "
                            + timeout
                            + " ("
                            + changes()
                            + " changes consumed): "
                            + difference);
        }
        if (!inconsistencies().isEmpty()) {
            throw new AssertionError("Changelog is not a valid sequence: " + inconsistencies());
        }
    }

    /** Fails the test if the query failed. */
    public void assertNotFailed() {
        if (failure != null) {
            throw new AssertionError("The query failed", failure);
        }
    }

    /**
     * Reads both sides until they are equal or {@code timeout} passes; returns {@code null} once
     * they matched, otherwise the last difference.
     */
    public static String pollUntilEqual(
            Callable<Map<String, List<Object>>> truth,
            Callable<Map<String, List<Object>>> actual,
            Duration timeout,
            Runnable beforeEachTry)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, List<Object>> expected;
        Map<String, List<Object>> seen;
        do {
            beforeEachTry.run();
            expected = truth.call();
            seen = actual.call();
            if (expected.equals(seen)) {
                return null;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return diff(expected, seen);
    }

    static String diff(Map<String, List<Object>> expected, Map<String, List<Object>> actual) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (String key : new TreeSet<>(union(expected, actual))) {
            List<Object> e = expected.get(key);
            List<Object> a = actual.get(key);
            if (!Objects.equals(e, a) && shown++ < 15) {
                sb.append("\n  ")
                        .append(key)
                        .append(": tree=")
                        .append(e)
                        .append(" emitted=")
                        .append(a);
            }
        }
        sb.append("\n  (tree has ")
                .append(expected.size())
                .append(" rows, changelog ")
                .append(actual.size())
                .append(")");
        return sb.toString();
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    @Override
    public void close() throws Exception {
        consumer.interrupt();
        rows.close();
    }
}
