package dev.zkflink.connector.zookeeper.benchmark;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.functions.LookupFunction;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Cached lookups at the function level and the heap of a FULL cache. The connector's own {@link
 * LookupFunction} (see {@link LookupFunctions}) is called on this thread, next to a plain {@code
 * HashMap<String, RowData>} of the same rows looked up with the same keys in the same loop; and the
 * used heap after GC with the FULL cache loaded, next to the raw bytes of each row and a plain
 * client's {@code HashMap<String, byte[]>} of path to data.
 */
final class CachedLookupFigures {
    static final double LOOKUPS_GOAL = 1_000_000;
    private static final int HEAP_SAMPLES = 2;

    private final LookupTree tree;
    private final Map<String, String> table = new LinkedHashMap<>();
    private final int runs;

    /** Lookups per second of this thread's CPU time in the last loop. */
    private double lastCpuRate;

    /** Filled by {@link #run}: the median figures, for the summary. */
    double fullPerSecond;

    double partialPerSecond;
    double anchorPerSecond;
    double fullPerCpuSecond;
    double partialPerCpuSecond;
    double anchorPerCpuSecond;
    double heapPerRow;
    double rawPerRow;
    double plainMapPerRow;

    CachedLookupFigures(String hosts, LookupTree tree, int runs) {
        this.tree = tree;
        this.runs = runs;
        table.put("connector", "zookeeper");
        table.put("hosts", hosts);
        table.put("path", tree.root);
    }

