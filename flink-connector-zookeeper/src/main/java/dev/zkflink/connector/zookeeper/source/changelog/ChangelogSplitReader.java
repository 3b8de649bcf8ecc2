package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.SharedZooKeeperClients;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;
import dev.zkflink.connector.zookeeper.source.shared.SplitEntry;
import dev.zkflink.connector.zookeeper.source.shared.SubtreeWalker;
import dev.zkflink.connector.zookeeper.source.shared.ZNodeReadResults;

import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
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
 * <p>This class is the fetch loop; its parts are the session and its watch ({@link
 * WatchedSession}), the queue of dirty row paths ({@link ChangeQueue}) and the buckets it owns
 * ({@link OwnedBuckets}).
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
    private final ZNodePathFilter filter;
    private final ChangeRouter router;
    private final ChangelogReaderMetrics metrics;

    /** Row paths to read: from ZooKeeper's event thread, de-duplicated, taken in rounds. */
    private final ChangeQueue changes = new ChangeQueue();

    private final OwnedBuckets buckets = new OwnedBuckets();

    private final WatchedSession session;

    private long epoch;
    private SubtreeWalker walker;

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
        this.filter = filter;
        this.router = new ChangeRouter(layout, trackChildren);
        this.metrics = metrics;
        this.rereads = rereads;
        this.session =
                new WatchedSession(
                        options,
                        layout.getRootPath(),
                        watchPath(layout, filter),
                        metrics,
                        this::onChange,
                        changes::wakeUp);
        rereads.onRequest(changes::wakeUp);
        metrics.oldestUnreadEventSince(changes::oldestUnreadEventSince);
    }

    @Override
    public RecordsWithSplitIds<ZNodeObservation> fetch() throws IOException {
        try {
            return fetchRound();
        } finally {
            metrics.pendingReads(changes.size());
            metrics.resyncInProgress(walker != null || session.isResyncRequested());
        }
    }

    private RecordsWithSplitIds<ZNodeObservation> fetchRound() throws IOException {
        RecordsBySplits.Builder<ZNodeObservation> out = new RecordsBySplits.Builder<>();
        if (buckets.isEmpty()) {
            changes.poll(IDLE_POLL_MS);
            return out.build();
        }
        try {
            session.open();
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            return out.build(); // still connecting; Flink wants the fetch back (new splits, close)
        }
        rereads.drainTo(rereadRoots);
        if (session.takeResyncRequest()) {
            walker = null; // a newer walk replaces one in progress
            startResync();
            if (walker != null) {
                // The walk reads every subtree after the requests so far were made.
                rereadRoots.clear();
                rereadWalker = null;
                for (int bucket : buckets.ids()) {
                    out.add(
                            buckets.splitId(bucket),
                            ZNodeObservation.resyncStart(epoch, session.watchZxid()));
                }
            }
        }
        if (session.isResyncRequested()) {
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
            if (!session.prepareWalk()) {
                return; // asked for again; the next fetch tries
            }
            List<SplitEntry> entries = buckets.ownedOf(topLevelSubtrees());
            epoch++;
            if (session.takeConnectionResync()) {
                metrics.resyncStarted();
            }
            walker = new SubtreeWalker(layout, filter, true, session.reader(), entries);
            session.walkStarted();
            LOG.info(
                    "Walking {} top-level subtrees of {} for buckets {} (epoch {})",
                    entries.size(),
                    layout,
                    buckets.ids(),
                    epoch);
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            session.requestResync(); // started again on the next fetch
        }
    }

    /** Where walks start: the filter's roots, or every child of the table root. */
    private List<SplitEntry> topLevelSubtrees() throws IOException {
        if (!filter.isAll()) {
            return SplitEntry.rootsOf(filter);
        }
        String root = layout.getRootPath();
        OpResult r = session.reader().read(Collections.singletonList(Op.getChildren(root))).get(0);
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
        long sessionBefore = session.sessionId();
        List<OpResult> results;
        try {
            // One round within the reader's byte budget: a prefix of the ops when nodes are large.
            results = session.reader().readRound(ops);
        } catch (ZooKeeperWakeUp.WokenUpException e) {
            changes.putBack(round); // nothing was read; Flink wants the fetch back
            return;
        } catch (IOException e) {
            changes.putBack(round);
            throw e;
        }
        if (session.sessionReplaced(sessionBefore)) {
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
        long sessionBefore = session.sessionId();
        List<ZNodeRecord> rows = walker.next(options.getBatchSize() * options.getMaxInFlight());
        if (session.sessionReplaced(sessionBefore)) {
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
            rereadWalker =
                    new SubtreeWalker(
                            layout, filter, true, session.reader(), outermost(rereadRoots));
            rereadRoots.clear();
        }
        long sessionBefore = session.sessionId();
        List<ZNodeRecord> rows =
                rereadWalker.next(options.getBatchSize() * options.getMaxInFlight());
        if (session.sessionReplaced(sessionBefore)) {
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

    /** Runs on ZooKeeper's event thread: keep it short. */
    private void onChange(String absolutePath, Watcher.Event.EventType type) {
        router.route(
                absolutePath,
                type,
                relative -> {
                    if (buckets.owns(relative) && filter.accepts(relative)) {
                        changes.offer(relative);
                    }
                });
    }

    @Override
    public void handleSplitsChanges(SplitsChange<BucketSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported split change " + splitsChanges.getClass().getSimpleName());
        }
        buckets.add(splitsChanges.splits());
        // The new buckets' subtrees are walked; events from now on are kept for them.
        session.requestResync();
    }

    @Override
    public void wakeUp() {
        changes.wakeUp(); // ends a wait for events
        session.wakeUp(); // ends a wait for ZooKeeper: connecting, an answer, a backoff
    }

    @Override
    public void close() {
        session.close();
    }
}
