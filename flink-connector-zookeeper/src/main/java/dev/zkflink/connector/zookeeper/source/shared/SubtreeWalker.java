package dev.zkflink.connector.zookeeper.source.shared;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodeChildren;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodePaths;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperWakeUp;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Walks all entries of a split depth-first in blocks, with sorted children, one round of batched
 * reads per {@link #next}; reads of many small entries share requests. Nodes deleted while walking
 * are skipped.
 *
 * <p>The walk cuts the entries into blocks of {@link #BLOCK} nodes and reads a block's rows; the
 * children of the block's inner nodes, in order, form the next frame, which is cut into blocks and
 * walked the same way before the block after it. So what the walk holds is one frame per level of
 * the path it is on: the rest of the listings it is consuming and a block, never a whole level, and
 * each listing once, shrinking as it is consumed.
 *
 * <p>The order of the rows depends only on the tree and {@link #BLOCK}, not on the round size or
 * timing, so it is fixed for an unchanged tree and a restored reader can skip the rows it already
 * emitted. With {@code levels} keys it is sorted order; up to {@link #BLOCK} nodes per level of a
 * split it is breadth-first order, as the walker of earlier versions had.
 *
 * <p>A {@link ZNodePathFilter} narrows the walk: listed children that cannot lead to an accepted
 * row are dropped before they enter a block, rows it does not accept are not read, and nodes are
 * descended into only where accepted rows may lie below. Without data ({@code readData} false) rows
 * listed by their parent are emitted as listed, with empty data and no Stat; a row that is an entry
 * of the split is checked with {@code getChildren}, never {@code getData}.
 */
@Internal
public final class SubtreeWalker {
    /** Nodes per block. Part of the row order that restores skip by: do not change it. */
    static final int BLOCK = 512;

    private final ZNodeTreeLayout layout;
    private final ZNodeBatchReader reader;
    private final boolean rowsDecideDescent;
    private final ZNodePathFilter filter;
    private final boolean readData;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private long peakRetainedNames;

    /**
     * Planned reads the last round did not get to (the reader's byte budget cut it short, or a
     * wake-up): they open the next round, so rows come out in planning order whatever the cut.
     */
    private Round carried;

    public SubtreeWalker(
            ZNodeTreeLayout layout, ZNodeBatchReader reader, List<SplitEntry> entries) {
        this(layout, ZNodePathFilter.all(), true, reader, entries);
    }

    /**
     * @param filter the rows to return; the entries lie inside its roots
     * @param readData read each row's data and Stat, or only list (keys-only rows)
     */
    public SubtreeWalker(
            ZNodeTreeLayout layout,
            ZNodePathFilter filter,
            boolean readData,
            ZNodeBatchReader reader,
            List<SplitEntry> entries) {
        this.layout = layout;
        this.reader = reader;
        this.rowsDecideDescent = layout.getKeyMode() == KeyMode.RELATIVE_PATH;
        this.filter = filter;
        this.readData = readData;
        frames.push(new Frame(entries, null));
        settle();
    }

    public boolean hasNext() {
        return !frames.isEmpty() || carried != null;
    }

    /**
     * Reads the next round (up to {@code maxOps} reads, fewer if the reader's byte budget says so)
     * and returns the rows found in it. A round cut short by {@link ZNodeBatchReader#wakeUp()}
     * returns no rows and leaves the walk where it was.
     */
    public List<ZNodeRecord> next(int maxOps) throws IOException {
        Round round = new Round(Math.max(1, maxOps));
        if (carried != null) {
            round.ops.addAll(carried.ops);
            round.pending.addAll(carried.pending);
            carried = null;
        }
        plan(round);
        observeRetained();
        List<ZNodeRecord> rows = new ArrayList<>(round.pending.size());
        if (!round.pending.isEmpty()) {
            List<OpResult> results = Collections.emptyList();
            if (!round.ops.isEmpty()) {
                try {
                    results = reader.readRound(round.ops);
                } catch (ZooKeeperWakeUp.WokenUpException e) {
                    results = Collections.emptyList();
                }
            }
            // Rows that need no read are applied in planning order with the others.
            int op = 0;
            int i = 0;
            for (; i < round.pending.size(); i++) {
                PendingRead read = round.pending.get(i);
                if (!read.hasOp()) {
                    read.apply(null, rows);
                } else if (op < results.size()) {
                    read.apply(results.get(op++), rows);
                } else {
                    break;
                }
            }
            if (i < round.pending.size()) {
                carried = new Round(round.maxOps);
                carried.ops.addAll(round.ops.subList(op, round.ops.size()));
                carried.pending.addAll(round.pending.subList(i, round.pending.size()));
            }
            observeRetained();
        }
        settle();
        observeRetained();
        return rows;
    }

    /** The most child names (in listings, blocks and parents to list) held at once so far. */
    public long peakRetainedNames() {
        return peakRetainedNames;
    }

    private void plan(Round round) {
        while (round.hasRoom()) {
            settle();
            Frame frame = frames.peek();
            if (frame == null) {
                return;
            }
            if (frame.mayList() && frame.available() < round.readAhead()) {
                requestListings(frame, round); // read ahead, so the next blocks can be cut
                continue;
            }
            Block block = frame.block;
            if (block == null || block.planned == block.size) {
                return; // waiting for listings or for the rows that decide the descent
            }
            planNode(block, round);
        }
    }

    /** Moves on as far as it can without reading: resolves blocks, cuts new ones, drops frames. */
    private void settle() {
        while (!frames.isEmpty()) {
            Frame frame = frames.peek();
            Block block = frame.block;
            if (block != null) {
                if (block.planned < block.size || block.undecided > 0) {
                    return;
                }
                frame.block = null;
                List<String> inner = block.innerPaths();
                if (!inner.isEmpty()) {
                    frames.push(new Frame(null, inner));
                }
            } else if (frame.canCutBlock()) {
                frame.block = frame.cutBlock();
            } else if (frame.isDone()) {
                frames.pop();
            } else {
                return; // listings to request or in flight
            }
        }
    }

    private void planNode(Block block, Round round) {
        int i = block.planned++;
        String relative = block.paths[i];
        int depth = ZNodePaths.depth(relative);
        boolean below =
                block.descend[i]
                        && layout.mayHaveRowsBelow(depth)
                        && (filter.isAll() || filter.mayLeadBelow(relative));
        if (!layout.isRow(depth) || !filter.accepts(relative)) {
            block.inner[i] = below; // not a returned row: not read, only walked through
            return;
        }
        String absolute = layout.absolute(relative);
        if (readData) {
            boolean decides = below && rowsDecideDescent;
            if (decides) {
                block.undecided++;
            }
            round.add(Op.getData(absolute), new RowRead(block, i, absolute, decides, false));
        } else if (block.listed) {
            // Its parent's listing showed it; nothing to read for a keys-only row.
            round.add(null, new ListedRow(relative, absolute));
            block.inner[i] = below;
        } else {
            if (below) {
                block.undecided++;
            }
            round.add(Op.getChildren(absolute), new RowRead(block, i, absolute, below, true));
        }
    }

    private void requestListings(Frame frame, Round round) {
        long perListing = frame.listings == 0 ? 0 : frame.listedNames / frame.listings;
        long wanted = round.readAhead() - frame.available();
        long count =
                frame.listings == 0
                        ? 1 // probe first: one listing may be huge
                        : (wanted + Math.max(1, perListing) - 1) / Math.max(1, perListing);
        count = Math.max(1, Math.min(count, Math.min(round.room(), frame.parentsLeft())));
        for (long i = 0; i < count; i++) {
            String parent = frame.parents.set(frame.nextParent++, null);
            frame.listingsInFlight++;
            round.add(Op.getChildren(layout.absolute(parent)), new Listing(frame, parent));
        }
    }

    private void observeRetained() {
        long held = 0;
        for (Frame frame : frames) {
            held += frame.retainedNames();
        }
        peakRetainedNames = Math.max(peakRetainedNames, held);
    }

    /**
     * The nodes of one level of the current path: the split's entries, or the children of the inner
     * nodes of the block above, listed a few at a time ahead of use and consumed in blocks.
     */
    private static final class Frame {
        private final List<SplitEntry> entries;
        private int nextEntry;

        private final List<String> parents;
        private int nextParent;
        private final Deque<ZNodeChildren> listed = new ArrayDeque<>();
        private long listedLeft;
        private int listingsInFlight;
        private long listings;
        private long listedNames;

        private Block block;

        Frame(List<SplitEntry> entries, List<String> parents) {
            this.entries = entries;
            this.parents = parents;
        }

        boolean mayList() {
            return parentsLeft() > 0 && listingsInFlight == 0;
        }

        int parentsLeft() {
            return parents == null ? 0 : parents.size() - nextParent;
        }

        long available() {
            if (entries != null) {
                return entries.size() - nextEntry;
            }
            return listedLeft;
        }

        /** A block is the next {@link #BLOCK} nodes, or all that are left: never fewer. */
        boolean canCutBlock() {
            long available = available();
            return available >= BLOCK
                    || (available > 0 && parentsLeft() == 0 && listingsInFlight == 0);
        }

        boolean isDone() {
            return available() == 0 && parentsLeft() == 0 && listingsInFlight == 0;
        }

        Block cutBlock() {
            int size = (int) Math.min(BLOCK, available());
            Block b = new Block(size, entries == null);
            for (int i = 0; i < size; i++) {
                if (entries != null) {
                    SplitEntry e = entries.get(nextEntry++);
                    b.paths[i] = e.getRelativePath();
                    b.descend[i] = e.isWithDescendants();
                } else {
                    ZNodeChildren head = listed.peek();
                    b.paths[i] = head.next();
                    listedLeft--;
                    b.descend[i] = true;
                    if (!head.hasNext()) {
                        listed.poll();
                    }
                }
            }
            return b;
        }

        void listed(String parent, List<String> names, ZNodeTreeLayout layout) {
            ZNodeChildren children = layout.children(parent, names);
            listings++;
            listedNames += children.remaining();
            listedLeft += children.remaining();
            if (children.hasNext()) {
                listed.add(children);
            }
        }

        long retainedNames() {
            long n = entries == null ? available() + parentsLeft() : 0;
            return n + (block == null ? 0 : block.size);
        }
    }

    /** Up to {@link #BLOCK} consecutive nodes of a frame, and which of them have rows below. */
    private static final class Block {
        final int size;
        final String[] paths;
        final boolean[] descend;
        final boolean[] inner;

        /** The nodes come from their parents' listings (not from split entries): they exist. */
        final boolean listed;

        int planned;

        /** Rows read in this round whose child count decides whether they are inner. */
        int undecided;

        Block(int size, boolean listed) {
            this.size = size;
            this.listed = listed;
            this.paths = new String[size];
            this.descend = new boolean[size];
            this.inner = new boolean[size];
        }

        List<String> innerPaths() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                if (inner[i]) {
                    out.add(paths[i]);
                }
            }
            return out;
        }
    }

    /** The reads of one round and what to do with each result, in the same order. */
    private static final class Round {
        final int maxOps;
        final List<Op> ops;
        final List<PendingRead> pending;

        Round(int maxOps) {
            this.maxOps = maxOps;
            // Sized for a full round of small nodes, so planning does not regrow the lists.
            int expected = Math.min(maxOps, 4096);
            this.ops = new ArrayList<>(expected);
            this.pending = new ArrayList<>(expected);
        }

        boolean hasRoom() {
            return pending.size() < maxOps;
        }

        int room() {
            return maxOps - pending.size();
        }

        /** Names a frame lists ahead of use: enough to cut the blocks of two full rounds. */
        long readAhead() {
            return 2L * Math.max(BLOCK, maxOps);
        }

        /** {@code op} is null for a row that needs no read. */
        void add(Op op, PendingRead read) {
            if (op != null) {
                ops.add(op);
            }
            pending.add(read);
        }
    }

    private interface PendingRead {
        void apply(OpResult result, List<ZNodeRecord> rows) throws IOException;

        /** Whether it waits for a result ({@code apply} gets null otherwise). */
        default boolean hasOp() {
            return true;
        }
    }

    /** A keys-only row its parent's listing showed. */
    private static final class ListedRow implements PendingRead {
        private final String relative;
        private final String absolute;

        ListedRow(String relative, String absolute) {
            this.relative = relative;
            this.absolute = absolute;
        }

        @Override
        public boolean hasOp() {
            return false;
        }

        @Override
        public void apply(OpResult result, List<ZNodeRecord> rows) {
            rows.add(new ZNodeRecord(relative, absolute, null, null));
        }
    }

    /**
     * A row that is a split entry or needs its data: {@code getData}, or for a keys-only read
     * {@code getChildren} (to see that it exists and whether it has children).
     */
    private final class RowRead implements PendingRead {
        private final Block block;
        private final int index;

        /** The path the read was sent for, kept for the row: built once per node, not twice. */
        private final String absolute;

        private final boolean decides;
        private final boolean keysOnly;

        RowRead(Block block, int index, String absolute, boolean decides, boolean keysOnly) {
            this.block = block;
            this.index = index;
            this.absolute = absolute;
            this.decides = decides;
            this.keysOnly = keysOnly;
        }

        @Override
        public void apply(OpResult r, List<ZNodeRecord> rows) throws IOException {
            String relative = block.paths[index];
            if (decides) {
                block.undecided--;
            }
            if (ZNodeReadResults.isGone(r, keysOnly ? "getChildren" : "getData", absolute)) {
                return; // deleted after its parent was listed
            }
            boolean hasChildren;
            if (keysOnly) {
                rows.add(new ZNodeRecord(relative, absolute, null, null));
                hasChildren = !((OpResult.GetChildrenResult) r).getChildren().isEmpty();
            } else {
                OpResult.GetDataResult data = (OpResult.GetDataResult) r;
                rows.add(new ZNodeRecord(relative, absolute, data.getData(), data.getStat()));
                hasChildren = data.getStat().getNumChildren() > 0;
            }
            if (decides && hasChildren) {
                block.inner[index] = true;
            }
        }
    }

    private final class Listing implements PendingRead {
        private final Frame frame;
        private final String parent;

        Listing(Frame frame, String parent) {
            this.frame = frame;
            this.parent = parent;
        }

        @Override
        public void apply(OpResult r, List<ZNodeRecord> rows) throws IOException {
            frame.listingsInFlight--;
            if (ZNodeReadResults.isGone(r, "getChildren", layout.absolute(parent))) {
                return; // deleted after its parent was listed
            }
            List<String> names = ((OpResult.GetChildrenResult) r).getChildren();
            if (!filter.isAll()) {
                names.removeIf(
                        name -> {
                            String child = layout.childPath(parent, name);
                            return child != null && !filter.mayLeadTo(child);
                        });
            }
            frame.listed(parent, names, layout);
        }
    }
}
