package dev.zkflink.connector.zookeeper.e2e;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A subtree as a plain ZooKeeper client sees it, for exact comparisons in tests: every node below a
 * root (the root itself left out), by its path relative to the root, with its data and data
 * version, e.g. {@code "search/typo" -> "{\"enabled\":true} v1"} and {@code "search" -> " v0"}.
 */
final class ZNodeTreeSnapshot {
    private ZNodeTreeSnapshot() {}

    /** Creates each node (and its parents, with empty data) with the given data. */
    static void seed(CuratorFramework client, String root, Map<String, String> nodes)
            throws Exception {
        for (Map.Entry<String, String> node : nodes.entrySet()) {
            client.create()
                    .creatingParentsIfNeeded()
                    .forPath(
                            root + "/" + node.getKey(),
                            node.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The nodes below {@code root}, sorted by path; empty if the root has no children. */
    static Map<String, String> of(CuratorFramework client, String root) throws Exception {
        Map<String, String> nodes = new TreeMap<>();
        collect(client, root, "", nodes);
        return nodes;
    }

    /** The form {@link #of} gives a node. */
    static String node(String data, int version) {
        return data + " v" + version;
    }

    private static void collect(
            CuratorFramework client, String path, String relative, Map<String, String> nodes)
            throws Exception {
        for (String child : client.getChildren().forPath(path)) {
            String childPath = path + "/" + child;
            String childRelative = relative.isEmpty() ? child : relative + "/" + child;
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(childPath);
            nodes.put(
                    childRelative,
                    node(
                            data == null ? "" : new String(data, StandardCharsets.UTF_8),
                            stat.getVersion()));
            collect(client, childPath, childRelative, nodes);
        }
    }
}
