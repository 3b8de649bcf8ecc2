package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyPathCodecTest {

    private static GenericRowData row(String... keys) {
        GenericRowData row = new GenericRowData(keys.length);
        for (int i = 0; i < keys.length; i++) {
            row.setField(i, keys[i] == null ? null : StringData.fromString(keys[i]));
        }
        return row;
    }

    private static KeyPathCodec levels(String root, String... names) {
        int[] positions = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            positions[i] = i;
        }
        return new KeyPathCodec(ZNodeTreeLayout.levels(root, names.length), names, positions);
    }

    @Test
    void keysBecomeLevelsBelowTheRoot() throws Exception {
        assertThat(levels("/svc", "service", "instance").toPath(row("a", "b")))
                .isEqualTo("/svc/a/b");
        assertThat(levels("/", "name").toPath(row("zookeeperish"))).isEqualTo("/zookeeperish");
        assertThat(levels("/app", "name").toPath(row("zookeeper"))).isEqualTo("/app/zookeeper");
    }

    @Test
    void aTableAtTheRootNeverWritesZooKeepersOwnSubtree() {
        assertThatThrownBy(() -> levels("/", "name").toPath(row("zookeeper")))
                .hasMessageContaining("The row with key (name='zookeeper') cannot be written")
                .hasMessageContaining("ZooKeeper's own /zookeeper subtree");
        assertThatThrownBy(() -> levels("/", "a", "b").toPath(row("zookeeper", "quota")))
                .hasMessageContaining("(a='zookeeper', b='quota')");
    }

    @Test
    void badKeysNameTheColumn() {
        assertThatThrownBy(() -> levels("/svc", "service").toPath(row((String) null)))
                .hasMessageContaining("key column 'service' is NULL");
        assertThatThrownBy(() -> levels("/svc", "service").toPath(row("a/b")))
                .hasMessageContaining("key column 'service' contains '/'");
    }
}
