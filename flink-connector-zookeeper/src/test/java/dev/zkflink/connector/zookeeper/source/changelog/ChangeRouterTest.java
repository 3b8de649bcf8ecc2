package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.zookeeper.Watcher.Event.EventType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeRouterTest {

    private static List<String> rows(ChangeRouter router, String path, EventType type) {
        List<String> out = new ArrayList<>();
        router.route(path, type, out::add);
        return out;
    }

    @Test
    void levelsModeMapsOnlyRowLevelNodes() {
        ChangeRouter router = new ChangeRouter(ZNodeTreeLayout.levels("/svc", 2), false);
        assertThat(rows(router, "/svc/a/i-1", EventType.NodeDataChanged)).containsExactly("a/i-1");
        assertThat(rows(router, "/svc/a", EventType.NodeCreated)).isEmpty();
        assertThat(rows(router, "/svc/a/i-1/x", EventType.NodeCreated)).isEmpty();
        assertThat(rows(router, "/svc", EventType.NodeDeleted)).isEmpty();
        assertThat(rows(router, "/svcx/a/i-1", EventType.NodeCreated)).isEmpty();
    }

    @Test
    void childMetadataAlsoMarksTheParentRow() {
        ChangeRouter router = new ChangeRouter(ZNodeTreeLayout.levels("/svc", 2), true);
        assertThat(rows(router, "/svc/a/i-1/x", EventType.NodeCreated)).containsExactly("a/i-1");
        assertThat(rows(router, "/svc/a/i-1/x", EventType.NodeDataChanged)).isEmpty();

        ChangeRouter whole = new ChangeRouter(ZNodeTreeLayout.wholeSubtree("/m"), true);
        assertThat(rows(whole, "/m/a/b", EventType.NodeDeleted)).containsExactly("a/b", "a");
        assertThat(rows(whole, "/m/a", EventType.NodeDeleted)).containsExactly("a");
    }

    @Test
    void rootSlashSkipsZooKeepersOwnSubtree() {
        ChangeRouter router = new ChangeRouter(ZNodeTreeLayout.wholeSubtree("/"), false);
        assertThat(rows(router, "/zookeeper/config", EventType.NodeDataChanged)).isEmpty();
        assertThat(rows(router, "/zookeeper", EventType.NodeDataChanged)).isEmpty();
        assertThat(rows(router, "/zookeeperish", EventType.NodeCreated))
                .containsExactly("zookeeperish");
        assertThat(rows(router, "/", EventType.NodeDataChanged)).isEmpty();
    }
}
