package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.common.PathUtils;

/** Path helpers shared by the source and the sink. */
@Internal
public final class ZNodePaths {
    /** ZooKeeper's own subtree ({@code /zookeeper}: quotas, config); never a table row. */
    public static final String SYSTEM_NODE = "zookeeper";

    private ZNodePaths() {}

    /**
     * Whether {@code absolute} lies in ZooKeeper's own {@code /zookeeper} subtree, which a table or
     * sink rooted at {@code /} neither reads nor writes: a row written there could never be read
     * back.
     */
    public static boolean isSystemPath(String root, String absolute) {
        return "/".equals(root)
                && (absolute.equals("/" + SYSTEM_NODE)
                        || absolute.startsWith("/" + SYSTEM_NODE + "/"));
    }

    /** Validates a table root: absolute, no trailing slash, legal for ZooKeeper. */
    public static String validateRoot(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("'path' must not be empty.");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(
                    String.format(
                            "'path' must be an absolute znode path starting with '/', but was '%s'.",
                            path));
        }
        if (path.length() > 1 && path.endsWith("/")) {
            throw new IllegalArgumentException(
                    String.format(
                            "'path' must not end with '/', but was '%s'. Use '%s'.",
                            path, path.substring(0, path.length() - 1)));
        }
        try {
            PathUtils.validatePath(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format("'path' is not a valid znode path: %s", e.getMessage()), e);
        }
        return path;
    }

    /** Joins a root and a path relative to it ({@code "a/b"}); the root may be {@code "/"}. */
    public static String join(String root, String relative) {
        if (relative.isEmpty()) {
            return root;
        }
        return "/".equals(root) ? "/" + relative : root + "/" + relative;
    }

    /** The path of {@code absolute} relative to {@code root}; empty for the root itself. */
    public static String relativize(String root, String absolute) {
        if (absolute.equals(root)) {
            return "";
        }
        return "/".equals(root) ? absolute.substring(1) : absolute.substring(root.length() + 1);
    }

    /** Number of levels of {@code relative} below the root: {@code ""} is 0, {@code "a/b"} is 2. */
    public static int depth(String relative) {
        if (relative.isEmpty()) {
            return 0;
        }
        int n = 1;
        for (int i = 0; i < relative.length(); i++) {
            if (relative.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /** The parent of an absolute path, or {@code null} for {@code "/"}. */
    public static String parent(String absolute) {
        int i = absolute.lastIndexOf('/');
        if (i < 0 || absolute.equals("/")) {
            return null;
        }
        return i == 0 ? "/" : absolute.substring(0, i);
    }
}
