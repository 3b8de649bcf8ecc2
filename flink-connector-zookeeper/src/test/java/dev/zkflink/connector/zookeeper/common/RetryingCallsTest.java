package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which errors the loop retries, and who decides about the others. */
class RetryingCallsTest {
    private final List<KeeperException.Code> backedOff = new ArrayList<>();

    /** An attempt that fails with the given codes in turn, then answers "done". */
    private static RetryingCalls.Attempt<String> failing(KeeperException.Code... codes) {
        Deque<KeeperException.Code> left = new ArrayDeque<>(Arrays.asList(codes));
        return () -> {
            if (!left.isEmpty()) {
                throw KeeperException.create(left.poll(), "/p");
            }
            return "done";
        };
    }

    private String run(RetryingCalls.Attempt<String> attempt) throws IOException {
        return RetryingCalls.retry(
                attempt,
                e -> backedOff.add(e.code()),
                e -> {
                    throw new IOException("terminal " + e.code());
                });
    }

    @Test
    void retriesEveryTransientCode() throws IOException {
        assertThat(
                        run(
                                failing(
                                        KeeperException.Code.CONNECTIONLOSS,
                                        KeeperException.Code.OPERATIONTIMEOUT,
                                        KeeperException.Code.SESSIONEXPIRED,
                                        KeeperException.Code.SESSIONMOVED)))
                .isEqualTo("done");
        assertThat(backedOff)
                .containsExactly(
                        KeeperException.Code.CONNECTIONLOSS,
                        KeeperException.Code.OPERATIONTIMEOUT,
                        KeeperException.Code.SESSIONEXPIRED,
                        KeeperException.Code.SESSIONMOVED);
    }

    @Test
    void handsATerminalCodeToTheCallerWithoutBackingOff() {
        assertThatThrownBy(
                        () ->
                                run(
                                        failing(
                                                KeeperException.Code.CONNECTIONLOSS,
                                                KeeperException.Code.NOAUTH)))
                .hasMessage("terminal NOAUTH");
        assertThat(backedOff).containsExactly(KeeperException.Code.CONNECTIONLOSS);
    }

    @Test
    void aTerminalCodeCanBeAnAnswer() throws IOException {
        String answer =
                RetryingCalls.retry(
                        failing(KeeperException.Code.NONODE),
                        e -> backedOff.add(e.code()),
                        e -> "gone");
        assertThat(answer).isEqualTo("gone");
        assertThat(backedOff).isEmpty();
    }

    @Test
    void theBackOffEndsTheLoop() {
        RetryingCalls.Attempt<String> neverAnswers =
                () -> {
                    throw KeeperException.create(KeeperException.Code.CONNECTIONLOSS);
                };
        assertThatThrownBy(
                        () ->
                                RetryingCalls.retry(
                                        neverAnswers,
                                        e -> {
                                            backedOff.add(e.code());
                                            if (backedOff.size() == 3) {
                                                throw new IOException("exhausted");
                                            }
                                        },
                                        e -> null))
                .hasMessage("exhausted");
        assertThat(backedOff).hasSize(3);
    }
}
