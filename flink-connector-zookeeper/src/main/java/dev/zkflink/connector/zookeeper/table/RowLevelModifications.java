package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.sink.ZNodeCreateMode;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.connector.sink.abilities.SupportsRowLevelDelete;
import org.apache.flink.table.connector.sink.abilities.SupportsRowLevelUpdate;

import java.util.Arrays;
import java.util.List;

/**
 * What {@code DELETE FROM t WHERE ...} and {@code UPDATE t SET ... WHERE ...} (batch) ask of a
 * zookeeper table, checked at planning. Flink scans the matching rows and hands the sink each as a
 * DELETE (deleted rows) or an UPDATE_AFTER (updated rows) with all of the table's columns, so a
 * persisted {@code version} metadata column carries the version each row was read at: the delete or
 * {@code setData} is then conditional on it, and a concurrent change is a version conflict ({@code
 * 'sink.version-conflict'}) instead of being overwritten.
 */
final class RowLevelModifications {
    private RowLevelModifications() {}

    static SupportsRowLevelDelete.RowLevelDeleteInfo delete(
            ZNodeCreateMode mode, ZNodeTreeLayout layout) {
        refuseSequential(mode, "DELETE");
        if (layout.getKeyMode() == KeyMode.RELATIVE_PATH) {
            throw new ValidationException(
                    "DELETE with a WHERE clause is not supported with 'key.mode' ="
                            + " 'relative-path': a row's node holds the rows below it, so deleting"
                            + " a matched row would delete rows the statement does not match. Use"
                            + " DELETE without WHERE or TRUNCATE TABLE for the whole table, or a"
                            + " changelog of DELETE rows (which delete subtrees).");
        }
        return new SupportsRowLevelDelete.RowLevelDeleteInfo() {
            @Override
            public SupportsRowLevelDelete.RowLevelDeleteMode getRowLevelDeleteMode() {
                return SupportsRowLevelDelete.RowLevelDeleteMode.DELETED_ROWS;
            }
        };
    }

    static SupportsRowLevelUpdate.RowLevelUpdateInfo update(
            ZNodeCreateMode mode, String[] keyNames, List<Column> updatedColumns) {
        refuseSequential(mode, "UPDATE");
        if (mode.isEphemeral()) {
            throw new ValidationException(
                    String.format(
                            "UPDATE is not supported with 'sink.create-mode' = '%s': the updated"
                                    + " nodes would become ephemeral nodes of the statement's own"
                                    + " session and vanish when it ends. Update them from the job"
                                    + " that owns them.",
                            mode));
        }
        List<String> keys = Arrays.asList(keyNames);
        for (Column c : updatedColumns) {
            if (keys.contains(c.getName())) {
                throw new ValidationException(
                        String.format(
                                "UPDATE cannot set the PRIMARY KEY column '%s': the key is the"
                                        + " node's path, and ZooKeeper cannot rename a node. DELETE"
                                        + " the row and INSERT it under the new key instead.",
                                c.getName()));
            }
        }
        return new SupportsRowLevelUpdate.RowLevelUpdateInfo() {
            @Override
            public SupportsRowLevelUpdate.RowLevelUpdateMode getRowLevelUpdateMode() {
                return SupportsRowLevelUpdate.RowLevelUpdateMode.UPDATED_ROWS;
            }
        };
    }

    private static void refuseSequential(ZNodeCreateMode mode, String statement) {
        if (mode.isSequential()) {
            throw new ValidationException(
                    String.format(
                            "%s is not supported with 'sink.create-mode' = '%s': the table is"
                                    + " insert-only, since every row creates a new node.",
                            statement, mode));
        }
    }
}