    void run(int keyCount, long lookups) throws Exception {
        keyCount = Math.min(keyCount, tree.rows);
        RowData[] keys = new RowData[keyCount];
        String[] keyStrings = new String[keyCount];
        int stride = tree.rows / keyCount;
        for (int j = 0; j < keyCount; j++) {
            int k = j * stride;
            keys[j] = binaryKey(tree.parentOf(k), Integer.toString(k));
            keyStrings[j] = tree.relative(k);
        }
        int[] order = shuffled(keyCount);

        Map<String, String> partialOptions = new LinkedHashMap<>(table);
        partialOptions.put("lookup.cache", "PARTIAL");
        partialOptions.put("lookup.partial-cache.expire-after-write", "1h");
        partialOptions.put("lookup.partial-cache.max-rows", Integer.toString(2 * keyCount));
        // Opened first: its session is the one the FULL cache then shares, so the heap delta
        // below is the FULL cache's rows, not a new client.
        LookupFunction partial = LookupFunctions.open(partialOptions);
        long warm = System.nanoTime();
        for (RowData key : keys) {
            requireOne(partial.lookup(key), key);
        }
        double warmSeconds = (System.nanoTime() - warm) / 1e9;

        Map<String, String> fullOptions = new LinkedHashMap<>(table);
        fullOptions.put("lookup.cache", "FULL");
        LookupFunction full = null;
        long[] deltas = new long[HEAP_SAMPLES];
        double[] loadSeconds = new double[HEAP_SAMPLES];
        for (int s = 0; s < HEAP_SAMPLES; s++) {
            if (full != null) {
                full.close();
            }
            long before = usedHeapAfterGc();
            long start = System.nanoTime();
            full = LookupFunctions.open(fullOptions);
            requireOne(full.lookup(keys[0]), keys[0]); // waits for the load
            loadSeconds[s] = (System.nanoTime() - start) / 1e9;
            deltas[s] = usedHeapAfterGc() - before;
        }
        long plainMapDelta = plainClientMapHeap();
        long rawBytes = 0;
        for (int k = 0; k < tree.rows; k++) {
            rawBytes += tree.relative(k).getBytes(StandardCharsets.UTF_8).length + tree.valueBytes;
        }

        Map<String, RowData> anchor = new HashMap<>();
        for (int j = 0; j < keyCount; j++) {
            anchor.put(keyStrings[j], full.lookup(keys[j]).iterator().next());
        }

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Cached lookups per second, one thread, function level: %s.lookup(key row) of"
                        + " the connector (made by the table factory and getLookupRuntimeProvider,"
                        + " as the planner does), %,d lookups per run over %,d keys (every %,d-th"
                        + " row) in a shuffled order, binary key rows as Flink passes them; %d runs"
                        + " after one warm-up run, each variant in turn:%n",
                full.getClass().getSimpleName(),
                lookups,
                keyCount,
                stride,
                runs);
        double[][] rates = new double[4][runs];
        double[][] cpuRates = new double[3][runs];
        for (int r = -1; r < runs; r++) {
            double f = lookupsPerSecond(full, keys, order, lookups);
            double fCpu = lastCpuRate;
            double p = lookupsPerSecond(partial, keys, order, lookups);
            double pCpu = lastCpuRate;
            double built = mapPerSecond(anchor, keys, order, lookups);
            double builtCpu = lastCpuRate;
            double plain = mapPerSecond(anchor, keyStrings, order, lookups);
            if (r >= 0) {
                rates[0][r] = f;
                rates[1][r] = p;
                rates[2][r] = built;
                rates[3][r] = plain;
                cpuRates[0][r] = fCpu;
                cpuRates[1][r] = pCpu;
                cpuRates[2][r] = builtCpu;
            }
        }
        fullPerSecond = RatioLine.median(rates[0]);
        partialPerSecond = RatioLine.median(rates[1]);
        anchorPerSecond = RatioLine.median(rates[2]);
        fullPerCpuSecond = RatioLine.median(cpuRates[0]);
        partialPerCpuSecond = RatioLine.median(cpuRates[1]);
        anchorPerCpuSecond = RatioLine.median(cpuRates[2]);
        System.out.printf(
                Locale.ROOT,
                "  connector, FULL                                  %s%n",
                RatioLine.rates(rates[0]));
        System.out.printf(
                Locale.ROOT,
                "  connector, PARTIAL, all hits                     %s (%,d keys loaded in %.2f"
                        + " s first)%n",
                RatioLine.rates(rates[1]),
                keyCount,
                warmSeconds);
        System.out.printf(
                Locale.ROOT,
                "  anchor: HashMap<String,RowData>.get, key string built from the key row"
                        + "  %s%n",
                RatioLine.rates(rates[2]));
        System.out.printf(
                Locale.ROOT,
                "  (HashMap.get of a prebuilt String key, the map alone: %s)%n",
                RatioLine.rates(rates[3]));
        System.out.printf(
                Locale.ROOT,
                "  per second of this thread's CPU time (less disturbed by other load): FULL %s;"
                        + " PARTIAL %s; anchor %s%n",
                RatioLine.rates(cpuRates[0]),
                RatioLine.rates(cpuRates[1]),
                RatioLine.rates(cpuRates[2]));
        System.out.printf(
                Locale.ROOT,
                "  FULL / anchor: %s%n",
                RatioLine.withoutGoal(ratios(rates[0], rates[2])));
        System.out.printf(
                Locale.ROOT,
                "  PARTIAL / anchor: %s%n",
                RatioLine.withoutGoal(ratios(rates[1], rates[2])));
        System.out.printf(
                Locale.ROOT,
                "  goal >= %,.0f lookups/s per subtask: FULL %s, PARTIAL %s (medians, wall"
                        + " clock); per CPU second FULL %s, PARTIAL %s%n",
                LOOKUPS_GOAL,
                fullPerSecond >= LOOKUPS_GOAL ? "met" : "MISSED",
                partialPerSecond >= LOOKUPS_GOAL ? "met" : "MISSED",
                fullPerCpuSecond >= LOOKUPS_GOAL ? "met" : "MISSED",
                partialPerCpuSecond >= LOOKUPS_GOAL ? "met" : "MISSED");

