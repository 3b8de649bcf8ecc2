package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.BoundedClientClose;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.sink.SubtreeDeleter;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperWriteOptions;

import org.apache.flink.table.api.TableException;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * {@code TRUNCATE TABLE} and pushed-down {@code DELETE}: Flink runs them while planning, in the JVM
 * that plans the statement (SQL client, SQL gateway, the program's {@code TableEnvironment}), not
 * in a job. Each opens its own short-lived client, deletes subtrees with a {@link SubtreeDeleter}
 * (listings only, no node data is read) and closes the client within a bound.
 */
final class RowLevelDeletes {
    private static final Logger LOG = LoggerFactory.getLogger(RowLevelDeletes.class);

    private RowLevelDeletes() {}

    /** Deletes every row; the root stays, and so does {@code /zookeeper} under root {@code /}. */
    static long truncate(ZooKeeperWriteOptions options, ZNodeTreeLayout layout) {
        return run("TRUNCATE TABLE", options, layout, DeletePushDownPlan.allRows());
    }

    /** Deletes what the plan covers; returns the number of row nodes deleted. */
    static long delete(
            ZooKeeperWriteOptions options, ZNodeTreeLayout layout, DeletePushDownPlan plan) {
        return run("DELETE", options, layout, plan);
    }

    private static long run(
            String statement,
            ZooKeeperWriteOptions options,
            ZNodeTreeLayout layout,
            DeletePushDownPlan plan) {
        CuratorFramework client;
        try {
            client =
                    ZooKeeperClientFactory.open(
                            options.getConnection(),
                            SubtreeDeleter.clientResponseLimit(
                                    options.getConnection().getJuteMaxBuffer()));
        } catch (IOException e) {
            throw new TableException(
                    String.format(
                            "%s on the 'zookeeper' table at '%s' deleted nothing: %s",
                            statement, layout.getRootPath(), e.getMessage()),
                    e);
        }
        SubtreeDeleter deleter = new SubtreeDeleter(client, options, layout);
        try {
            if (plan.isAllRows()) {
                deleter.sweep((path, depth) -> SubtreeDeleter.Decision.DELETE);
            } else {
                deleter.deleteSubtrees(plan.subtrees());
            }
            LOG.info(
                    "{} on the table at '{}' ({}) deleted {} rows.",
                    statement,
                    layout.getRootPath(),
                    plan,
                    deleter.rowsDeleted());
            return deleter.rowsDeleted();
        } catch (IOException e) {
            throw new TableException(
                    String.format(
                            "%s on the 'zookeeper' table at '%s' failed after deleting %d rows;"
                                    + " what it deleted stays deleted (nothing is rolled back): %s",
                            statement, layout.getRootPath(), deleter.rowsDeleted(), e.getMessage()),
                    e);
        } finally {
            BoundedClientClose.close(client, "row-level-delete");
        }
    }
}
