package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.KeeperException;

import javax.annotation.Nullable;

import java.io.IOException;

/**
 * The errors of a write that retrying cannot fix: the path (or the table root when the error names
 * no operation), the code and a hint at the option or server setting that explains it. Never a
 * secret: for NoAuth only the digest user's name.
 */
final class WriteErrors {
    private WriteErrors() {}

    /** A write below {@code rootPath} failed with a terminal code. */
    static IOException writing(
            @Nullable String path,
            KeeperException e,
            ZooKeeperWriteOptions options,
            String rootPath) {
        String what = path == null ? "below '" + rootPath + "'" : "znode '" + path + "'";
        return new IOException(
                String.format(
                        "Writing %s failed with ZooKeeper code %s (%d).%s",
                        what, e.code(), e.code().intValue(), hint(e.code(), options)),
                e);
    }

    /** The verified plan of a chunk failed again and again. */
    static IOException keepsChanging(String path, KeeperException e, int replans) {
        return new IOException(
                String.format(
                        "Writing '%s' failed with %s %d times in a row: the tree keeps changing under the sink.",
                        path, e.code(), replans),
                e);
    }

    private static String hint(KeeperException.Code code, ZooKeeperWriteOptions options) {
        ZNodeCreateMode mode = options.getCreateMode();
        if (code == KeeperException.Code.NOAUTH) {
            String identities = options.getConnection().describeIdentities();
            String hint =
                    identities != null
                            ? " The ACL of the node or its parent does not grant "
                                    + identities
                                    + " this permission."
                            : " The node or its parent has an ACL; set 'auth.digest.user' and"
                                    + " 'auth.digest.password' (or 'auth.sasl.*', or a TLS client"
                                    + " certificate) to an identity it grants.";
            if (!options.getAcl().isOpen()) {
                hint +=
                        " Nodes this sink creates get 'sink.acl' = '"
                                + options.getAcl()
                                + "': it must grant the table's own identity the permissions"
                                + " the sink needs (c and w; d for deletes; r for sequential and"
                                + " conditional writes, which read what they find).";
            }
            return hint;
        } else if (code == KeeperException.Code.NOTEMPTY && mode.isEphemeral()) {
            return String.format(
                    " 'sink.create-mode' = '%s' replaces a node that another session owns"
                            + " (or a persistent node) by this writer's ephemeral node, and"
                            + " this node has children, so it cannot become ephemeral.",
                    mode);
        } else if (code == KeeperException.Code.NOCHILDRENFOREPHEMERALS) {
            return " Its parent is an ephemeral node, and ephemeral nodes cannot have children:"
                    + " keep rows of an ephemeral table as leaves, below persistent parents.";
        } else if (code == KeeperException.Code.UNIMPLEMENTED && mode.isTtl()) {
            return String.format(
                    " 'sink.create-mode' = '%s' creates TTL nodes, which the servers refuse"
                            + " unless they run with 'zookeeper.extendedTypesEnabled=true'"
                            + " (a Java system property of every server).",
                    mode);
        } else if (code == KeeperException.Code.INVALIDACL) {
            return " The server refused 'sink.acl' = '" + options.getAcl() + "'.";
        }
        return "";
    }
}
