package dev.zkflink.connector.zookeeper.source.reader;

import dev.zkflink.connector.zookeeper.common.SharedRecursiveWatch;
import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperCalls;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientFactory;
import dev.zkflink.connector.zookeeper.common.ZooKeeperClientLease;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.common.ZooKeeperLimits;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.common.ZxidAwareZooKeeper;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.split.BucketSplit;
import dev.zkflink.connector.zookeeper.source.split.SplitEntry;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fetcher side of a live read. The readers of a table in one TaskManager share one session and
 * one persistent recursive watch on the table root ({@link SharedZooKeeperClients}), whatever the
 * size of the tree and the parallelism; each keeps the events of its own buckets.
 *
 * <ul>
 *   <li>A watch event marks the affected row node dirty; dirty nodes are read in batched, pipelined
 *       {@code multi} reads. Reads are issued after the event arrived on the same session, so each
 *       read reflects the change (ZooKeeper delivers a watch event before any read that sees the
 *       change). Several events on one node before its read collapse into one read.
 *   <li>A walk of the buckets' subtrees (a resync) runs at the start, after every reconnect, after
 *       a session loss and when buckets are added. The watch is registered before the walk starts.
 *       At its end the task thread drops, as deletes, the tracked nodes no read saw since the walk
 *       began.
 *   <li>When the task thread deleted a row together with the rows it tracked below it, it asks for
 *       that subtree to be read again ({@link SubtreeRereads}); those reads are never silent, and a
 *       resync walk that starts later replaces them.
 *   <li>Every walk starts with a resync-start observation per bucket carrying the zxid the session
 *       had seen after a {@code sync}, with the shared watch in place: a {@code latest} read stays
 *       silent only about nodes not changed after that zxid (see {@link ChangelogRecordEmitter}).
 * </ul>
 *
 * <p>A pushed-down {@link ZNodePathFilter} narrows all of this: walks start from its roots, events
 * for rows it does not accept are dropped, and when it has exactly one root the shared watch is on
 * that root's path instead of the table root's (a watch on a node that does not exist yet is
 * allowed, and fires when it is created).
 *
 * <p>The task thread ({@link ChangelogRecordEmitter}) compares each observation's {@code czxid},
 * {@code mzxid} (and {@code pzxid}) with what it emitted before, so reads that see nothing new emit
 * nothing and a delete+recreate is never mistaken for "unchanged".
 */
