package dev.zkflink.connector.zookeeper.table.lookup;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.connector.source.lookup.LookupOptions.LookupCacheType;
import org.apache.flink.table.connector.source.lookup.cache.trigger.CacheReloadTrigger;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;

import static org.apache.flink.util.Preconditions.checkArgument;

/**
 * How a ZooKeeper table serves lookup joins: the cache, its bounds, the watch that keeps it
 * current, retries, and sync or async reads. The builder validates and names the SQL option at
 * fault.
 */
@PublicEvolving
public final class ZooKeeperLookupOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LookupCacheType cache;
    @Nullable private final Duration expireAfterAccess;
    @Nullable private final Duration expireAfterWrite;
    @Nullable private final Long maxRows;
    private final boolean cacheMissingKey;
    private final int maxRetries;
    private final boolean async;
    private final boolean watch;
    @Nullable private final CacheReloadTrigger reloadTrigger;

    private ZooKeeperLookupOptions(Builder b) {
        this.cache = b.cache;
        this.expireAfterAccess = b.expireAfterAccess;
        this.expireAfterWrite = b.expireAfterWrite;
        this.maxRows = b.maxRows;
        this.cacheMissingKey = b.cacheMissingKey;
        this.maxRetries = b.maxRetries;
        this.async = b.async;
        this.watch = b.watch;
        this.reloadTrigger = b.reloadTrigger;
    }

    public static Builder builder() {
        return new Builder();
    }

    public LookupCacheType getCache() {
        return cache;
    }

    @Nullable
    public Duration getExpireAfterAccess() {
        return expireAfterAccess;
    }

    @Nullable
    public Duration getExpireAfterWrite() {
        return expireAfterWrite;
    }

    @Nullable
    public Long getMaxRows() {
        return maxRows;
    }

    public boolean isCacheMissingKey() {
        return cacheMissingKey;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public boolean isAsync() {
        return async;
    }

    /** Whether a persistent recursive watch keeps the cache current. */
    public boolean isWatch() {
        return watch;
    }

    /** FULL without a watch: when the tree is read again. */
    @Nullable
    public CacheReloadTrigger getReloadTrigger() {
        return reloadTrigger;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("cache=").append(cache);
        if (cache != LookupCacheType.NONE) {
            sb.append(", watch=").append(watch);
        }
        if (cache == LookupCacheType.PARTIAL) {
            sb.append(", expire-after-access=").append(expireAfterAccess);
            sb.append(", expire-after-write=").append(expireAfterWrite);
            sb.append(", max-rows=").append(maxRows);
            sb.append(", cache-missing-key=").append(cacheMissingKey);
        }
        if (cache == LookupCacheType.FULL && reloadTrigger != null) {
            sb.append(", reload=").append(reloadTrigger.getClass().getSimpleName());
        }
        return sb.append(", async=")
                .append(async)
                .append(", max-retries=")
                .append(maxRetries)
                .toString();
    }

    /** Builder for {@link ZooKeeperLookupOptions}; defaults are those of Flink's LookupOptions. */
    @PublicEvolving
    public static final class Builder {
        private LookupCacheType cache = LookupCacheType.NONE;
        private Duration expireAfterAccess;
        private Duration expireAfterWrite;
        private Long maxRows;
        private boolean cacheMissingKey = true;
        private int maxRetries = 3;
        private boolean async;
        private boolean watch = true;
        private CacheReloadTrigger reloadTrigger;

        /** 'lookup.cache': NONE (default), PARTIAL or FULL. */
        public Builder setCache(LookupCacheType cache) {
            this.cache = cache;
            return this;
        }

        /** 'lookup.partial-cache.expire-after-access'; no default. */
        public Builder setExpireAfterAccess(@Nullable Duration expireAfterAccess) {
            this.expireAfterAccess = expireAfterAccess;
            return this;
        }

        /** 'lookup.partial-cache.expire-after-write'; no default. */
        public Builder setExpireAfterWrite(@Nullable Duration expireAfterWrite) {
            this.expireAfterWrite = expireAfterWrite;
            return this;
        }

        /** 'lookup.partial-cache.max-rows'; no default. */
        public Builder setMaxRows(@Nullable Long maxRows) {
            this.maxRows = maxRows;
            return this;
        }

        /** 'lookup.partial-cache.cache-missing-key'; default true. */
        public Builder setCacheMissingKey(boolean cacheMissingKey) {
            this.cacheMissingKey = cacheMissingKey;
            return this;
        }

        /** 'lookup.max-retries'; default 3. */
        public Builder setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** 'lookup.async'; default false. */
        public Builder setAsync(boolean async) {
            this.async = async;
            return this;
        }

        /** 'lookup.cache.watch'; default true. */
        public Builder setWatch(boolean watch) {
            this.watch = watch;
            return this;
        }

        /** The reload trigger of a FULL cache without a watch. */
        public Builder setReloadTrigger(@Nullable CacheReloadTrigger reloadTrigger) {
            this.reloadTrigger = reloadTrigger;
            return this;
        }

        public ZooKeeperLookupOptions build() {
            checkArgument(cache != null, "'lookup.cache' is required.");
            checkArgument(
                    maxRetries >= 0 && maxRetries <= 100,
                    "'lookup.max-retries' must be between 0 and 100, but was %s.",
                    maxRetries);
            requirePositive(expireAfterAccess, "lookup.partial-cache.expire-after-access");
            requirePositive(expireAfterWrite, "lookup.partial-cache.expire-after-write");
            checkArgument(
                    maxRows == null || maxRows >= 1,
                    "'lookup.partial-cache.max-rows' must be at least 1, but was %s.",
                    maxRows);
            if (cache == LookupCacheType.PARTIAL) {
                checkArgument(
                        expireAfterAccess != null || expireAfterWrite != null || maxRows != null,
                        "'lookup.cache' = 'PARTIAL' needs a bound on its memory: set"
                                + " 'lookup.partial-cache.max-rows',"
                                + " 'lookup.partial-cache.expire-after-write' or"
                                + " 'lookup.partial-cache.expire-after-access'. With"
                                + " 'lookup.cache.watch' = 'true' (default) the bound only limits"
                                + " memory: changes reach the cache through the watch.");
            }
            if (cache == LookupCacheType.FULL && !watch) {
                checkArgument(
                        reloadTrigger != null,
                        "'lookup.cache' = 'FULL' with 'lookup.cache.watch' = 'false' needs a reload"
                                + " strategy: set 'lookup.full-cache.periodic-reload.interval'"
                                + " (or 'lookup.full-cache.reload-strategy' = 'TIMED' with"
                                + " 'lookup.full-cache.timed-reload.iso-time').");
            }
            return new ZooKeeperLookupOptions(this);
        }

        private static void requirePositive(@Nullable Duration d, String option) {
            checkArgument(
                    d == null || (!d.isNegative() && !d.isZero()),
                    "'%s' must be a positive duration, but was %s.",
                    option,
                    d);
        }
    }
}
