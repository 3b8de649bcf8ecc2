package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.RetryingCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperAsyncCalls.ZNodeState;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The reads a writer makes to decide what to write: existence, data, children and a sync with the
 * leader, each retried within the writer's {@link WriteRetryBudget}. A missing node is an answer
 * ({@link ZooKeeperAsyncCalls}); a terminal error is a {@link WriteErrors#writing} error.
 */
final class WriterReads {
    private static final int EXISTS_WINDOW = 1000;

    private final CuratorFramework client;
    private final ZooKeeperWriteOptions options;
    private final String rootPath;
    private final WriteRetryBudget retries;

    WriterReads(
            CuratorFramework client,
            ZooKeeperWriteOptions options,
            String rootPath,
            WriteRetryBudget retries) {
        this.client = client;
        this.options = options;
        this.rootPath = rootPath;
        this.retries = retries;
    }

    /**
     * The existence of each path, in pipelined rounds of {@code exists} calls; null for a missing
     * node. A success refills the budget: verifying is what lets the next transaction succeed.
     */
    Map<String, Stat> existence(Collection<String> paths) throws IOException {
        List<String> list = new ArrayList<>(paths);
        return RetryingCalls.retry(
                () -> {
                    Map<String, Stat> result = new HashMap<>();
                    for (int start = 0; start < list.size(); start += EXISTS_WINDOW) {
                        ZooKeeper zk = zooKeeper();
                        List<String> window =
                                list.subList(start, Math.min(list.size(), start + EXISTS_WINDOW));
                        List<CompletableFuture<Stat>> futures = new ArrayList<>(window.size());
                        for (String p : window) {
                            futures.add(ZooKeeperAsyncCalls.exists(zk, p));
                        }
                        for (int i = 0; i < window.size(); i++) {
                            result.put(window.get(i), retries.await(futures.get(i)));
                        }
                    }
                    retries.progress();
                    return result;
                },
                retries,
                e -> {
                    throw WriteErrors.writing(e.getPath(), e, options, rootPath);
                });
    }

    // The reads below do not refill the budget: a read inside a retry loop must not prolong it.

    ZNodeState read(String path) throws IOException {
        return RetryingCalls.retry(
                () -> retries.await(ZooKeeperAsyncCalls.getData(zooKeeper(), path)),
                retries,
                e -> {
                    throw WriteErrors.writing(path, e, options, rootPath);
                });
    }

    List<String> children(String path) throws IOException {
        return RetryingCalls.retry(
                () -> retries.await(ZooKeeperAsyncCalls.children(zooKeeper(), path)),
                retries,
                e -> {
                    throw WriteErrors.writing(path, e, options, rootPath);
                });
    }

    void sync(String path) throws IOException {
        RetryingCalls.retry(
                () -> retries.await(ZooKeeperAsyncCalls.sync(zooKeeper(), path)),
                retries,
                e -> {
                    throw WriteErrors.writing(path, e, options, rootPath);
                });
    }

    private ZooKeeper zooKeeper() throws IOException {
        return ZooKeeperCalls.handle(client, options.getConnection());
    }
}
