package dev.zkflink.connector.zookeeper.source.changelog;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Event intake, de-duplication and rounds of reads, without a server. */
class ChangeQueueTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final ChangeQueue queue = new ChangeQueue(now::get);

    @Test
    void manyEventsOnOneNodeBeforeItsReadAreOneRead() throws Exception {
        queue.offer("a/x");
        now.set(1_010);
        queue.offer("a/x");
        queue.offer("a/y");
        queue.offer("a/x");
        queue.poll(0);
        assertThat(queue.size()).isEqualTo(2);
        LinkedHashMap<String, Long> round = queue.takeRound(10);
        assertThat(round).containsExactly(entry("a/x", 1_000), entry("a/y", 1_010));
        assertThat(queue.hasReadsToDo()).isFalse();
    }

    /** A path leaves the queue before its read is issued: a later event must read it again. */
    @Test
    void anEventAfterThePathWasTakenQueuesItAgain() throws Exception {
        queue.offer("a/x");
        queue.poll(0);
        queue.takeRound(10);
        now.set(2_000);
        queue.offer("a/x");
        queue.poll(0);
        assertThat(queue.takeRound(10)).containsExactly(entry("a/x", 2_000));
    }

    @Test
    void aRoundTakesAtMostMaxPathsOldestFirst() throws Exception {
        for (int i = 0; i < 5; i++) {
            now.set(1_000 + i);
            queue.offer("a/" + i);
        }
        queue.poll(0);
        assertThat(queue.takeRound(2).keySet()).containsExactly("a/0", "a/1");
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.takeRound(2).keySet()).containsExactly("a/2", "a/3");
        assertThat(queue.takeRound(2).keySet()).containsExactly("a/4");
        assertThat(queue.hasReadsToDo()).isFalse();
    }

    /**
     * Reads a round did not do come first in the next round, all of them even past the limit, and a
     * new event for such a path does not read it twice.
     */
    @Test
    void putBackReadsComeFirstAndAreNotDuplicated() throws Exception {
        queue.offer("a/0");
        queue.offer("a/1");
        queue.offer("a/2");
        queue.poll(0);
        LinkedHashMap<String, Long> round = queue.takeRound(2);
        queue.putBack(round);
        queue.offer("a/1"); // changed again while its read waits for the next round
        queue.offer("a/3");
        queue.poll(0);
        assertThat(queue.size()).isEqualTo(4);
        assertThat(queue.takeRound(1).keySet()).containsExactly("a/0", "a/1");
        assertThat(queue.takeRound(10).keySet()).containsExactly("a/2", "a/3");
    }

    @Test
    void theLagIsTheOldestUnreadEventWhereverItWaits() throws Exception {
        assertThat(queue.oldestUnreadEventSince()).isZero();
        queue.offer("a/x"); // in the queue, not polled yet
        assertThat(queue.oldestUnreadEventSince()).isEqualTo(1_000);
        queue.poll(0);
        now.set(1_500);
        queue.offer("a/y");
        assertThat(queue.oldestUnreadEventSince()).isEqualTo(1_000);
        LinkedHashMap<String, Long> round = queue.takeRound(10); // a/x is being read
        assertThat(queue.oldestUnreadEventSince()).isEqualTo(1_000);
        queue.putBack(new LinkedHashMap<>()); // ... and was read
        assertThat(round).containsOnlyKeys("a/x");
        assertThat(queue.oldestUnreadEventSince()).isEqualTo(1_500);
        queue.poll(0);
        queue.takeRound(10);
        queue.putBack(new LinkedHashMap<>());
        assertThat(queue.oldestUnreadEventSince()).isZero();
    }

    @Test
    void aWakeUpEndsAWaitWithoutAddingReads() throws Exception {
        queue.wakeUp();
        long start = System.nanoTime();
        queue.poll(60_000);
        assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
        assertThat(queue.hasReadsToDo()).isFalse();
    }

    private static Map.Entry<String, Long> entry(String path, long since) {
        return Map.entry(path, since);
    }
}
