package dev.zkflink.connector.zookeeper.sink;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule that decides which write transactions may be in flight together; no server needed. */
class InFlightPathsTest {

    private static ZNodeMutation up(String path) {
        return ZNodeMutation.upsert(path, new byte[] {1});
    }

    private static ZNodeMutation del(String path) {
        return ZNodeMutation.delete(path);
    }

    private static InFlightPaths inFlight(ZNodeMutation... chunk) {
        InFlightPaths paths = new InFlightPaths();
        paths.add(Arrays.asList(chunk));
        return paths;
    }

    @Test
    void nothingInFlightConflictsWithNothing() {
        assertThat(new InFlightPaths().conflictsWith(List.of(del("/t"), up("/t/a")))).isFalse();
    }

    @Test
    void aSharedPathConflicts() {
        InFlightPaths paths = inFlight(up("/t/a"), del("/t/b"));
        assertThat(paths.conflictsWith(up("/t/a"))).isTrue();
        assertThat(paths.conflictsWith(del("/t/a"))).isTrue();
        assertThat(paths.conflictsWith(up("/t/b"))).isTrue();
        assertThat(paths.conflictsWith(del("/t/b"))).isTrue();
    }

    @Test
    void upsertsOfDifferentPathsCommuteAtAnyDepth() {
        InFlightPaths paths = inFlight(up("/t/a"), up("/t/b/c"));
        assertThat(paths.conflictsWith(up("/t/a/x"))).isFalse(); // below an upsert
        assertThat(paths.conflictsWith(up("/t/b"))).isFalse(); // above an upsert
        assertThat(paths.conflictsWith(up("/t/c"))).isFalse();
    }

    @Test
    void aDeleteAtOrAboveAnInFlightUpsertConflicts() {
        InFlightPaths paths = inFlight(up("/t/a/b/c"));
        assertThat(paths.conflictsWith(del("/t/a/b"))).isTrue();
        assertThat(paths.conflictsWith(del("/t/a"))).isTrue();
        assertThat(paths.conflictsWith(del("/t"))).isTrue();
        assertThat(paths.conflictsWith(del("/"))).isTrue();
        assertThat(paths.conflictsWith(del("/t/a/b/c/d"))).isFalse(); // below: disjoint nodes
        assertThat(paths.conflictsWith(del("/t/x"))).isFalse();
    }

    @Test
    void anUpsertAtOrBelowAnInFlightDeleteConflicts() {
        InFlightPaths paths = inFlight(del("/t/a"));
        assertThat(paths.conflictsWith(up("/t/a/b"))).isTrue();
        assertThat(paths.conflictsWith(up("/t/a/b/c"))).isTrue();
        assertThat(paths.conflictsWith(up("/t"))).isFalse(); // above: disjoint nodes
        assertThat(paths.conflictsWith(up("/t/ab"))).isFalse();
    }

    @Test
    void deletesOfNestedPathsCommute() {
        InFlightPaths paths = inFlight(del("/t/a"));
        assertThat(paths.conflictsWith(del("/t/a/b"))).isFalse();
        assertThat(paths.conflictsWith(del("/t"))).isFalse();
    }

    /** "/a-b", "/a.c" and "/a0" sort next to "/a/..." but are not below "/a". */
    @Test
    void siblingsThatSortNextToTheSubtreeAreNotDescendants() {
        InFlightPaths paths = inFlight(up("/t/a-b"), up("/t/a.c"), up("/t/a0"), up("/t/a"));
        assertThat(paths.conflictsWith(del("/t/a/x"))).isFalse();
        InFlightPaths child = inFlight(up("/t/a/x"));
        assertThat(child.conflictsWith(del("/t/a"))).isTrue();
        assertThat(inFlight(up("/t/a-b/x")).conflictsWith(del("/t/a"))).isFalse();
        assertThat(inFlight(del("/t/a-b")).conflictsWith(up("/t/a/x"))).isFalse();
    }

    @Test
    void aResolvedChunkNoLongerConflicts() {
        List<ZNodeMutation> first = List.of(up("/t/a"), del("/t/d"));
        List<ZNodeMutation> second = List.of(up("/t/a"));
        InFlightPaths paths = new InFlightPaths();
        paths.add(first);
        paths.add(second); // the same path twice (a chunk sent after a conflict was resolved)
        paths.remove(first);
        assertThat(paths.conflictsWith(up("/t/a"))).isTrue();
        assertThat(paths.conflictsWith(up("/t/d/x"))).isFalse();
        paths.remove(second);
        assertThat(paths.isEmpty()).isTrue();
        assertThat(paths.conflictsWith(List.of(up("/t/a"), del("/t")))).isFalse();
    }

    @Test
    void aChunkConflictsWhenAnyOfItsMutationsDoes() {
        InFlightPaths paths = inFlight(up("/t/a/b"));
        assertThat(paths.conflictsWith(List.of(up("/t/x"), up("/t/y")))).isFalse();
        assertThat(paths.conflictsWith(List.of(up("/t/x"), del("/t/a"), up("/t/y")))).isTrue();
    }
}
