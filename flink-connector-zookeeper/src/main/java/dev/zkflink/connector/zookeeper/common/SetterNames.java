package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rewrites the errors of the typed options builders, which name SQL options ({@code
 * 'sink.max-retries'}), so that they name the DataStream builder's setter instead ({@code
 * setMaxRetries(...)}). The rules stay in one place, the options builders; only the names change.
 */
@Internal
public final class SetterNames {
    private final Map<String, String> setterByOption = new LinkedHashMap<>();

    private SetterNames() {}

    public static SetterNames create() {
        return new SetterNames();
    }

    /**
     * Names {@code setter} wherever an error quotes {@code option}. Add longer phrases first: they
     * are replaced in the order they were added.
     */
    public SetterNames map(String option, String setter) {
        setterByOption.put(option, setter);
        return this;
    }

    /** Builds with {@code build}, rethrowing its {@link IllegalArgumentException} renamed. */
    public <T> T build(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rename(e.getMessage()), e);
        }
    }

    String rename(String message) {
        if (message == null) {
            return null;
        }
        String renamed = message;
        for (Map.Entry<String, String> e : setterByOption.entrySet()) {
            renamed = renamed.replace("'" + e.getKey() + "'", e.getValue());
        }
        return renamed;
    }
}
