package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.table.lookup.ZooKeeperLookupOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.source.lookup.LookupOptions;
import org.apache.flink.table.connector.source.lookup.LookupOptions.LookupCacheType;
import org.apache.flink.table.connector.source.lookup.LookupOptions.ReloadStrategy;
import org.apache.flink.table.connector.source.lookup.cache.trigger.CacheReloadTrigger;
import org.apache.flink.table.connector.source.lookup.cache.trigger.PeriodicCacheReloadTrigger;
import org.apache.flink.table.connector.source.lookup.cache.trigger.TimedCacheReloadTrigger;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.apache.flink.util.Preconditions.checkArgument;

/** The {@code lookup.*} options: Flink's own {@link LookupOptions} plus the connector's two. */
final class ZooKeeperLookupOptionsFactory {
    private ZooKeeperLookupOptionsFactory() {}

    static Set<ConfigOption<?>> options() {
        return new LinkedHashSet<>(
                Arrays.asList(
                        LookupOptions.CACHE_TYPE,
                        LookupOptions.MAX_RETRIES,
                        LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_ACCESS,
                        LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_WRITE,
                        LookupOptions.PARTIAL_CACHE_MAX_ROWS,
                        LookupOptions.PARTIAL_CACHE_CACHE_MISSING_KEY,
                        LookupOptions.FULL_CACHE_RELOAD_STRATEGY,
                        LookupOptions.FULL_CACHE_PERIODIC_RELOAD_INTERVAL,
                        LookupOptions.FULL_CACHE_PERIODIC_RELOAD_SCHEDULE_MODE,
                        LookupOptions.FULL_CACHE_TIMED_RELOAD_ISO_TIME,
                        LookupOptions.FULL_CACHE_TIMED_RELOAD_INTERVAL_IN_DAYS,
                        ZooKeeperConnectorOptions.LOOKUP_ASYNC,
                        ZooKeeperConnectorOptions.LOOKUP_CACHE_WATCH));
    }

    static ZooKeeperLookupOptions from(ReadableConfig config) {
        LookupCacheType cache = config.get(LookupOptions.CACHE_TYPE);
        boolean watch = config.get(ZooKeeperConnectorOptions.LOOKUP_CACHE_WATCH);
        boolean reloadSet =
                config.getOptional(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_INTERVAL).isPresent()
                        || config.getOptional(LookupOptions.FULL_CACHE_TIMED_RELOAD_ISO_TIME)
                                .isPresent();
        checkArgument(
                !(cache == LookupCacheType.FULL && watch && reloadSet),
                "'lookup.full-cache.periodic-reload.interval' and"
                        + " 'lookup.full-cache.timed-reload.iso-time' have no effect while"
                        + " 'lookup.cache.watch' = 'true': the watch keeps the FULL cache current."
                        + " Remove them, or set 'lookup.cache.watch' = 'false' to reload instead.");
        return ZooKeeperLookupOptions.builder()
                .setCache(cache)
                .setMaxRetries(config.get(LookupOptions.MAX_RETRIES))
                .setExpireAfterAccess(
                        config.getOptional(LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_ACCESS)
                                .orElse(null))
                .setExpireAfterWrite(
                        config.getOptional(LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_WRITE)
                                .orElse(null))
                .setMaxRows(config.getOptional(LookupOptions.PARTIAL_CACHE_MAX_ROWS).orElse(null))
                .setCacheMissingKey(config.get(LookupOptions.PARTIAL_CACHE_CACHE_MISSING_KEY))
                .setAsync(config.get(ZooKeeperConnectorOptions.LOOKUP_ASYNC))
                .setWatch(watch)
                .setReloadTrigger(
                        cache == LookupCacheType.FULL && !watch ? reloadTrigger(config) : null)
                .build();
    }

    /** Flink's own triggers, built from the same options; null if none is configured. */
    private static CacheReloadTrigger reloadTrigger(ReadableConfig config) {
        ReloadStrategy strategy = config.get(LookupOptions.FULL_CACHE_RELOAD_STRATEGY);
        if (strategy == ReloadStrategy.PERIODIC) {
            Duration interval =
                    config.getOptional(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_INTERVAL)
                            .orElse(null);
            if (interval == null) {
                return null;
            }
            checkArgument(
                    !interval.isNegative() && !interval.isZero(),
                    "'lookup.full-cache.periodic-reload.interval' must be positive, but was %s.",
                    interval);
            return PeriodicCacheReloadTrigger.fromConfig(config);
        }
        if (!config.getOptional(LookupOptions.FULL_CACHE_TIMED_RELOAD_ISO_TIME).isPresent()) {
            return null;
        }
        checkArgument(
                config.get(LookupOptions.FULL_CACHE_TIMED_RELOAD_INTERVAL_IN_DAYS) >= 1,
                "'lookup.full-cache.timed-reload.interval-in-days' must be at least 1, but was %s.",
                config.get(LookupOptions.FULL_CACHE_TIMED_RELOAD_INTERVAL_IN_DAYS));
        try {
            return TimedCacheReloadTrigger.fromConfig(config);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "'lookup.full-cache.timed-reload.iso-time' = '%s' is not an ISO-8601"
                                    + " time such as '10:15:30' or '10:15:30+01:00'.",
                            config.get(LookupOptions.FULL_CACHE_TIMED_RELOAD_ISO_TIME)),
                    e);
        }
    }
}
