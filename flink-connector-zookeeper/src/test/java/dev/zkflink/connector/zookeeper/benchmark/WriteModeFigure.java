package dev.zkflink.connector.zookeeper.benchmark;

import dev.zkflink.connector.zookeeper.benchmark.SqlThroughputRatios.Timed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One figure of {@link WriteModesBenchmark}: per run, the connector's net rate (rows / (statement
 * time - time of the same statement over a small input, run just before)) next to plain-client
 * anchors doing the same ZooKeeper work in the same run. The first anchor is the one the ratio in
 * the summary is taken against; the others are printed for reference.
 */
final class WriteModeFigure {
    private final String label;
    private final String title;
    private final int rows;
    private final int smallRows;
    private final String[] anchorLabels;
    private final double[] fixedSeconds;
    private final double[] grossSeconds;
    private final double[] net;
    private final double[][] anchorRates;
    private final double[][] cpuRatios;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param label the figure's name in the summary
     * @param rows rows of the measured statement
     * @param smallRows rows of the small statement its fixed cost is taken from
     */
    WriteModeFigure(
            String label, String title, int rows, int smallRows, int runs, String... anchorLabels) {
        this.label = label;
        this.title = title;
        this.rows = rows;
        this.smallRows = smallRows;
        this.anchorLabels = anchorLabels;
        this.fixedSeconds = new double[runs];
        this.grossSeconds = new double[runs];
        this.net = new double[runs];
        this.anchorRates = new double[anchorLabels.length][runs];
        this.cpuRatios = new double[anchorLabels.length][runs];
    }

    /** The run's small statement, measured statement and anchors, in the order of the labels. */
    void record(int run, Timed small, Timed statement, Timed... anchors) {
        double netSeconds = Math.max(1e-3, statement.seconds - small.seconds);
        int netRows = rows - smallRows;
        long netCpu = statement.cpuNanos - small.cpuNanos;
        // Below zero when the small statement happened to cost more: no figure, not a huge one.
        double netCpuPerRow = netCpu > 0 ? netCpu / (double) netRows : Double.NaN;
        fixedSeconds[run] = small.seconds;
        grossSeconds[run] = statement.seconds;
        net[run] = netRows / netSeconds;
        for (int a = 0; a < anchors.length; a++) {
            anchorRates[a][run] = rows / anchors[a].seconds;
            cpuRatios[a][run] = (anchors[a].cpuNanos / (double) rows) / netCpuPerRow;
        }
    }

    /** A line printed under the figure, for what was measured beside the rates. */
    void note(String line) {
        notes.add(line);
    }

    double medianRatio(int anchor) {
        return RatioLine.median(ratios(anchor));
    }

    private double[] ratios(int anchor) {
        double[] r = new double[net.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = net[i] / anchorRates[anchor][i];
        }
        return r;
    }

    void print() {
        System.out.println(title);
        System.out.printf(
                Locale.ROOT,
                "  statement over %,d rows: median %.2f s [%.2f - %.2f]; over %,d rows (fixed"
                        + " cost): median %.2f s [%.2f - %.2f]%n",
                rows,
                RatioLine.median(grossSeconds),
                RatioLine.min(grossSeconds),
                RatioLine.max(grossSeconds),
                smallRows,
                RatioLine.median(fixedSeconds),
                RatioLine.min(fixedSeconds),
                RatioLine.max(fixedSeconds));
        System.out.printf(Locale.ROOT, "  connector net  %s%n", RatioLine.rates(net));
        for (int a = 0; a < anchorLabels.length; a++) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-14s %s: %s%n",
                    a == 0 ? "anchor" : "reference",
                    RatioLine.rates(anchorRates[a]),
                    anchorLabels[a]);
            System.out.printf(
                    Locale.ROOT,
                    "    connector net / %s: %s; CPU per row, %s / connector: %s%n",
                    a == 0 ? "anchor" : "reference",
                    RatioLine.withoutGoal(ratios(a)),
                    a == 0 ? "anchor" : "reference",
                    cpuLine(cpuRatios[a]));
        }
        for (String line : notes) {
            System.out.println("  " + line);
        }
    }

    private static String cpuLine(double[] ratios) {
        return String.format(
                Locale.ROOT,
                "median %.2f [%.2f - %.2f]",
                RatioLine.median(ratios),
                RatioLine.min(ratios),
                RatioLine.max(ratios));
    }

    /**
     * Summary rows, one per anchor: figure, anchor, connector net, anchor rate, ratio (median and
     * range), CPU ratio.
     */
    List<String[]> summaryRows() {
        List<String[]> out = new ArrayList<>();
        for (int a = 0; a < anchorLabels.length; a++) {
            double[] r = ratios(a);
            out.add(
                    new String[] {
                        a == 0 ? label : "",
                        (a == 0 ? "" : "(ref.) ") + anchorLabels[a],
                        String.format(Locale.ROOT, "%,.0f/s", RatioLine.median(net)),
                        String.format(Locale.ROOT, "%,.0f/s", RatioLine.median(anchorRates[a])),
                        String.format(
                                Locale.ROOT,
                                "%.2f (%.2f - %.2f)",
                                RatioLine.median(r),
                                RatioLine.min(r),
                                RatioLine.max(r)),
                        String.format(Locale.ROOT, "%.2f", RatioLine.median(cpuRatios[a]))
                    });
        }
        return out;
    }
}
