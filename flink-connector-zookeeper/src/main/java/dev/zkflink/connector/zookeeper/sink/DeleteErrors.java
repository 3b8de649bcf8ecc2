package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.zookeeper.KeeperException;

import java.io.IOException;

/**
 * The errors of a subtree delete that retrying cannot fix: the path, the code and, for NoAuth, the
 * permission and the identity (the user name only, never the password).
 */
final class DeleteErrors {
    private DeleteErrors() {}

    /** Listing the children of {@code path} failed; it needs READ on {@code path}. */
    static IOException listing(
            String path, KeeperException.Code code, ZooKeeperConnectionOptions connection) {
        return new IOException(
                String.format(
                        "Listing the children of znode '%s' failed with ZooKeeper code %s (%d).%s",
                        path,
                        code,
                        code.intValue(),
                        hint(code, "READ on '" + path + "'", connection)));
    }

    /** Deleting {@code path} failed; it needs DELETE on its parent. */
    static IOException deleting(
            String path, KeeperException.Code code, ZooKeeperConnectionOptions connection) {
        String parent = ZNodePaths.parent(path);
        return new IOException(
                String.format(
                        "Deleting znode '%s' failed with ZooKeeper code %s (%d).%s",
                        path,
                        code,
                        code.intValue(),
                        hint(code, "DELETE on its parent '" + parent + "'", connection)));
    }

    private static String hint(
            KeeperException.Code code, String permission, ZooKeeperConnectionOptions connection) {
        if (code != KeeperException.Code.NOAUTH) {
            return "";
        }
        String identities = connection.describeIdentities();
        return identities != null
                ? " This needs "
                        + permission
                        + ", and the ACL does not grant it to "
                        + identities
                        + "."
                : " This needs "
                        + permission
                        + ", and the ACL does not grant it to a client without credentials: set"
                        + " 'auth.digest.user' and 'auth.digest.password' (or 'auth.sasl.*', or a"
                        + " TLS client certificate) to an identity it grants.";
    }
}