        Arrays.sort(deltas);
        heapPerRow = (double) deltas[0] / tree.rows;
        rawPerRow = (double) rawBytes / tree.rows;
        plainMapPerRow = (double) plainMapDelta / tree.rows;
        StringBuilder samples = new StringBuilder();
        for (int s = 0; s < HEAP_SAMPLES; s++) {
            samples.append(
                    String.format(
                            Locale.ROOT,
                            "%s%.0f B (load %.2f s)",
                            s == 0 ? "" : ", ",
                            (double) deltas[s] / tree.rows,
                            loadSeconds[s]));
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "Heap of the FULL cache holding %,d rows: used heap after GC (MemoryMXBean, 3 x"
                        + " System.gc()) with the cache loaded minus before it was opened, on an open"
                        + " session:%n",
                tree.rows);
        System.out.printf(
                Locale.ROOT,
                "  connector, FULL                                  %.0f bytes/row (least of %d"
                        + " loads: %s)%n",
                heapPerRow,
                HEAP_SAMPLES,
                samples);
        System.out.printf(
                Locale.ROOT,
                "  anchor: raw bytes, relative path (UTF-8) + data  %.0f bytes/row%n",
                rawPerRow);
        System.out.printf(
                Locale.ROOT,
                "  (a plain client's HashMap<String,byte[]> of relative path -> data, measured the"
                        + " same way: %.0f bytes/row)%n",
                plainMapPerRow);
        System.out.printf(
                Locale.ROOT,
                "  FULL / raw: %.2f; FULL / plain map: %.2f%n",
                heapPerRow / rawPerRow,
                heapPerRow / plainMapPerRow);
        full.close();
        partial.close();
    }

    private long plainClientMapHeap() throws Exception {
        long before = usedHeapAfterGc();
        byte[] value = tree.value();
        Map<String, byte[]> map = new HashMap<>();
        for (int k = 0; k < tree.rows; k++) {
            map.put(tree.relative(k), value.clone());
        }
        long delta = usedHeapAfterGc() - before;
        Reference.reachabilityFence(map);
        return delta;
    }

    private double lookupsPerSecond(
            LookupFunction function, RowData[] keys, int[] order, long lookups) throws Exception {
        long found = 0;
        int next = 0;
        long cpu = threadCpuNanos();
        long start = System.nanoTime();
        for (long i = 0; i < lookups; i++) {
            Collection<RowData> rows = function.lookup(keys[order[next]]);
            found += rows.size();
            if (++next == order.length) {
                next = 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        lastCpuRate = lookups / ((threadCpuNanos() - cpu) / 1e9);
        requireAll(found, lookups);
        return lookups / seconds;
    }

    /** A minimal hand-written cached lookup: the key row's fields joined, then the map. */
    private double mapPerSecond(
            Map<String, RowData> map, RowData[] keys, int[] order, long lookups) {
        long found = 0;
        int next = 0;
        long cpu = threadCpuNanos();
        long start = System.nanoTime();
        for (long i = 0; i < lookups; i++) {
            RowData key = keys[order[next]];
            RowData row = map.get(key.getString(0).toString() + "/" + key.getString(1).toString());
            found += row == null ? 0 : 1;
            if (++next == order.length) {
                next = 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        lastCpuRate = lookups / ((threadCpuNanos() - cpu) / 1e9);
        requireAll(found, lookups);
        return lookups / seconds;
    }

    private double mapPerSecond(
            Map<String, RowData> map, String[] keys, int[] order, long lookups) {
        long found = 0;
        int next = 0;
        long cpu = threadCpuNanos();
        long start = System.nanoTime();
        for (long i = 0; i < lookups; i++) {
            RowData row = map.get(keys[order[next]]);
            found += row == null ? 0 : 1;
            if (++next == order.length) {
                next = 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        lastCpuRate = lookups / ((threadCpuNanos() - cpu) / 1e9);
        requireAll(found, lookups);
        return lookups / seconds;
    }

    private static void requireAll(long found, long lookups) {
        if (found != lookups) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "found %,d rows for %,d lookups", found, lookups));
        }
    }

    private static void requireOne(Collection<RowData> rows, RowData key) {
        if (rows.size() != 1) {
            throw new IllegalStateException(
                    "lookup of ("
                            + key.getString(0)
                            + ", "
                            + key.getString(1)
                            + ") found "
                            + rows.size()
                            + " rows");
        }
    }

    /** A key row as Flink's runtime hands it over: binary, decoded on each {@code getString}. */
    private static RowData binaryKey(String p, String n) {
        BinaryRowData row = new BinaryRowData(2);
        BinaryRowWriter writer = new BinaryRowWriter(row);
        writer.writeString(0, StringData.fromString(p));
        writer.writeString(1, StringData.fromString(n));
        writer.complete();
        return row;
    }

    private static int[] shuffled(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(42);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / b[i];
        }
        return out;
    }

    private static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Used heap after three full GCs, 100 ms apart. */
    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
