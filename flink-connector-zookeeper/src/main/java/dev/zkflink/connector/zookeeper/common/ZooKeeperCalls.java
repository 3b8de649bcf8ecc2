package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** What the batched reader and writer share about calling ZooKeeper directly. */
@Internal
public final class ZooKeeperCalls {
    private ZooKeeperCalls() {}

    /** The current handle; Curator replaces it after a session expiry. */
    public static ZooKeeper handle(CuratorFramework client, ZooKeeperConnectionOptions options)
            throws IOException {
        try {
            return client.getZookeeperClient().getZooKeeper();
        } catch (Exception e) {
            throw new IOException("No ZooKeeper connection to '" + options.getHosts() + "'", e);
        }
    }

    /**
     * Waits for an async call. A call with no answer within session plus connection timeout counts
     * as OperationTimeout, so a silent server never blocks a task forever.
     */
    public static <T> T await(CompletableFuture<T> future, ZooKeeperConnectionOptions options)
            throws IOException, KeeperException {
        return await(future, options, ZooKeeperWakeUp.NEVER);
    }

    /**
     * As {@link #await(CompletableFuture, ZooKeeperConnectionOptions)}, and ends at once with
     * {@link ZooKeeperWakeUp.WokenUpException} when {@code wakeUp} is woken.
     */
    public static <T> T await(
            CompletableFuture<T> future, ZooKeeperConnectionOptions options, ZooKeeperWakeUp wakeUp)
            throws IOException, KeeperException {
        long timeoutMs =
                options.getSessionTimeout().toMillis() + options.getConnectionTimeout().toMillis();
        return await(future, timeoutMs, wakeUp);
    }

    /**
     * Waits up to {@code timeoutMs} for an async call: its KeeperException as is, no answer in time
     * as OperationTimeout.
     */
    public static <T> T await(CompletableFuture<T> future, long timeoutMs)
            throws IOException, KeeperException {
        return await(future, timeoutMs, ZooKeeperWakeUp.NEVER);
    }

    private static <T> T await(CompletableFuture<T> future, long timeoutMs, ZooKeeperWakeUp wakeUp)
            throws IOException, KeeperException {
        try {
            return wakeUp.await(future, timeoutMs);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KeeperException) {
                throw (KeeperException) e.getCause();
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw KeeperException.create(KeeperException.Code.OPERATIONTIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for ZooKeeper", e);
        }
    }

    /**
     * Exponential backoff: {@code base} for attempt 1, doubling per attempt, never above {@code
     * max}.
     */
    public static long backoffMillis(long base, long max, int attempt) {
        return Math.min(base << Math.min(20, Math.max(0, attempt - 1)), max);
    }

    /** Errors after which the outcome is unknown and the connection or session comes back. */
    public static boolean isTransient(KeeperException.Code code) {
        return code == KeeperException.Code.CONNECTIONLOSS
                || code == KeeperException.Code.OPERATIONTIMEOUT
                || code == KeeperException.Code.SESSIONEXPIRED
                || code == KeeperException.Code.SESSIONMOVED;
    }
}
