package dev.zkflink.connector.zookeeper.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZNodePathsTest {

    @Test
    void joinRelativizeAndDepthAgree() {
        assertThat(ZNodePaths.join("/svc", "a/b")).isEqualTo("/svc/a/b");
        assertThat(ZNodePaths.join("/", "a")).isEqualTo("/a");
        assertThat(ZNodePaths.join("/svc", "")).isEqualTo("/svc");
        assertThat(ZNodePaths.relativize("/svc", "/svc/a/b")).isEqualTo("a/b");
        assertThat(ZNodePaths.relativize("/", "/a/b")).isEqualTo("a/b");
        assertThat(ZNodePaths.depth("")).isZero();
        assertThat(ZNodePaths.depth("a/b/c")).isEqualTo(3);
        assertThat(ZNodePaths.parent("/a/b")).isEqualTo("/a");
        assertThat(ZNodePaths.parent("/a")).isEqualTo("/");
        assertThat(ZNodePaths.parent("/")).isNull();
    }

    @Test
    void rootValidation() {
        assertThat(ZNodePaths.validateRoot("/")).isEqualTo("/");
        assertThatThrownBy(() -> ZNodePaths.validateRoot("a")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ZNodePaths.validateRoot("/a/")).hasMessageContaining("Use '/a'");
        assertThatThrownBy(() -> ZNodePaths.validateRoot("/a/./b"))
                .hasMessageContaining("not a valid znode path");
    }

    @Test
    void layoutsDecideWhichNodesAreRows() {
        ZNodeTreeLayout levels = ZNodeTreeLayout.levels("/svc", 2);
        assertThat(levels.isRow(1)).isFalse();
        assertThat(levels.isRow(2)).isTrue();
        assertThat(levels.isRow(3)).isFalse();
        assertThat(levels.mayHaveRowsBelow(1)).isTrue();
        assertThat(levels.mayHaveRowsBelow(2)).isFalse();
        ZNodeTreeLayout subtree = ZNodeTreeLayout.wholeSubtree("/backup");
        assertThat(subtree.isRow(0)).isFalse();
        assertThat(subtree.isRow(5)).isTrue();
        assertThat(subtree.mayHaveRowsBelow(5)).isTrue();
    }
}
