package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans one round of batched reads so that its responses stay within a byte budget, and so bounds
 * what a reader holds whatever the node sizes.
 *
 * <p>The size of a read is known from the node's {@link Stat} when the reader has asked for it
 * (after a lost connection, see {@link ZNodeBatchReader}); otherwise it is estimated per kind of
 * read ({@code getData}, {@code getChildren}) from the sizes seen. An estimate starts at {@code
 * jute.maxbuffer}, rises at once to the largest size seen in a round and at most halves per round,
 * so a tree of small nodes reaches full rounds after a few short ones, and a tree of large nodes is
 * read a few nodes at a time.
 */
final class ZNodeReadBudget {
    /** Framing of a reply packet and of a multi response around its results. */
    static final int PACKET_FRAMING = 64;

    /** Per {@code getData} result: multi header (type, done, err), data length prefix, Stat. */
    static final int GET_DATA_OVERHEAD = 9 + 4 + 68;

    /** Per {@code getChildren} result: multi header and the list's length prefix. */
    static final int GET_CHILDREN_OVERHEAD = 9 + 4;

    /** The smallest child entry: a length prefix and a one-byte name. */
    static final int MIN_CHILD_ENTRY = 4 + 1;

    /** A child entry when only the number of children is known. */
    static final int TYPICAL_CHILD_ENTRY = 4 + 32;

    /**
     * Per op of a multi read request: its header (type, done, err), the path's length prefix and
     * the watch flag; the path's bytes come on top.
     */
    static final int OP_REQUEST_OVERHEAD = 9 + 4 + 1;

    private static final long MIN_ESTIMATE = 128;

    private final int batchSize;
    private final int maxInFlight;
    private final long roundBudget;
    private final long requestBudget;

    /**
     * What one request may carry itself: the server drops the connection of a request over {@code
     * jute.maxbuffer} (ConnectionLoss, again on every retry), so long paths cut requests too.
     */
    private final long requestSendLimit;

    private long dataEstimate;
    private long childrenEstimate;

    /** Estimates start at {@code juteMaxBuffer}, which also bounds a request's own bytes. */
    ZNodeReadBudget(int batchSize, int maxInFlight, int roundBudget, int juteMaxBuffer) {
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        this.roundBudget = roundBudget;
        this.requestBudget = Math.max(1, roundBudget / maxInFlight);
        this.requestSendLimit = Math.max(1, juteMaxBuffer - PACKET_FRAMING);
        this.dataEstimate = juteMaxBuffer;
        this.childrenEstimate = juteMaxBuffer;
    }

    /**
     * The requests of the next round: a prefix of {@code ops} (at least one op), cut into at most
     * {@code max-in-flight} requests of at most {@code batch-size} ops each.
     *
     * @param knownSizes response sizes by op index (from Stats), or -1 where unknown; may be null
     */
    List<List<Op>> plan(List<Op> ops, long[] knownSizes) {
        List<List<Op>> requests = new ArrayList<>();
        List<Op> request = new ArrayList<>();
        long requestBytes = 0;
        long requestSent = 0;
        long roundBytes = 0;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            long size = knownSizes != null && knownSizes[i] >= 0 ? knownSizes[i] : estimate(op);
            long sent = requestSize(op);
            if (!request.isEmpty()
                    && (request.size() >= batchSize
                            || requestBytes + size > requestBudget
                            || requestSent + sent > requestSendLimit)) {
                requests.add(request);
                request = new ArrayList<>();
                requestBytes = 0;
                requestSent = 0;
                if (requests.size() == maxInFlight) {
                    break;
                }
            }
            if (roundBytes > 0 && roundBytes + size > roundBudget) {
                break;
            }
            request.add(op);
            requestBytes += size;
            requestSent += sent;
            roundBytes += size;
        }
        if (!request.isEmpty()) {
            requests.add(request);
        }
        return requests;
    }

    /** Learns from a round's results. */
    void observe(List<Op> ops, List<OpResult> results) {
        long maxData = -1;
        long maxChildren = -1;
        for (int i = 0; i < results.size(); i++) {
            long size = responseSize(results.get(i));
            if (isGetChildren(ops.get(i))) {
                maxChildren = Math.max(maxChildren, size);
            } else {
                maxData = Math.max(maxData, size);
            }
        }
        if (maxData >= 0) {
            dataEstimate = next(dataEstimate, maxData);
        }
        if (maxChildren >= 0) {
            childrenEstimate = next(childrenEstimate, maxChildren);
        }
    }

    private static long next(long estimate, long seen) {
        return Math.max(MIN_ESTIMATE, Math.max(seen, estimate / 2));
    }

    long estimate(Op op) {
        return isGetChildren(op) ? childrenEstimate : dataEstimate;
    }

    /** The response size to plan with, from the node's Stat ({@code null}: the node is gone). */
    static long plannedSize(Op op, Stat stat) {
        if (stat == null) {
            return GET_CHILDREN_OVERHEAD;
        }
        return isGetChildren(op)
                ? GET_CHILDREN_OVERHEAD + (long) stat.getNumChildren() * TYPICAL_CHILD_ENTRY
                : GET_DATA_OVERHEAD + (long) stat.getDataLength();
    }

    /** The least the response can be, from the node's Stat: for a child list, one-byte names. */
    static long minimumSize(Op op, Stat stat) {
        if (stat == null) {
            return GET_CHILDREN_OVERHEAD;
        }
        return PACKET_FRAMING
                + (isGetChildren(op)
                        ? GET_CHILDREN_OVERHEAD + (long) stat.getNumChildren() * MIN_CHILD_ENTRY
                        : GET_DATA_OVERHEAD + (long) stat.getDataLength());
    }

    static long responseSize(OpResult r) {
        if (r instanceof OpResult.GetDataResult) {
            byte[] data = ((OpResult.GetDataResult) r).getData();
            return GET_DATA_OVERHEAD + (data == null ? 0 : data.length);
        }
        if (r instanceof OpResult.GetChildrenResult) {
            long size = GET_CHILDREN_OVERHEAD;
            for (String child : ((OpResult.GetChildrenResult) r).getChildren()) {
                size += 4 + ZooKeeperLimits.utf8Length(child);
            }
            return size;
        }
        return GET_CHILDREN_OVERHEAD; // an error result
    }

    /** The bytes {@code op} adds to the request that carries it. */
    static long requestSize(Op op) {
        return OP_REQUEST_OVERHEAD + ZooKeeperLimits.utf8Length(op.getPath());
    }

    static boolean isGetChildren(Op op) {
        return op.getType() == ZooDefs.OpCode.getChildren;
    }
}
