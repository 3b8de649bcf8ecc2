package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZNodePathFilterTest {

    @Test
    void allAcceptsEverythingAndReadsFromTheRoot() {
        ZNodePathFilter all = ZNodePathFilter.all();
        assertThat(all.isAll()).isTrue();
        assertThat(all.accepts("a/b")).isTrue();
        assertThat(all.mayLeadTo("x")).isTrue();
        assertThat(all.mayLeadBelow("")).isTrue();
        assertThat(all.subtreeRoots()).containsExactly("");
        assertThat(all).hasToString("all");
    }

    @Test
    void subtreesAreLevelPrefixes() {
        ZNodePathFilter f = ZNodePathFilter.subtrees(Arrays.asList("b/x", "a"));
        assertThat(f.isAll()).isFalse();
        assertThat(f.accepts("a")).isTrue();
        assertThat(f.accepts("a/1")).isTrue();
        assertThat(f.accepts("b/x/1")).isTrue();
        assertThat(f.accepts("b/y/1")).isFalse();
        assertThat(f.accepts("ab/1")).isFalse();
        assertThat(f.accepts("b")).isFalse();
        // b is on the way to b/x, but bb and c are not
        assertThat(f.mayLeadTo("b")).isTrue();
        assertThat(f.mayLeadTo("bb")).isFalse();
        assertThat(f.mayLeadTo("c")).isFalse();
        assertThat(f.mayLeadTo("b/y")).isFalse();
        assertThat(f.mayLeadTo("a/1/2")).isTrue();
        assertThat(f.mayLeadTo("")).isTrue();
        assertThat(f.subtreeRoots()).containsExactly("a", "b/x");
        assertThat(f).hasToString("prefixes=[a, b/x]");
    }

    @Test
    void nodeAndDescendantsAreRelativePathPredicates() {
        ZNodePathFilter node = ZNodePathFilter.node("a/b");
        assertThat(node.accepts("a/b")).isTrue();
        assertThat(node.accepts("a/b/c")).isFalse();
        assertThat(node.accepts("a")).isFalse();
        assertThat(node.mayLeadTo("a")).isTrue();
        assertThat(node.mayLeadBelow("a")).isTrue();
        assertThat(node.mayLeadBelow("a/b")).isFalse();
        assertThat(node).hasToString("nodes=[a/b]");

        ZNodePathFilter below = ZNodePathFilter.descendants("a/b");
        assertThat(below.accepts("a/b")).isFalse();
        assertThat(below.accepts("a/b/c")).isTrue();
        assertThat(below.accepts("a/b/c/d")).isTrue();
        assertThat(below.accepts("a/bc")).isFalse();
        assertThat(below.mayLeadTo("a/b")).isTrue();
        assertThat(below.mayLeadBelow("a/b")).isTrue();
        assertThat(below.mayLeadTo("a/c")).isFalse();
        assertThat(below.subtreeRoots()).containsExactly("a/b");
        assertThat(below).hasToString("below=[a/b]");
    }

    @Test
    void rootsAreMinimal() {
        ZNodePathFilter f =
                ZNodePathFilter.subtree("a")
                        .and(ZNodePathFilter.all())
                        .and(ZNodePathFilter.subtrees(Arrays.asList("a", "a/x", "c")));
        assertThat(f.subtreeRoots()).containsExactly("a");
        ZNodePathFilter nodes = ZNodePathFilter.nodes(Arrays.asList("a", "a/b", "c"));
        assertThat(nodes.subtreeRoots()).containsExactly("a", "c");
        assertThat(nodes.accepts("a/b")).isTrue();
        assertThat(nodes.accepts("a/c")).isFalse();
        assertThat(nodes.mayLeadBelow("a")).isTrue();
        assertThat(nodes.mayLeadBelow("c")).isFalse();
    }

    @Test
    void andIsTheIntersection() {
        ZNodePathFilter services = ZNodePathFilter.subtrees(Arrays.asList("a", "b"));
        ZNodePathFilter instances = ZNodePathFilter.subtrees(Arrays.asList("a/1", "c/1"));
        ZNodePathFilter both = services.and(instances);
        assertThat(both).isEqualTo(ZNodePathFilter.subtree("a/1"));
        assertThat(both).isEqualTo(instances.and(services));

        ZNodePathFilter node = ZNodePathFilter.node("a/b");
        assertThat(node.and(ZNodePathFilter.descendants("a"))).isEqualTo(node);
        assertThat(node.and(ZNodePathFilter.descendants("a/b")).isNone()).isTrue();
        assertThat(ZNodePathFilter.subtree("a").and(ZNodePathFilter.descendants("a")).accepts("a"))
                .isFalse();
        assertThat(ZNodePathFilter.subtree("a").and(ZNodePathFilter.subtree("b")).isNone())
                .isTrue();
        assertThat(ZNodePathFilter.all().and(node)).isSameAs(node);
    }

    @Test
    void noneMatchesNothingAndReadsNothing() {
        ZNodePathFilter none = ZNodePathFilter.none();
        assertThat(none.isAll()).isFalse();
        assertThat(none.isNone()).isTrue();
        assertThat(none.accepts("a")).isFalse();
        assertThat(none.mayLeadTo("")).isFalse();
        assertThat(none.mayLeadBelow("")).isFalse();
        assertThat(none.subtreeRoots()).isEmpty();
        assertThat(none).hasToString("prefixes=[]");
    }

    @Test
    void refusesPathsThatAreNotRelative() {
        assertThatThrownBy(() -> ZNodePathFilter.node("/a")).hasMessageContaining("'/a'");
        assertThatThrownBy(() -> ZNodePathFilter.node("")).hasMessageContaining("''");
        assertThatThrownBy(() -> ZNodePathFilter.subtree("a//b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        ZNodePathFilter f =
                ZNodePathFilter.subtrees(Arrays.asList("a", "b/c"))
                        .and(ZNodePathFilter.subtrees(Arrays.asList("a/x", "b")));
        ZNodePathFilter copy = InstantiationUtil.clone(f);
        assertThat(copy).isEqualTo(f).hasSameHashCodeAs(f);
        assertThat(copy.subtreeRoots()).containsExactly("a/x", "b/c");
        assertThat(InstantiationUtil.clone(ZNodePathFilter.all()).isAll()).isTrue();
    }
}
