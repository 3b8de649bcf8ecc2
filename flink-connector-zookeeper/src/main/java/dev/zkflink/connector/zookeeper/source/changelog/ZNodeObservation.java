package dev.zkflink.connector.zookeeper.source.changelog;

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

    /**
     * Read again after the rows tracked below a deleted row were deleted downstream: such a row
     * must be inserted again, never recorded silently as part of a {@code latest} baseline.
     */
    final boolean reread;

    final boolean resyncStart;

    final boolean resyncEnd;

    /**
     * For a walk start: the newest zxid the session had seen after its {@code sync}, with the
     * shared watch in place (or -1 for other observations): the {@code latest} start point.
     */
    final long watchZxid;

    private ZNodeObservation(
            String relativePath,
            byte[] data,
            @Nullable Stat stat,
            long epoch,
            boolean fromWalk,
            boolean reread,
            boolean resyncStart,
            boolean resyncEnd,
            long watchZxid) {
        this.relativePath = relativePath;
        this.data = data;
        this.stat = stat;
        this.epoch = epoch;
        this.fromWalk = fromWalk;
        this.reread = reread;
        this.resyncStart = resyncStart;
        this.resyncEnd = resyncEnd;
        this.watchZxid = watchZxid;
    }

    static ZNodeObservation present(
            String relativePath, byte[] data, Stat stat, long epoch, boolean fromWalk) {
        return new ZNodeObservation(
                relativePath, data, stat, epoch, fromWalk, false, false, false, -1);
    }

    /** A row read again below a deleted row ({@link SubtreeRereads}). */
    static ZNodeObservation reread(String relativePath, byte[] data, Stat stat, long epoch) {
        return new ZNodeObservation(relativePath, data, stat, epoch, false, true, false, false, -1);
    }

    static ZNodeObservation absent(String relativePath, long epoch) {
        return new ZNodeObservation(
                relativePath, null, null, epoch, false, false, false, false, -1);
    }

    /** Precedes the rows of a walk, in every split the walk covers. */
    static ZNodeObservation resyncStart(long epoch, long watchZxid) {
        return new ZNodeObservation("", null, null, epoch, true, false, true, false, watchZxid);
    }

    static ZNodeObservation resyncEnd(long epoch) {
        return new ZNodeObservation("", null, null, epoch, true, false, false, true, -1);
    }
}
