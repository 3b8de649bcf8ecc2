package dev.zkflink.connector.zookeeper.benchmark;

import java.util.Arrays;
import java.util.Locale;

/**
 * Formats per-run ratios of the connector to its plain-client anchor, measured in the same run,
 * with their min/median/max and the goal, as one line that can be pasted into the docs.
 */
final class RatioLine {
    private RatioLine() {}

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** {@code ratio per run 0.71 0.69 0.80 | min 0.69 median 0.71 max 0.80 | goal >= 0.75 MET}. */
    static String format(double[] ratios, double goal) {
        StringBuilder runs = new StringBuilder();
        for (double r : ratios) {
            runs.append(String.format(Locale.ROOT, " %.2f", r));
        }
        double median = median(ratios);
        return String.format(
                Locale.ROOT,
                "ratio per run%s | min %.2f median %.2f max %.2f | goal >= %.2f: %s",
                runs,
                min(ratios),
                median,
                max(ratios),
                goal,
                median >= goal ? "met (median)" : "MISSED (median)");
    }

    /**
     * {@code ratio per run 0.71 0.69 0.80 | min 0.69 median 0.71 max 0.80}, for a ratio without a
     * goal.
     */
    static String withoutGoal(double[] ratios) {
        StringBuilder runs = new StringBuilder();
        for (double r : ratios) {
            runs.append(String.format(Locale.ROOT, " %.2f", r));
        }
        return String.format(
                Locale.ROOT,
                "ratio per run%s | min %.2f median %.2f max %.2f",
                runs,
                min(ratios),
                median(ratios),
                max(ratios));
    }

    static String rates(double[] perSecond) {
        return String.format(
                Locale.ROOT,
                "median %,.0f/s [%,.0f - %,.0f]",
                median(perSecond),
                min(perSecond),
                max(perSecond));
    }
}
