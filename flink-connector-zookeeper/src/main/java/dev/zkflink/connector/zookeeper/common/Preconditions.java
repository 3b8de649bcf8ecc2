package dev.zkflink.connector.zookeeper.common;

/** Argument checks that fail with a {@link IllegalArgumentException} and a formatted message. */
public final class Preconditions {
    private Preconditions() {}

    public static void require(boolean condition, String messageFormat, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(messageFormat, args));
        }
    }
}
