package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.Arrays;

/**
 * What a writer does when a conditional write meets another version than it expected ({@code
 * 'sink.version-conflict'}): fail naming the path and both versions, or drop the row, count it and
 * warn at most every {@link #WARN_INTERVAL_MS} with the number dropped since the last warning.
 */
final class VersionConflicts {
    private static final Logger LOG = LoggerFactory.getLogger(VersionConflicts.class);
    static final long WARN_INTERVAL_MS = 10_000;

    private final VersionConflictPolicy policy;
    private final ZNodeBatchWriter.WriteListener listener;

    /**
     * Set while a restored writer or committer may be writing again what the failed attempt had
     * written: a conflict then may be a replay of a write that another writer has changed since.
     * Failing on it would fail every restore from the same checkpoint, so it is skipped, counted
     * and logged whatever the policy.
     */
    private boolean replaying;

    private long lastWarnMs = Long.MIN_VALUE;
    private long unwarned;

    VersionConflicts(ZooKeeperWriteOptions options, ZNodeBatchWriter.WriteListener listener) {
        this.policy = options.getVersionConflict();
        this.listener = listener;
    }

    /**
     * Whether the node already shows this write: a conditional delete finds the node gone; a
     * conditional upsert finds the very next version holding its data. That is what a replay (a
     * retry after ConnectionLoss, a restore from a checkpoint) of a write that had succeeded sees.
     */
    static boolean alreadyApplied(
            ZNodeMutation m, @Nullable Stat actual, @Nullable byte[] actualData) {
        if (m.isDelete()) {
            return actual == null;
        }
        return actual != null
                && actual.getVersion() == m.getExpectedVersion() + 1
                && Arrays.equals(actualData, m.getData());
    }

    void setReplaying(boolean replaying) {
        this.replaying = replaying;
    }

    /** Throws under {@code fail}; under {@code skip} counts the row and maybe warns. */
    void onConflict(ZNodeMutation m, @Nullable Stat actual) throws IOException {
        String found =
                actual == null
                        ? "the node does not exist"
                        : "the node is at version " + actual.getVersion();
        if (replaying) {
            listener.versionConflictSkipped(m);
            LOG.warn(
                    "Version conflict on znode '{}' after a restore: the row expected version {},"
                            + " but {}. It may be a replay of a write the failed attempt had made and"
                            + " another writer changed since; skipped ('sink.version-conflict' is not"
                            + " applied until the first checkpoint after the restore).",
                    m.getPath(),
                    m.getExpectedVersion(),
                    found);
            return;
        }
        if (policy == VersionConflictPolicy.FAIL) {
            throw new IOException(
                    String.format(
                            "Version conflict on znode '%s': the row's %s expected data version %d,"
                                    + " but %s. Another writer changed the node after the row's"
                                    + " version was read. ('sink.version-conflict' = 'fail'; 'skip'"
                                    + " drops such rows and counts them in 'numVersionConflicts'.)",
                            m.getPath(),
                            m.isDelete() ? "delete" : "write",
                            m.getExpectedVersion(),
                            found));
        }
        listener.versionConflictSkipped(m);
        unwarned++;
        long now = System.currentTimeMillis();
        if (lastWarnMs == Long.MIN_VALUE || now - lastWarnMs >= WARN_INTERVAL_MS) {
            LOG.warn(
                    "Skipped {} conditional write(s) on a version conflict ('sink.version-conflict'"
                            + " = 'skip'); the latest: znode '{}' expected version {}, but {}.",
                    unwarned,
                    m.getPath(),
                    m.getExpectedVersion(),
                    found);
            lastWarnMs = now;
            unwarned = 0;
        }
    }
}
