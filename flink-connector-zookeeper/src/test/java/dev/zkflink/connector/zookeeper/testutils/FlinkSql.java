package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.runtime.util.EnvironmentInformation;

/** SQL that differs between the Flink versions the connector is built for. */
public final class FlinkSql {

    /**
     * {@code " ON CONFLICT DO DEDUPLICATE"} on Flink 2.3 and later, empty before. Flink 2.3 asks
     * for a conflict strategy when an insert-only query writes into a PRIMARY KEY table; earlier
     * versions have no such clause (their parser rejects it) and need none.
     */
    public static final String ON_CONFLICT_DEDUPLICATE =
            hasOnConflict(EnvironmentInformation.getVersion()) ? " ON CONFLICT DO DEDUPLICATE" : "";

    private FlinkSql() {}

    static boolean hasOnConflict(String flinkVersion) {
        String[] parts = flinkVersion.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
        return major > 2 || (major == 2 && minor >= 3);
    }
}
