package dev.zkflink.connector.zookeeper.source.reader;

import org.apache.zookeeper.data.Stat;

import javax.annotation.Nullable;

/**
 * What a changelog reader saw, handed from the fetcher thread to the task thread, which diffs it
 * against the split's tracked nodes: a row node read (or found missing), or the start or the end of
 * a resync walk.
 */
final class ZNodeObservation {
    final String relativePath;
    final byte[] data;
    @Nullable final Stat stat;

    /** The resync epoch when the read was issued; a resync end deletes what is older. */
    final long epoch;

    /** Read by a walk of the tree (not because of a watch event). */
    final boolean fromWalk;

    final boolean resyncStart;

    final boolean resyncEnd;

    /**
     * For a walk start: the newest zxid the session had seen before its watch was added (or -1 for
     * other observations). Changes with a higher zxid happened after the watch was asked for.
     */
    final long watchZxid;

    private ZNodeObservation(
            String relativePath,
            byte[] data,
            @Nullable Stat stat,
            long epoch,
            boolean fromWalk,
            boolean resyncStart,
            boolean resyncEnd,
            long watchZxid) {
        this.relativePath = relativePath;
        this.data = data;
        this.stat = stat;
        this.epoch = epoch;
        this.fromWalk = fromWalk;
        this.resyncStart = resyncStart;
        this.resyncEnd = resyncEnd;
        this.watchZxid = watchZxid;
    }

    static ZNodeObservation present(
            String relativePath, byte[] data, Stat stat, long epoch, boolean fromWalk) {
        return new ZNodeObservation(relativePath, data, stat, epoch, fromWalk, false, false, -1);
    }

    static ZNodeObservation absent(String relativePath, long epoch) {
        return new ZNodeObservation(relativePath, null, null, epoch, false, false, false, -1);
    }

    /** Precedes the rows of a walk, in every split the walk covers. */
    static ZNodeObservation resyncStart(long epoch, long watchZxid) {
        return new ZNodeObservation("", null, null, epoch, true, true, false, watchZxid);
    }

    static ZNodeObservation resyncEnd(long epoch) {
        return new ZNodeObservation("", null, null, epoch, true, false, true, -1);
    }
}
