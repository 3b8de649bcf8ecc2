package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.KeeperException;

/**
 * {@code UNIMPLEMENTED} from a request that ZooKeeper 3.6 added: the server is older. It keeps the
 * code, so it stays terminal wherever errors are classified, and says which feature is missing
 * instead of ZooKeeper's bare "KeeperErrorCode = Unimplemented".
 */
@Internal
public final class MissingServerFeature extends KeeperException.UnimplementedException {
    private static final long serialVersionUID = 1L;

    private final String feature;
    private final String znodePath;

    private MissingServerFeature(String feature, String znodePath) {
        this.feature = feature;
        this.znodePath = znodePath;
    }

    /** {@code rc} itself, or this exception when {@code rc} is {@code UNIMPLEMENTED}. */
    public static KeeperException of(KeeperException.Code rc, String feature, String path) {
        return rc == KeeperException.Code.UNIMPLEMENTED
                ? new MissingServerFeature(feature, path)
                : KeeperException.create(rc, path);
    }

    @Override
    public String getPath() {
        return znodePath;
    }

    @Override
    public String getMessage() {
        return String.format(
                "The ZooKeeper server does not implement %s (for '%s'), which came in ZooKeeper"
                        + " 3.6: the connector needs servers of 3.6 or later to read, and to delete"
                        + " nodes that have children; creates, updates and deletes of leaves also"
                        + " work with 3.5.",
                feature, znodePath);
    }
}
