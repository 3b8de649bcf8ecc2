package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

import java.io.IOException;

/** Lookup failures that name the path, the hosts and the option to change; never a secret. */
final class LookupErrors {
    private LookupErrors() {}

    static IOException failed(
            String path, KeeperException e, ZooKeeperConnectionOptions connection) {
        if (e.code() == KeeperException.Code.NOAUTH) {
            String identities = connection.describeIdentities();
            return new IOException(
                    String.format(
                            "Lookup of znode '%s' at '%s' was refused (NoAuth): %s. Set"
                                    + " 'auth.digest.user' and 'auth.digest.password' (or"
                                    + " 'auth.sasl.*', or a TLS client certificate) to an identity"
                                    + " the node's ACL allows to read.",
                            path,
                            connection.getHosts(),
                            identities != null
                                    ? identities + " may not read it"
                                    : "the table has no credentials"),
                    e);
        }
        return new IOException(
                String.format(
                        "Lookup of znode '%s' at '%s' failed: %s.",
                        path, connection.getHosts(), e.code()),
                e);
    }

    static IOException gaveUp(
            String path, KeeperException e, int retries, ZooKeeperConnectionOptions connection) {
        return new IOException(
                String.format(
                        "Giving up the lookup of znode '%s' at '%s' after %d retries"
                                + " ('lookup.max-retries'): %s.",
                        path, connection.getHosts(), retries, e.code()),
                e);
    }

    /** A per-op error in a batched read: NONODE means the node went; anything else fails. */
    static void requireNoNode(OpResult r, String path, ZooKeeperConnectionOptions connection)
            throws IOException {
        if (r instanceof OpResult.ErrorResult) {
            KeeperException.Code code =
                    KeeperException.Code.get(((OpResult.ErrorResult) r).getErr());
            if (code == KeeperException.Code.NONODE) {
                return;
            }
            throw failed(path, KeeperException.create(code, path), connection);
        }
        throw new IOException("Unexpected result " + r + " reading '" + path + "'");
    }
}
