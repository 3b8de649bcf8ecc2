package dev.zkflink.connector.zookeeper.source.reader;

import org.apache.zookeeper.data.Stat;

import javax.annotation.Nullable;

/**
 * What a changelog reader saw, handed from the fetcher thread to the task thread, which diffs it
 * against the split's tracked nodes: a row node read (or found missing), or the end of a resync
 * walk.
 */
final class ZNodeObservation {
    final String relativePath;
    final byte[] data;
    @Nullable final Stat stat;

    /** The resync epoch when the read was issued; a resync end deletes what is older. */
    final long epoch;

    /** Read by a walk of the tree (not because of a watch event). */
    final boolean fromWalk;

    final boolean resyncEnd;

    private ZNodeObservation(
            String relativePath,
            byte[] data,
            @Nullable Stat stat,
            long epoch,
            boolean fromWalk,
            boolean resyncEnd) {
        this.relativePath = relativePath;
        this.data = data;
        this.stat = stat;
        this.epoch = epoch;
        this.fromWalk = fromWalk;
        this.resyncEnd = resyncEnd;
    }

    static ZNodeObservation present(
            String relativePath, byte[] data, Stat stat, long epoch, boolean fromWalk) {
        return new ZNodeObservation(relativePath, data, stat, epoch, fromWalk, false);
    }

    static ZNodeObservation absent(String relativePath, long epoch) {
        return new ZNodeObservation(relativePath, null, null, epoch, false, false);
    }

    static ZNodeObservation resyncEnd(long epoch) {
        return new ZNodeObservation("", null, null, epoch, true, true);
    }
}
