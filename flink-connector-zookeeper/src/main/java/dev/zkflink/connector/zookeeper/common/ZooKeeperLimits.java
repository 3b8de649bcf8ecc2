package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.util.Map;

/**
 * The one size limit ZooKeeper has: {@code jute.maxbuffer}. The server drops the connection on a
 * request above it and the client drops it on a response above its own value. Both end in
 * ConnectionLoss, never in a clear error, so the connector checks sizes itself.
 */
@Internal
public final class ZooKeeperLimits {
    public static final String JUTE_MAXBUFFER = "jute.maxbuffer";

    /** ZooKeeper's default for both client and server: 0xfffff bytes. */
    public static final int DEFAULT_JUTE_MAXBUFFER = 0xfffff;

    /** Room left in every request for headers, ACLs and multi framing. */
    public static final int REQUEST_OVERHEAD_RESERVE = 4 * 1024;

    /**
     * A writer's client accepts responses up to this many times {@code jute.maxbuffer}: listing the
     * children of a wide subtree that a DELETE removes must not end in ConnectionLoss.
     */
    public static final int WRITER_RESPONSE_FACTOR = 100;

    /**
     * A reader's client accepts responses up to this many times {@code jute.maxbuffer}, whatever
     * the batch size: a node's data is at most {@code jute.maxbuffer}, and this leaves room for the
     * child list of a parent with about a million children.
     */
    public static final int READER_RESPONSE_FACTOR = 16;

    /**
     * One round of a reader's pipelined requests is planned to return at most this many times
     * {@code jute.maxbuffer}, so a reader holds a few MiB of node data per fetch whatever the node
     * sizes, while rounds of small nodes stay full ({@code batch-size x max-in-flight} reads).
     */
    public static final int READ_ROUND_BUDGET_FACTOR = 4;

    private ZooKeeperLimits() {}

    /** The client-side response limit of a reader: {@link #READER_RESPONSE_FACTOR} times. */
    public static int readerResponseLimit(int juteMaxBuffer) {
        return capped((long) juteMaxBuffer * READER_RESPONSE_FACTOR);
    }

    /** The planned response size of one round of reads: {@link #READ_ROUND_BUDGET_FACTOR} times. */
    public static int readRoundBudget(int juteMaxBuffer) {
        return capped((long) juteMaxBuffer * READ_ROUND_BUDGET_FACTOR);
    }

    private static int capped(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE - 1024L, bytes);
    }

    /**
     * {@code juteMaxBuffer x (factor + 1)}, capped below 2 GiB. The sink's client limit; readers
     * use {@link #readerResponseLimit}, which does not grow with the batch size.
     */
    public static int responseLimit(int juteMaxBuffer, int factor) {
        return capped((long) juteMaxBuffer * (factor + 1L));
    }

    public static int juteMaxBuffer(Map<String, String> clientProperties) {
        String value = clientProperties.get(JUTE_MAXBUFFER);
        if (value == null) {
            return DEFAULT_JUTE_MAXBUFFER;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed <= REQUEST_OVERHEAD_RESERVE) {
                throw new IllegalArgumentException(
                        String.format(
                                "'properties.%s' must be greater than %d bytes, but was %s.",
                                JUTE_MAXBUFFER, REQUEST_OVERHEAD_RESERVE, value));
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "'properties.%s' must be a number of bytes, but was '%s'.",
                            JUTE_MAXBUFFER, value),
                    e);
        }
    }

    /**
     * The largest node data the connector sends for a node at {@code path}: the limit less the path
     * and a reserve for the request framing.
     */
    public static int maxDataBytes(int juteMaxBuffer, String path) {
        return juteMaxBuffer - REQUEST_OVERHEAD_RESERVE - utf8Length(path);
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
