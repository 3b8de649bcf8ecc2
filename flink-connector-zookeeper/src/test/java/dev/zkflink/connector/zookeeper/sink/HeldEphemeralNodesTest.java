package dev.zkflink.connector.zookeeper.sink;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Which ephemeral nodes a writer creates again after an expiry or a restore. */
class HeldEphemeralNodesTest {
    private static final byte[] DATA = {7};

    private static List<String> paths(List<ZNodeMutation> ms) {
        return ms.stream().map(ZNodeMutation::getPath).collect(Collectors.toList());
    }

    @Test
    void nodesOfAnotherSessionAreTheOnesToCreateAgainAndDeletesLetGo() {
        HeldEphemeralNodes held = new HeldEphemeralNodes();
        held.written(
                Arrays.asList(
                        ZNodeMutation.upsert("/r/a", DATA), ZNodeMutation.upsert("/r/b", DATA)),
                1);
        assertThat(held.allOwnedBy(1)).isTrue();
        held.written(Collections.singletonList(ZNodeMutation.upsert("/r/c", DATA, 3, 0)), 2);
        held.written(Collections.singletonList(ZNodeMutation.delete("/r/b")), 2);
        assertThat(held.allOwnedBy(2)).isFalse();
        assertThat(paths(held.notOwnedBy(2))).containsExactly("/r/a");
        assertThat(held.notOwnedBy(2).get(0).isConditional()).isFalse();
        assertThat(held.all().get(1).isConditional())
                .as("re-created unconditionally: the node is gone, its version with it")
                .isFalse();
        held.written(held.notOwnedBy(2), 2);
        assertThat(held.allOwnedBy(2)).isTrue();
        assertThat(held.size()).isEqualTo(2);
    }

    @Test
    void rowsOfASequentialTableAreHeldOneByOneWithTheirGuards() {
        HeldEphemeralNodes held = new HeldEphemeralNodes();
        held.written(
                Arrays.asList(
                        ZNodeMutation.upsert("/r/m-", DATA).withSequenceGuard("g1"),
                        ZNodeMutation.upsert("/r/m-", DATA).withSequenceGuard("g2")),
                1);
        assertThat(held.size()).isEqualTo(2);
        assertThat(held.notOwnedBy(2).stream().map(ZNodeMutation::getSequenceGuard))
                .containsExactly("g1", "g2");
    }

    @Test
    void restoredNodesBelongToNoLiveSession() {
        HeldEphemeralNodes held = new HeldEphemeralNodes();
        held.restore(Arrays.asList(ZNodeMutation.upsert("/r/x", DATA)));
        assertThat(held.allOwnedBy(5)).isFalse();
        assertThat(paths(held.notOwnedBy(5))).containsExactly("/r/x");
        assertThat(new HeldEphemeralNodes().allOwnedBy(5)).isTrue();
    }
}
