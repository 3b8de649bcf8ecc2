package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

/** Argument checks that fail with a {@link IllegalArgumentException} and a formatted message. */
@Internal
public final class Preconditions {
    private Preconditions() {}

    public static void require(boolean condition, String messageFormat, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(messageFormat, args));
        }
    }
}
