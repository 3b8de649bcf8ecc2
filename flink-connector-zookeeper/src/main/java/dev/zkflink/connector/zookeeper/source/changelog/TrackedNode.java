package dev.zkflink.connector.zookeeper.source.changelog;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.data.Stat;

/**
 * What a changelog reader remembers about a row node it emitted: the zxids that tell an update or a
 * delete+recreate apart, and {@code mtime} so a delete still carries an event time.
 *
 * <p>{@code epoch} is not checkpointed: it records which resync last saw the node, so a resync can
 * delete exactly the nodes it did not see.
 */
@Internal
public final class TrackedNode {
    long czxid;
    long mzxid;
    long pzxid;
    long mtime;
    long epoch;

    public TrackedNode(long czxid, long mzxid, long pzxid, long mtime) {
        this.czxid = czxid;
        this.mzxid = mzxid;
        this.pzxid = pzxid;
        this.mtime = mtime;
    }

    public static TrackedNode of(Stat stat) {
        return new TrackedNode(stat.getCzxid(), stat.getMzxid(), stat.getPzxid(), stat.getMtime());
    }

    public void update(Stat stat) {
        czxid = stat.getCzxid();
        mzxid = stat.getMzxid();
        pzxid = stat.getPzxid();
        mtime = stat.getMtime();
    }

    public long getCzxid() {
        return czxid;
    }

    public long getMzxid() {
        return mzxid;
    }

    public long getPzxid() {
        return pzxid;
    }

    public long getMtime() {
        return mtime;
    }

    public long getEpoch() {
        return epoch;
    }

    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    /** The Stat a delete record carries: only the fields kept here are set. */
    public Stat toDeleteStat() {
        Stat stat = new Stat();
        stat.setCzxid(czxid);
        stat.setMzxid(mzxid);
        stat.setPzxid(pzxid);
        stat.setMtime(mtime);
        return stat;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrackedNode)) {
            return false;
        }
        TrackedNode that = (TrackedNode) o;
        return czxid == that.czxid
                && mzxid == that.mzxid
                && pzxid == that.pzxid
                && mtime == that.mtime;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(czxid) * 31 + Long.hashCode(mzxid);
    }

    @Override
    public String toString() {
        return "TrackedNode{czxid=" + czxid + ", mzxid=" + mzxid + ", pzxid=" + pzxid + "}";
    }
}
