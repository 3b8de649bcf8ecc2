package dev.zkflink.connector.zookeeper.common;

import java.util.Map;

/**
 * The one size limit ZooKeeper has: {@code jute.maxbuffer}. The server drops the connection on a
 * request above it and the client drops it on a response above its own value. Both end in
 * ConnectionLoss, never in a clear error, so the connector checks sizes itself.
 */
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

    private ZooKeeperLimits() {}

    /**
     * The client-side response limit for requests of {@code batchSize} reads of nodes of legal size
     * (each at most {@code juteMaxBuffer}), capped below 2 GiB.
     */
    public static int responseLimit(int juteMaxBuffer, int batchSize) {
        long needed = (long) juteMaxBuffer * (batchSize + 1L);
        return (int) Math.min(Integer.MAX_VALUE - 1024L, needed);
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
