package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the per-op results of a multi, without a server. */
class ZooKeeperAsyncCallsTest {
    private static final List<Op> OPS =
            Arrays.asList(Op.delete("/a", -1), Op.delete("/b", -1), Op.delete("/c", -1));

    private static OpResult error(KeeperException.Code code) {
        return new OpResult.ErrorResult(code.intValue());
    }

    @Test
    void failedPathIsTheFirstOpThatFailedNotOneRolledBack() {
        List<OpResult> results =
                Arrays.asList(
                        error(KeeperException.Code.OK),
                        error(KeeperException.Code.NOTEMPTY),
                        error(KeeperException.Code.RUNTIMEINCONSISTENCY));
        assertThat(ZooKeeperAsyncCalls.failedPath(OPS, results)).isEqualTo("/b");
        List<OpResult> rolledBackFirst =
                Arrays.asList(
                        error(KeeperException.Code.RUNTIMEINCONSISTENCY),
                        error(KeeperException.Code.RUNTIMEINCONSISTENCY),
                        error(KeeperException.Code.NONODE));
        assertThat(ZooKeeperAsyncCalls.failedPath(OPS, rolledBackFirst)).isEqualTo("/c");
    }

    @Test
    void failedPathIsNullWhenTheResultsDoNotSay() {
        assertThat(ZooKeeperAsyncCalls.failedPath(OPS, null)).isNull();
        assertThat(ZooKeeperAsyncCalls.failedPath(OPS, Collections.emptyList())).isNull();
    }

    @Test
    void errorOfTellsResultsFromErrors() {
        assertThat(ZooKeeperAsyncCalls.errorOf(new OpResult.GetChildrenResult(List.of("x"))))
                .isNull();
        assertThat(ZooKeeperAsyncCalls.errorOf(error(KeeperException.Code.NONODE)))
                .isEqualTo(KeeperException.Code.NONODE);
        assertThat(ZooKeeperAsyncCalls.errorOf(error(KeeperException.Code.NOAUTH)))
                .isEqualTo(KeeperException.Code.NOAUTH);
    }
}
