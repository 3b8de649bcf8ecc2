package dev.zkflink.connector.zookeeper.testutils;

import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session on the server, for real, without touching its owner: a second handle connects with
 * the same session id and password, then closes, and the server closes the session. The owner's
 * next reconnect gets SessionExpired, as after a real expiry.
 *
 * <p>The owner's password is not needed: a ZooKeeper server derives it from the session id ({@code
 * ZooKeeperServer.generatePasswd}: 16 bytes of {@code new Random(id ^ 0xB3415C00L)}), which is how
 * a server of the ensemble checks it. Session ids come from the servers' {@code cons} (see {@link
 * ServerStats#sessions}).
 */
public final class SessionHijack {
    private static final long SERVER_SECRET = 0xB3415C00L;

    private SessionHijack() {}

    /**
     * Connects to {@code connectString} as session {@code sessionId} and closes it; returns whether
     * the session was still alive (the second handle got connected).
     */
    public static boolean expire(String connectString, long sessionId, long timeoutMillis)
            throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        CountDownLatch expired = new CountDownLatch(1);
        Watcher watcher =
                event -> {
                    if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                    } else if (event.getState() == Watcher.Event.KeeperState.Expired) {
                        expired.countDown();
                    }
                };
        ZooKeeper second =
                new ZooKeeper(
                        connectString, 30_000, watcher, sessionId, password(sessionId), false);
        try {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (System.currentTimeMillis() < deadline) {
                if (connected.await(50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
                if (expired.getCount() == 0) {
                    return false;
                }
            }
            return false;
        } finally {
            second.close(); // closeSession: the server ends the session for every handle
        }
    }

    /** The password the server gave session {@code sessionId}. */
    static byte[] password(long sessionId) {
        byte[] password = new byte[16];
        new Random(sessionId ^ SERVER_SECRET).nextBytes(password);
        return password;
    }

    /** Parses a session id as {@code cons} prints it ({@code 0x...}). */
    public static long parseSessionId(String hex) {
        return Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    }
}
