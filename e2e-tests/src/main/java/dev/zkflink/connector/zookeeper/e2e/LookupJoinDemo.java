package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.framework.CuratorFramework;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The live part of the quickstart: while the streaming lookup join of {@code
 * examples/lookup-join.sql} runs, prints its first rows, flips {@code checkout/one-click-buy} with
 * a plain ZooKeeper client, and prints the rows until the flag's new value has shown twice; then
 * closes the query, which cancels the job.
 *
 * <p>Rows are read on a separate thread into a queue, so that every wait has a deadline even when
 * the job produces nothing.
 */
final class LookupJoinDemo implements QuickstartDemo.StreamingQuery {
    static final String FLIPPED_SERVICE = "checkout";
    static final String FLIPPED_FLAG = "one-click-buy";
    static final String FLIPPED_PATH =
            QuickstartDemo.FLAGS_PATH + "/" + FLIPPED_SERVICE + "/" + FLIPPED_FLAG;
    static final String FLIPPED_DATA = "{\"enabled\":true,\"rollout\":100,\"owner\":\"team-a\"}";

    static final int ROWS_BEFORE = 4;
    static final int CHANGED_ROWS_AFTER = 2; // "twice" in the output
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int QUEUE_CAPACITY = 1000;

    private final CuratorFramework client;
    private List<Row> before = Collections.emptyList();
    private List<Row> after = Collections.emptyList();

    LookupJoinDemo(CuratorFramework client) {
        this.client = client;
    }

    /** The rows printed before the flip. */
    List<Row> before() {
        return before;
    }

    /** The rows printed after the flip, the last of which show the new value. */
    List<Row> after() {
        return after;
    }

    @Override
    public List<Row> consume(List<String> columns, CloseableIterator<Row> rows, PrintStream out)
            throws Exception {
        int flag = column(columns, "flag");
        int enabled = column(columns, "enabled");
        RowQueue queue = new RowQueue(rows);
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<Row> first = new ArrayList<>();
            while (first.size() < ROWS_BEFORE) {
                first.add(queue.next(deadline, "the first " + ROWS_BEFORE + " rows"));
            }
            out.println("The first rows, before the flag changes:");
            QuickstartDemo.printTable(columns, first, out);

            out.println();
            out.println("While the job runs, a plain ZooKeeper client sets the flag:");
            out.println("  setData " + FLIPPED_PATH + " " + FLIPPED_DATA);
            client.setData().forPath(FLIPPED_PATH, FLIPPED_DATA.getBytes(StandardCharsets.UTF_8));

            deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<Row> next = new ArrayList<>();
            int changed = 0;
            while (changed < CHANGED_ROWS_AFTER) {
                Row row = queue.next(deadline, "rows that show the new value of " + FLIPPED_PATH);
                next.add(row);
                if (FLIPPED_FLAG.equals(row.getField(flag))
                        && Objects.equals(Boolean.TRUE, row.getField(enabled))) {
                    changed++;
                }
            }
            out.println();
            out.println(
                    "The next rows, until the new value has shown twice (the watch updated the"
                            + " FULL cache, no reload):");
            QuickstartDemo.printTable(columns, next, out);
            before = first;
            after = next;
            List<Row> all = new ArrayList<>(first);
            all.addAll(next);
            return all;
        } finally {
            queue.close();
            out.println();
            out.println("[INFO] Closed the query, which cancels the streaming job.");
        }
    }

    private static int column(List<String> columns, String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalStateException(
                    "The lookup join query has no column '" + name + "': " + columns);
        }
        return index;
    }

    /** Reads a query's rows on its own thread, so that the demo can wait for them with a limit. */
    private static final class RowQueue implements AutoCloseable {
        private static final Object END = new Object();

        private final CloseableIterator<Row> rows;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private final Thread reader;
        private volatile boolean closed;

        RowQueue(CloseableIterator<Row> rows) {
            this.rows = rows;
            this.reader = new Thread(this::read, "lookup-join-rows");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            Object last = END;
            try {
                while (rows.hasNext()) {
                    queue.put(rows.next());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                last = t;
            }
            if (!closed) {
                queue.offer(last);
            }
        }

        Row next(long deadlineNanos, String waitingFor) throws Exception {
            long left = deadlineNanos - System.nanoTime();
            Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                throw new IllegalStateException(
                        "The lookup join gave no "
                                + waitingFor
                                + " within "
                                + TIMEOUT.toSeconds()
                                + " s.");
            }
            if (next == END) {
                throw new IllegalStateException(
                        "The lookup join ended before it gave " + waitingFor + ".");
            }
            if (next instanceof Throwable) {
                throw new IllegalStateException("The lookup join failed.", (Throwable) next);
            }
            return (Row) next;
        }

        @Override
        public void close() throws Exception {
            closed = true;
            try {
                rows.close();
            } finally {
                reader.interrupt(); // in case it waits for room in the queue
            }
        }
    }
}
