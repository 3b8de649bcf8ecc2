package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One ZooKeeper session per table side per TaskManager, not one per subtask.
 *
 * <p>A TaskManager that runs 64 subtasks of a table would otherwise open 64 sessions, beyond the
 * server's default of 60 connections per client address ({@code maxClientCnxns}), and every live
 * reader would hold its own watch on the whole tree, so the server's notification work would grow
 * with parallelism instead of with data. Here every source reader of a table in one JVM (one
 * classloader: in Flink, one job per TaskManager) shares one client, and every sink writer and
 * committer shares another; live readers also share one persistent recursive watch on the root
 * ({@link SharedRecursiveWatch}). The client is opened by the first lease and closed, within a
 * bound, when the last lease is closed.
 *
 * <p>Clients are shared only between users with identical connection settings (credentials and
 * client properties included) and the same response limit. Sources and sinks never share: a sink's
 * large transactions would delay a reader's watch events on the same socket.
 */
@Internal
public final class SharedZooKeeperClients {

    /** Which side of a table a client serves. */
    public enum Role {
        READER,
        WRITER
    }

    private static final Map<Key, Shared> CLIENTS = new HashMap<>();

    private SharedZooKeeperClients() {}

    /**
     * A lease on the shared client for these settings; opens and starts it if there is none. The
     * client may still be connecting: wait with {@link ZooKeeperClientFactory#awaitConnection}.
     */
    public static ZooKeeperClientLease acquire(
            Role role, ZooKeeperConnectionOptions options, int clientMaxPacketBytes) {
        return acquire(role, options, clientMaxPacketBytes, !options.isSharedSession());
    }

    /**
     * As {@link #acquire(Role, ZooKeeperConnectionOptions, int)}; with {@code ownSession} the
     * client is this caller's alone, whatever 'connection.shared-session' says (an ephemeral sink's
     * nodes must live and die with one subtask).
     */
    public static ZooKeeperClientLease acquire(
            Role role,
            ZooKeeperConnectionOptions options,
            int clientMaxPacketBytes,
            boolean ownSession) {
        Key key = new Key(role, options, clientMaxPacketBytes, ownSession ? new Object() : null);
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.get(key);
            if (shared == null) {
                CuratorFramework client =
                        ZooKeeperClientFactory.create(options, clientMaxPacketBytes);
                client.start();
                shared = new Shared(key, client);
                CLIENTS.put(key, shared);
            }
            shared.leases++;
            return new ZooKeeperClientLease(shared);
        }
    }

    /** How many shared clients are open in this JVM (for tests). */
    public static int openClients() {
        synchronized (CLIENTS) {
            return CLIENTS.size();
        }
    }

    static void release(Shared shared) {
        synchronized (CLIENTS) {
            if (--shared.leases > 0) {
                return;
            }
            CLIENTS.remove(shared.key);
        }
        BoundedClientClose.close(shared.client, shared.key.role.name().toLowerCase());
    }

    /** A client and what is shared on it; guarded by the registry's lock except the client. */
    static final class Shared {
        final Key key;
        final CuratorFramework client;
        private final Map<String, SharedRecursiveWatch> watches = new HashMap<>();
        private int leases;

        private Shared(Key key, CuratorFramework client) {
            this.key = key;
            this.client = client;
        }

        SharedRecursiveWatch watch(String rootPath) {
            synchronized (CLIENTS) {
                return watches.computeIfAbsent(
                        rootPath, p -> new SharedRecursiveWatch(client, key.options, p));
            }
        }
    }

    /** Equal settings share; the password is compared but never printed. */
    private static final class Key {
        final Role role;
        final ZooKeeperConnectionOptions options;
        final int clientMaxPacketBytes;

        /** Set for a client of its own ('connection.shared-session' = false): equal to no other. */
        final Object unshared;

        Key(
                Role role,
                ZooKeeperConnectionOptions options,
                int clientMaxPacketBytes,
                Object unshared) {
            this.role = role;
            this.options = options;
            this.clientMaxPacketBytes = clientMaxPacketBytes;
            this.unshared = unshared;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return role == k.role
                    && clientMaxPacketBytes == k.clientMaxPacketBytes
                    && unshared == k.unshared
                    && options.equals(k.options);
        }

        @Override
        public int hashCode() {
            return Objects.hash(role, options, clientMaxPacketBytes, unshared);
        }
    }
}
