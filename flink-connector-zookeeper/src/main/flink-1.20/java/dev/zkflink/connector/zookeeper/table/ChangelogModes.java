package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.connector.ChangelogMode;

/**
 * The changelog modes whose factory methods differ per Flink API line.
 *
 * <p>Flink 1.20 shim (src/main/flink-1.20). The Flink 2.x copy (src/main/flink-2) has the same
 * methods.
 */
@Internal
public final class ChangelogModes {

    private ChangelogModes() {}

    /**
     * Upserts on the primary key whose deletes carry only the key. Flink 1.20 cannot be told that
     * deletes carry only the key (that came with 2.0), so this is plain upsert mode. The planner
     * then puts a ChangelogNormalize behind a live source, which keeps the last row of every key
     * and fills in full delete rows, and gives a sink whatever it needs.
     */
    public static ChangelogMode upsertWithKeyOnlyDeletes() {
        return ChangelogMode.upsert();
    }
}
