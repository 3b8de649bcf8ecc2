package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.connector.ChangelogMode;

/**
 * The changelog modes whose factory methods differ per Flink API line.
 *
 * <p>Flink 2.x shim (src/main/flink-2). The Flink 1.20 copy (src/main/flink-1.20) has the same
 * methods.
 */
@Internal
public final class ChangelogModes {

    private ChangelogModes() {}

    /**
     * Upserts on the primary key whose deletes carry only the key. Flink 2.x can be told so ({@code
     * upsert(true)}) and then needs no full delete rows.
     */
    public static ChangelogMode upsertWithKeyOnlyDeletes() {
        return ChangelogMode.upsert(true);
    }
}
