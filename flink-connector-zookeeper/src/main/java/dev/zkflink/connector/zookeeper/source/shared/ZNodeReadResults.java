package dev.zkflink.connector.zookeeper.source.shared;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

import java.io.IOException;

/**
 * The one rule for a node's result in a batched read: NONODE means the node is gone (deleted since
 * it was listed or changed, which a live or snapshot read expects); any other error fails the read
 * and names the call, the path and the code.
 */
@Internal
public final class ZNodeReadResults {
    private ZNodeReadResults() {}

    /**
     * Whether {@code r} says the node is gone; false for a successful result.
     *
     * @param call what was read, for the error: "getData", "Listing the children", ...
     * @throws IOException for any other error
     */
    public static boolean isGone(OpResult r, String call, String absolutePath) throws IOException {
        if (!(r instanceof OpResult.ErrorResult)) {
            return false;
        }
        int err = ((OpResult.ErrorResult) r).getErr();
        if (err == KeeperException.Code.NONODE.intValue()) {
            return true;
        }
        throw new IOException(
                String.format(
                        "%s of '%s' failed with ZooKeeper code %s.",
                        call, absolutePath, KeeperException.Code.get(err)));
    }
}
