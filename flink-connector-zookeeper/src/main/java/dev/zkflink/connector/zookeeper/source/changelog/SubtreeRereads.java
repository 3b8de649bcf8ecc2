package dev.zkflink.connector.zookeeper.source.changelog;

import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Subtrees the task thread asks the fetcher to read again: it emitted a delete of their root node
 * and, with it, deletes of the rows it tracked below (a consumer such as the relative-path sink
 * deletes them anyway). Rows still there must be inserted again, and only a read issued after the
 * request is sure to be emitted after those deletes.
 */
final class SubtreeRereads {
    private final ConcurrentLinkedQueue<String> requested = new ConcurrentLinkedQueue<>();
    private volatile Runnable onRequest = () -> {};

    /** Task thread. */
    void request(String relativePath) {
        requested.add(relativePath);
        onRequest.run();
    }

    /** Fetcher: called on every request, to end a wait for events. */
    void onRequest(Runnable wakeUp) {
        onRequest = wakeUp;
    }

    /** Fetcher: moves the requests into {@code into}. */
    void drainTo(Collection<String> into) {
        String path;
        while ((path = requested.poll()) != null) {
            into.add(path);
        }
    }
}
