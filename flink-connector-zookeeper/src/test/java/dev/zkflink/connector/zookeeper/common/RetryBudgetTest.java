package dev.zkflink.connector.zookeeper.common;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A streak of transient failures, counted and timed on a clock the test moves. */
class RetryBudgetTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);

    private RetryBudget budget(int maxRetries, long timeoutMs) {
        return new RetryBudget(maxRetries, timeoutMs * MS, 100, 1_000, now::get);
    }

    @Test
    void allowsExactlyMaxRetries() {
        RetryBudget b = budget(3, 60_000);
        assertThat(b.failed()).isTrue();
        assertThat(b.failed()).isTrue();
        assertThat(b.failed()).isTrue();
        assertThat(b.failed()).isFalse();
        assertThat(b.failures()).isEqualTo(4);
    }

    @Test
    void endsOnceTheTimeSinceProgressIsUsedUp() {
        RetryBudget b = budget(100, 5_000);
        assertThat(b.failed()).isTrue();
        now.addAndGet(5_000 * MS);
        assertThat(b.remainingMillis()).isZero();
        assertThat(b.failed()).isFalse();
        assertThat(b.millisSinceProgress()).isEqualTo(5_000);
    }

    @Test
    void progressRefillsCountAndTime() {
        RetryBudget b = budget(1, 5_000);
        b.failed();
        now.addAndGet(4_000 * MS);
        b.progress();
        assertThat(b.failures()).isZero();
        assertThat(b.remainingMillis()).isEqualTo(5_000);
        assertThat(b.failed()).isTrue();
    }

    @Test
    void backoffDoublesUpToTheMaximumAndNeverPastTheTimeLeft() {
        RetryBudget b = budget(100, 60_000);
        b.failed();
        assertThat(b.backoffMillis()).isEqualTo(100);
        b.failed();
        assertThat(b.backoffMillis()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            b.failed();
        }
        assertThat(b.backoffMillis()).isEqualTo(1_000);
        now.addAndGet(59_700 * MS);
        assertThat(b.backoffMillis()).isEqualTo(300);
    }

    @Test
    void callTimeoutIsBoundedByTheTimeLeftButAtLeastOneMs() {
        RetryBudget b = budget(3, 10_000);
        assertThat(b.callTimeoutMillis(4_000)).isEqualTo(4_000);
        now.addAndGet(8_000 * MS);
        assertThat(b.callTimeoutMillis(4_000)).isEqualTo(2_000);
        now.addAndGet(5_000 * MS);
        assertThat(b.callTimeoutMillis(4_000)).isEqualTo(1);
    }

    @Test
    void withoutATimeLimitOnlyTheCountEndsAStreak() {
        RetryBudget b = new RetryBudget(2, RetryBudget.NO_TIME_LIMIT_NANOS, 100, 1_000, now::get);
        now.addAndGet(365L * 24 * 3600 * 1000 * MS);
        assertThat(b.failed()).isTrue();
        assertThat(b.failed()).isTrue();
        assertThat(b.failed()).isFalse();
    }
}
