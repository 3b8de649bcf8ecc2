package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.table.functions.ScalarFunction;

import java.util.concurrent.atomic.AtomicLong;

/**
 * SQL functions applied to the value a lookup join returned, so the benchmark sees each joined row
 * as it leaves the join. The jobs run in this JVM's MiniCluster at parallelism 1, so the static
 * fields and {@link System#nanoTime()} are shared with the benchmark's own thread. Public, since
 * Flink's generated code names the function classes.
 */
public final class LookupProbes {
    private LookupProbes() {}

    /**
     * {@code row_clock(v)}: counts joined rows and their value characters, and notes when the first
     * and the last arrived, so a rate can leave out the job's start-up.
     */
    public static final class RowClock extends ScalarFunction {
        private static final long serialVersionUID = 1L;
        static final AtomicLong FIRST_NANOS = new AtomicLong();
        static final AtomicLong LAST_NANOS = new AtomicLong();
        static final AtomicLong ROWS = new AtomicLong();
        static final AtomicLong CHARS = new AtomicLong();

        static void reset() {
            FIRST_NANOS.set(0);
            LAST_NANOS.set(0);
            ROWS.set(0);
            CHARS.set(0);
        }

        /** Joined rows per second, first to last row. */
        static double rowsPerSecond() {
            return (ROWS.get() - 1) / ((LAST_NANOS.get() - FIRST_NANOS.get()) / 1e9);
        }

        public int eval(String v) {
            long now = System.nanoTime();
            FIRST_NANOS.compareAndSet(0, now);
            LAST_NANOS.set(now);
            ROWS.incrementAndGet();
            int length = v == null ? 0 : v.length();
            CHARS.addAndGet(length);
            return length;
        }
    }

    /**
     * {@code fresh_value(v)}: notes when a lookup first returned {@link #EXPECTED}; the benchmark
     * sets the expected value just before it writes it to ZooKeeper.
     */
    public static final class FreshValue extends ScalarFunction {
        private static final long serialVersionUID = 1L;
        static volatile String expected;
        static final AtomicLong SEEN_NANOS = new AtomicLong();

        /** The last lookup before {@link #SEEN_NANOS} that returned another value. */
        static final AtomicLong LAST_OLD_NANOS = new AtomicLong();

        static final AtomicLong CALLS = new AtomicLong();

        static void expect(String value) {
            SEEN_NANOS.set(0);
            LAST_OLD_NANOS.set(0);
            expected = value;
        }

        public int eval(String v) {
            String want = expected;
            long now = System.nanoTime();
            CALLS.incrementAndGet();
            if (v != null && v.equals(want)) {
                SEEN_NANOS.compareAndSet(0, now);
            } else if (SEEN_NANOS.get() == 0) {
                LAST_OLD_NANOS.set(now);
            }
            return v == null ? 0 : v.length();
        }
    }
}
