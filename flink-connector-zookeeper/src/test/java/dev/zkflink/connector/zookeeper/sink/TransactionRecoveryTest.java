package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a failed transaction is recovered, by its code and failed path, without a server. */
class TransactionRecoveryTest {
    private static final byte[] DATA = {1};
    private static final ZNodeMutation PLAIN = ZNodeMutation.upsert("/t/a", DATA);
    private static final ZNodeMutation CONDITIONAL =
            ZNodeMutation.upsert("/t/b", DATA, 3, ZNodeMutation.TABLE_TTL);
    private static final ZNodeMutation CONDITIONAL_DELETE = ZNodeMutation.delete("/t/c", 5);

    private static TransactionRecovery.Action action(
            KeeperException.Code code, String path, List<ZNodeMutation> pending) {
        return TransactionRecovery.of(code, path, pending).action;
    }

    @Test
    void transientCodesAreRetried() {
        for (KeeperException.Code code :
                Arrays.asList(
                        KeeperException.Code.CONNECTIONLOSS,
                        KeeperException.Code.OPERATIONTIMEOUT,
                        KeeperException.Code.SESSIONEXPIRED,
                        KeeperException.Code.SESSIONMOVED)) {
            assertThat(action(code, "/t/b", Arrays.asList(PLAIN, CONDITIONAL)))
                    .isEqualTo(TransactionRecovery.Action.RETRY);
        }
    }

    @Test
    void theOnlyConditionalMutationThatFailedIsResolvedAlone() {
        TransactionRecovery r =
                TransactionRecovery.of(
                        KeeperException.Code.BADVERSION, "/t/b", Arrays.asList(PLAIN, CONDITIONAL));
        assertThat(r.action).isEqualTo(TransactionRecovery.Action.RESOLVE_CONFLICT);
        assertThat(r.conditional).isSameAs(CONDITIONAL);
        assertThat(action(KeeperException.Code.NONODE, "/t/b", Arrays.asList(PLAIN, CONDITIONAL)))
                .isEqualTo(TransactionRecovery.Action.RESOLVE_CONFLICT);
    }

    @Test
    void wrongGuessesAreVerified() {
        List<ZNodeMutation> pending = Arrays.asList(PLAIN, CONDITIONAL);
        assertThat(action(KeeperException.Code.NODEEXISTS, "/t/a", pending))
                .isEqualTo(TransactionRecovery.Action.VERIFY);
        assertThat(action(KeeperException.Code.NONODE, "/t/a", pending))
                .as("a plain upsert whose parent is missing")
                .isEqualTo(TransactionRecovery.Action.VERIFY);
        assertThat(action(KeeperException.Code.NODEEXISTS, "/t/b", pending))
                .as("NodeExists is never a version conflict")
                .isEqualTo(TransactionRecovery.Action.VERIFY);
        assertThat(action(KeeperException.Code.BADVERSION, null, pending))
                .as("no failed path")
                .isEqualTo(TransactionRecovery.Action.VERIFY);
    }

    @Test
    void severalConditionalMutationsAreVerifiedTogether() {
        assertThat(
                        action(
                                KeeperException.Code.BADVERSION,
                                "/t/b",
                                Arrays.asList(CONDITIONAL, CONDITIONAL_DELETE)))
                .isEqualTo(TransactionRecovery.Action.VERIFY);
    }

    @Test
    void notEmptyDeletesSubtreesAndAnythingElseFails() {
        assertThat(action(KeeperException.Code.NOTEMPTY, "/t/a", Arrays.asList(PLAIN)))
                .isEqualTo(TransactionRecovery.Action.DELETE_SUBTREES);
        assertThat(action(KeeperException.Code.NOAUTH, "/t/a", Arrays.asList(PLAIN)))
                .isEqualTo(TransactionRecovery.Action.FAIL);
        assertThat(action(KeeperException.Code.INVALIDACL, "/t/a", Arrays.asList(PLAIN)))
                .isEqualTo(TransactionRecovery.Action.FAIL);
    }
}
