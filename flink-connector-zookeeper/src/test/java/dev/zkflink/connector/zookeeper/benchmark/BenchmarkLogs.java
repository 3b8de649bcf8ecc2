package dev.zkflink.connector.zookeeper.benchmark;

/** Sends the logs of a benchmark's JVM to stderr, so stdout holds only the report. */
final class BenchmarkLogs {
    private BenchmarkLogs() {}

    /** Call first in {@code main}, before anything logs; an explicit setting wins. */
    static void toStderr() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-benchmark.properties");
        }
    }
}