final class ChangelogSplitReader implements SplitReader<ZNodeObservation, BucketSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogSplitReader.class);
    private static final long IDLE_POLL_MS = 100;

    private final ZNodeTreeLayout layout;
    private final ZooKeeperReadOptions options;
    private final ZooKeeperConnectionOptions connection;
    private final ZNodePathFilter filter;
    private final String watchPath;
    private final ChangeRouter router;
    private final ChangelogReaderMetrics metrics;

    /** Row paths to read: from ZooKeeper's event thread, de-duplicated, taken in rounds. */
    private final ChangeQueue changes = new ChangeQueue();

    private final AtomicBoolean resyncRequested = new AtomicBoolean();

    /** Set when the connection (not a new bucket) asked for the walk: counted as a resync. */
    private final AtomicBoolean connectionResync = new AtomicBoolean();

    private final OwnedBuckets buckets = new OwnedBuckets();

    /** Cuts short the fetcher's waits for ZooKeeper when Flink calls {@link #wakeUp()}. */
    private final ZooKeeperWakeUp wake = new ZooKeeperWakeUp();

    private ZooKeeperClientLease lease;
    private SharedRecursiveWatch watch;
    private CuratorFramework client;
    private ZNodeBatchReader reader;
    private long watchedSessionId;

    /** The newest zxid the session had seen before its current watch was added. */
    private long watchZxid = BucketSplit.NO_ZXID;

    private long epoch;
    private SubtreeWalker walker;
    private int failedResyncStarts;

    private final SubtreeRereads rereads;

    /**
     * Subtrees to read again, in request order without repeats: at most one per row node. They are
     * read by one walk at a time, like {@link #walker} but without resync semantics.
     */
    private final LinkedHashSet<String> rereadRoots = new LinkedHashSet<>();

    private SubtreeWalker rereadWalker;

    ChangelogSplitReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            boolean trackChildren,
            ChangelogReaderMetrics metrics,
            SubtreeRereads rereads) {
        this(layout, options, ZNodePathFilter.all(), trackChildren, metrics, rereads);
    }

    ChangelogSplitReader(
            ZNodeTreeLayout layout,
            ZooKeeperReadOptions options,
            ZNodePathFilter filter,
            boolean trackChildren,
            ChangelogReaderMetrics metrics,
            SubtreeRereads rereads) {
        this.layout = layout;
        this.options = options;
        this.connection = options.getConnection();
        this.filter = filter;
        this.watchPath = watchPath(layout, filter);
        this.router = new ChangeRouter(layout, trackChildren);
        this.metrics = metrics;
        this.rereads = rereads;
        rereads.onRequest(changes::wakeUp);
        metrics.oldestUnreadEventSince(changes::oldestUnreadEventSince);
    }

    @Override
    public RecordsWithSplitIds<ZNodeObservation> fetch() throws IOException {
        try {
            return fetchRound();
        } finally {
            metrics.pendingReads(changes.size());
            metrics.resyncInProgress(walker != null || resyncRequested.get());
        }
    }

    private RecordsWithSplitIds<ZNodeObservation> fetchRound() throws IOException {
        RecordsBySplits.Builder<ZNodeObservation> out = new RecordsBySplits.Builder<>();
        if (buckets.isEmpty()) {
            changes.poll(IDLE_POLL_MS);
            return out.build();
        }
        try {
            ensureClient();
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            return out.build(); // still connecting; Flink wants the fetch back (new splits, close)
        }
        rereads.drainTo(rereadRoots);
        if (resyncRequested.getAndSet(false)) {
            walker = null; // a newer walk replaces one in progress
            startResync();
            if (walker != null) {
                // The walk reads every subtree after the requests so far were made.
                rereadRoots.clear();
                rereadWalker = null;
                for (int bucket : buckets.ids()) {
                    out.add(
                            buckets.splitId(bucket),
                            ZNodeObservation.resyncStart(epoch, watchZxid));
                }
            }
        }
        if (resyncRequested.get()) {
            changes.poll(IDLE_POLL_MS); // not connected yet; try again on the next fetch
            return out.build();
        }
        boolean idle = walker == null && rereadWalker == null && rereadRoots.isEmpty();
        changes.poll(idle && !changes.hasReadsToDo() ? IDLE_POLL_MS : 0);
        rereads.drainTo(rereadRoots);
        if (changes.hasReadsToDo()) {
            readDirty(out);
        }
        if (walker != null) {
            walkRound(out);
        }
        if (rereadWalker != null || !rereadRoots.isEmpty()) {
            rereadRound(out);
        }
        return out.build();
    }

    /** The table root, or the filter's only root: the narrowest path whose watch sees every row. */
    static String watchPath(ZNodeTreeLayout layout, ZNodePathFilter filter) {
        List<String> roots = filter.subtreeRoots();
        return roots.size() == 1 ? layout.absolute(roots.get(0)) : layout.getRootPath();
    }

    private void startResync() throws IOException {
        try {
            if (!client.getZookeeperClient().isConnected()) {
                throw KeeperException.create(KeeperException.Code.CONNECTIONLOSS);
            }
            ZooKeeper zk = ZooKeeperCalls.handle(client, connection);
            if (zk.getSessionId() != watchedSessionId) {
                // A new session (first start or after expiry): make sure the shared watch is on it
                // before reading. This reader receives its events since before the sync, so the
                // zxid seen after the sync is the start point of a 'latest' read: every later
                // change reaches it as an event, and the walk reports what changed in between.
                awaitVoid(cb -> zk.sync(layout.getRootPath(), cb, null));
                long beforeWatch = ZxidAwareZooKeeper.lastSeenZxid(zk);
                ZooKeeperCalls.await(watch.ensureWatched(zk), connection, wake);
                watchedSessionId = zk.getSessionId();
                watchZxid = beforeWatch;
            }
            // A new session may sit on a server that lags behind the one we read from before.
            awaitVoid(cb -> zk.sync(layout.getRootPath(), cb, null));
            List<SplitEntry> entries = buckets.ownedOf(topLevelSubtrees());
            epoch++;
            if (connectionResync.getAndSet(false)) {
                metrics.resyncStarted();
            }
            walker = new SubtreeWalker(layout, filter, true, reader, entries);
            failedResyncStarts = 0;
            LOG.info(
                    "Walking {} top-level subtrees of {} for buckets {} (epoch {})",
                    entries.size(),
                    layout,
                    buckets.ids(),
                    epoch);
        } catch (KeeperException e) {
            if (!ZooKeeperCalls.isTransient(e.code())) {
                throw new IOException("Watching '" + watchPath + "' failed: " + e.getMessage(), e);
            }
            if (++failedResyncStarts > connection.getMaxRetries()) {
                throw new IOException(
                        String.format(
                                "Could not re-read '%s' from ZooKeeper at '%s' after %d attempts "
                                        + "('connection.max-retries'): %s",
                                layout.getRootPath(),
                                connection.getHosts(),
                                failedResyncStarts - 1,
                                e.getMessage()),
                        e);
            }
            resyncRequested.set(true);
            try {
                awaitConnection();
            } catch (ZooKeeperWakeUp.WokenUpException woken) {
                // started again on the next fetch
            }
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            resyncRequested.set(true); // started again on the next fetch
        }
    }

    /** Where walks start: the filter's roots, or every child of the table root. */
    private List<SplitEntry> topLevelSubtrees() throws IOException {
        if (!filter.isAll()) {
            return SplitEntry.rootsOf(filter);
        }
        String root = layout.getRootPath();
        OpResult r = reader.read(Collections.singletonList(Op.getChildren(root))).get(0);
        if (ZNodeReadResults.isGone(r, "Listing the children", root)) {
            return Collections.emptyList(); // no root: every tracked row is gone
        }
        List<SplitEntry> entries = new ArrayList<>();
        for (String child : layout.childPaths("", ((OpResult.GetChildrenResult) r).getChildren())) {
            entries.add(SplitEntry.subtree(child));
        }
        return entries;
    }

    private void readDirty(RecordsBySplits.Builder<ZNodeObservation> out) throws IOException {
        LinkedHashMap<String, Long> round =
                changes.takeRound(options.getBatchSize() * options.getMaxInFlight());
        List<Op> ops = new ArrayList<>(round.size());
        for (String relative : round.keySet()) {
            ops.add(Op.getData(layout.absolute(relative)));
        }
        long session = sessionId();
        List<OpResult> results;
        try {
            // One round within the reader's byte budget: a prefix of the ops when nodes are large.
            results = reader.readRound(ops);
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            changes.putBack(round); // nothing was read; Flink wants the fetch back
            return;
        } catch (IOException e) {
            changes.putBack(round);
            throw e;
        }
        if (sessionReplaced(session)) {
            changes.putBack(round); // read again after the new session is watched and synced
            return;
        }
        LinkedHashMap<String, Long> unread = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Long> e : round.entrySet()) {
            if (i >= results.size()) {
                unread.put(e.getKey(), e.getValue());
                continue;
            }
            String relative = e.getKey();
            OpResult r = results.get(i++);
            String splitId = buckets.splitIdOf(relative);
            if (ZNodeReadResults.isGone(r, "getData", layout.absolute(relative))) {
                out.add(splitId, ZNodeObservation.absent(relative, epoch));
            } else {
                OpResult.GetDataResult data = (OpResult.GetDataResult) r;
                out.add(
                        splitId,
                        ZNodeObservation.present(
                                relative, data.getData(), data.getStat(), epoch, false));
            }
        }
        changes.putBack(unread);
    }

    private void walkRound(RecordsBySplits.Builder<ZNodeObservation> out) throws IOException {
        long session = sessionId();
        List<ZNodeRecord> rows = walker.next(options.getBatchSize() * options.getMaxInFlight());
        if (sessionReplaced(session)) {
            walker = null; // the walk starts again on the new session
            return;
        }
        for (ZNodeRecord row : rows) {
            out.add(
                    buckets.splitIdOf(row.getRelativePath()),
                    ZNodeObservation.present(
                            row.getRelativePath(), row.getData(), row.getStat(), epoch, true));
        }
        if (!walker.hasNext()) {
            walker = null;
            for (int bucket : buckets.ids()) {
                out.add(buckets.splitId(bucket), ZNodeObservation.resyncEnd(epoch));
            }
        }
    }

    /** One round of reading requested subtrees again; their rows are emitted like event reads. */
    private void rereadRound(RecordsBySplits.Builder<ZNodeObservation> out) throws IOException {
        if (rereadWalker == null) {
            rereadWalker = new SubtreeWalker(layout, filter, true, reader, outermost(rereadRoots));
            rereadRoots.clear();
        }
        long session = sessionId();
        List<ZNodeRecord> rows =
                rereadWalker.next(options.getBatchSize() * options.getMaxInFlight());
        if (sessionReplaced(session)) {
            rereadWalker = null; // the resync walk on the new session reads every subtree
            return;
        }
        for (ZNodeRecord row : rows) {
            out.add(
                    buckets.splitIdOf(row.getRelativePath()),
                    ZNodeObservation.reread(
                            row.getRelativePath(), row.getData(), row.getStat(), epoch));
        }
        if (!rereadWalker.hasNext()) {
            rereadWalker = null;
        }
    }

    /** The subtrees of {@code roots} not inside another one of them. */
    private static List<SplitEntry> outermost(Set<String> roots) {
        List<SplitEntry> entries = new ArrayList<>(roots.size());
        for (String root : roots) {
            boolean inside = false;
            for (int i = root.lastIndexOf('/');
                    i > 0 && !inside;
                    i = root.lastIndexOf('/', i - 1)) {
                inside = roots.contains(root.substring(0, i));
            }
            if (!inside) {
                entries.add(SplitEntry.subtree(root));
            }
        }
        return entries;
    }

    private long sessionId() throws IOException {
        return ZooKeeperCalls.handle(client, connection).getSessionId();
    }

    /**
     * Whether the reads since {@code before} may have gone to a new session (after an expiry),
     * possibly on a server that lags behind: such reads are dropped and done again after the new
     * session has its watch and has been synced.
     */
    private boolean sessionReplaced(long before) throws IOException {
        long now = sessionId();
        if (now == before && now == watchedSessionId) {
            return false;
        }
        requestConnectionResync();
        return true;
    }

    /** Runs on ZooKeeper's event thread: keep it short. */
    private void onWatchedEvent(WatchedEvent event) {
        if (event.getType() == Watcher.Event.EventType.None) {
            return; // connection states come through Curator's listener
        }
        metrics.eventReceived();
        router.route(
                event.getPath(),
                event.getType(),
                relative -> {
                    if (buckets.owns(relative) && filter.accepts(relative)) {
                        changes.offer(relative);
                    }
                });
    }

    private void onConnectionState(ConnectionState state) {
        switch (state) {
            case CONNECTED:
                metrics.connected(true);
                break;
            case RECONNECTED:
                metrics.connected(true);
                metrics.reconnected();
                requestConnectionResync(); // events while disconnected are not replayed
                changes.wakeUp();
                break;
            case SUSPENDED:
                metrics.connected(false);
                requestConnectionResync();
                break;
            case LOST:
                metrics.connected(false);
                metrics.sessionLost();
                requestConnectionResync();
                break;
            default:
                break;
        }
    }

    private void requestConnectionResync() {
        connectionResync.set(true);
        resyncRequested.set(true);
    }

    private void ensureClient() throws IOException {
        if (client != null) {
            return;
        }
        int clientLimit = ZooKeeperLimits.readerResponseLimit(connection.getJuteMaxBuffer());
        lease =
                SharedZooKeeperClients.acquire(
                        SharedZooKeeperClients.Role.READER, connection, clientLimit);
        lease.addConnectionStateListener((cf, state) -> onConnectionState(state));
        watch = lease.subscribe(watchPath, this::onWatchedEvent);
        client = lease.client();
        // A shared client may be connected already: then no CONNECTED state reaches this reader.
        metrics.connected(client.getZookeeperClient().isConnected());
        reader =
                new ZNodeBatchReader(
                        client,
                        connection,
                        options.getBatchSize(),
                        options.getMaxInFlight(),
                        clientLimit,
                        wake);
        awaitConnection();
    }

    /**
     * Waits up to {@code connection.timeout} for a connection, or until woken. Not connecting is no
     * failure here: the next read fails and counts against {@code connection.max-retries}.
     */
    private void awaitConnection() throws IOException {
        try {
            ZooKeeperClientFactory.awaitConnection(
                    client, connection, System.currentTimeMillis(), wake);
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            throw e;
        } catch (IOException e) {
            LOG.warn(
                    "No connection to ZooKeeper at '{}' within 'connection.timeout' ({}).",
                    connection.getHosts(),
                    connection.getConnectionTimeout());
        }
    }

    private interface AsyncVoidCall {
        void call(org.apache.zookeeper.AsyncCallback.VoidCallback callback);
    }

    private void awaitVoid(AsyncVoidCall call) throws IOException, KeeperException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        call.call(
                (rc, path, ctx) -> {
                    if (rc == KeeperException.Code.OK.intValue()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(
                                KeeperException.create(KeeperException.Code.get(rc), path));
                    }
                });
        ZooKeeperCalls.await(done, connection, wake);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<BucketSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported split change " + splitsChanges.getClass().getSimpleName());
        }
        buckets.add(splitsChanges.splits());
        // The new buckets' subtrees are walked; events from now on are kept for them.
        resyncRequested.set(true);
    }

    @Override
    public void wakeUp() {
        changes.wakeUp(); // ends a wait for events
        wake.wakeUp(); // ends a wait for ZooKeeper: connecting, an answer, a backoff
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
        }
    }
}
