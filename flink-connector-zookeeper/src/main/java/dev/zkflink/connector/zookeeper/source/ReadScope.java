package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a read touches, as pushed down from a query: which row paths ({@link ZNodePathFilter}),
 * whether node data and Stats are read at all, and after how many rows a snapshot reader may stop.
 * Live reads use the path filter only: they need every row's Stat to tell changes apart.
 */
@Internal
public final class ReadScope implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@link #getLimit()} when there is none. */
    public static final long NO_LIMIT = -1;

    private static final ReadScope EVERYTHING =
            new ReadScope(ZNodePathFilter.all(), true, NO_LIMIT);

    private final ZNodePathFilter filter;
    private final boolean readData;
    private final long limit;

    private ReadScope(ZNodePathFilter filter, boolean readData, long limit) {
        this.filter = Objects.requireNonNull(filter);
        this.readData = readData;
        this.limit = limit;
    }

    /** Every row, with data, no limit. */
    public static ReadScope everything() {
        return EVERYTHING;
    }

    public ReadScope withFilter(ZNodePathFilter filter) {
        return new ReadScope(filter, readData, limit);
    }

    /**
     * Rows need their keys only: a snapshot lists children and never reads data (rows have empty
     * data and no Stat).
     */
    public ReadScope withoutData() {
        return new ReadScope(filter, false, limit);
    }

    /**
     * A snapshot reader may stop after {@code limit} rows; something downstream keeps the limit.
     */
    public ReadScope withLimit(long limit) {
        return new ReadScope(filter, readData, limit);
    }

    public ZNodePathFilter getFilter() {
        return filter;
    }

    public boolean readsData() {
        return readData;
    }

    public long getLimit() {
        return limit;
    }

    public boolean hasLimit() {
        return limit >= 0;
    }

    /** {@code filter=[prefixes=[a]], keys only, limit=10}; empty when everything is read. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!filter.isAll()) {
            parts.add("filter=[" + filter + "]");
        }
        if (!readData) {
            parts.add("keys only");
        }
        if (hasLimit()) {
            parts.add("limit=" + limit);
        }
        return String.join(", ", parts);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReadScope)) {
            return false;
        }
        ReadScope that = (ReadScope) o;
        return readData == that.readData && limit == that.limit && filter.equals(that.filter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filter, readData, limit);
    }

    @Override
    public String toString() {
        String d = describe();
        return d.isEmpty() ? "everything" : d;
    }
}
