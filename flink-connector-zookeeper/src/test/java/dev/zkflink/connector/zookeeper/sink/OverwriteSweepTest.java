package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.junit.jupiter.api.Test;

import static dev.zkflink.connector.zookeeper.sink.SubtreeDeleter.Decision.DELETE;
import static dev.zkflink.connector.zookeeper.sink.SubtreeDeleter.Decision.DESCEND;
import static dev.zkflink.connector.zookeeper.sink.SubtreeDeleter.Decision.KEEP;
import static org.assertj.core.api.Assertions.assertThat;

/** What INSERT OVERWRITE keeps and deletes, node by node. */
class OverwriteSweepTest {

    @Test
    void levelsKeepsWrittenRowsWithTheirSubtreesAndTheLevelsAboveThem() {
        OverwriteSweep sweep = new OverwriteSweep(ZNodeTreeLayout.levels("/svc", 2));
        sweep.written("/svc/a/i1");
        sweep.written("/svc/b/i2");
        sweep.written("/svc/gone/i1");
        sweep.deleted("/svc/gone/i1");
        SubtreeDeleter.Decider d = sweep.decider();

        assertThat(d.decide("a", 1)).isEqualTo(DESCEND);
        assertThat(d.decide("a/i1", 2)).isEqualTo(KEEP); // nodes below it are not rows
        assertThat(d.decide("a/i2", 2)).isEqualTo(DELETE);
        assertThat(d.decide("b", 1)).isEqualTo(DESCEND);
        assertThat(d.decide("c", 1)).isEqualTo(DELETE); // no written row below
        assertThat(d.decide("gone", 1)).isEqualTo(DELETE);
        assertThat(sweep.writtenRows()).isEqualTo(2);
    }

    @Test
    void relativePathKeepsWrittenNodesAndTheirAncestors() {
        OverwriteSweep sweep = new OverwriteSweep(ZNodeTreeLayout.wholeSubtree("/t"));
        sweep.written("/t/a/b");
        sweep.written("/t/z");
        SubtreeDeleter.Decider d = sweep.decider();

        assertThat(d.decide("a", 1)).isEqualTo(DESCEND); // an ancestor of a written row
        assertThat(d.decide("a/b", 2)).isEqualTo(DESCEND); // written: its children are decided
        assertThat(d.decide("a/b/c", 3)).isEqualTo(DELETE);
        assertThat(d.decide("a/d", 2)).isEqualTo(DELETE);
        assertThat(d.decide("z", 1)).isEqualTo(DESCEND);
        // A sibling that shares a name prefix is not an ancestor.
        assertThat(d.decide("a-b", 1)).isEqualTo(DELETE);
    }

    @Test
    void underTheZooKeeperRootPathsStartWithASingleSlash() {
        OverwriteSweep sweep = new OverwriteSweep(ZNodeTreeLayout.wholeSubtree("/"));
        sweep.written("/a/b");
        SubtreeDeleter.Decider d = sweep.decider();
        assertThat(d.decide("a", 1)).isEqualTo(DESCEND);
        assertThat(d.decide("b", 1)).isEqualTo(DELETE);
    }

    @Test
    void anEmptyResultDeletesEverything() {
        SubtreeDeleter.Decider d = new OverwriteSweep(ZNodeTreeLayout.levels("/svc", 1)).decider();
        assertThat(d.decide("a", 1)).isEqualTo(DELETE);
    }
}
