package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;

import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The diff rules that turn observations into changes, on the task thread. */
class ChangelogRecordEmitterTest {
    private final List<String> out = new ArrayList<>();
    private final SourceOutput<String> output =
            new SourceOutput<String>() {
                @Override
                public void collect(String record) {
                    out.add(record);
                }

                @Override
                public void collect(String record, long timestamp) {
                    out.add(record + "@" + timestamp);
                }

                @Override
                public void emitWatermark(Watermark watermark) {}

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    /** Emits "KIND path data". */
    private static final class Describe implements ZNodeDeserializer<String> {
        @Override
        public void deserialize(ZNodeRecord node, Collector<String> collector) {
            collector.collect(
                    node.getKind()
                            + " "
                            + node.getRelativePath()
                            + " "
                            + new String(node.getData(), StandardCharsets.UTF_8));
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return TypeInformation.of(String.class);
        }
    }

    private final SubtreeRereads rereads = new SubtreeRereads();

    private final ChangelogRecordEmitter<String> emitter = emitter(ZNodeTreeLayout.levels("/t", 2));

    /** A relative-path table: every node below the root is a row. */
    private final ChangelogRecordEmitter<String> wholeTree =
            emitter(ZNodeTreeLayout.wholeSubtree("/t"));

    private ChangelogRecordEmitter<String> emitter(ZNodeTreeLayout layout) {
        return new ChangelogRecordEmitter<>(
                layout,
                new Describe(),
                false,
                new ChangelogReaderMetrics(new UnregisteredMetricsGroup()),
                rereads);
    }

    private List<String> rereadRequests() {
        List<String> paths = new ArrayList<>();
        rereads.drainTo(paths);
        return paths;
    }

    private static Stat stat(long czxid, long mzxid, long mtime) {
        return new Stat(czxid, mzxid, 0, mtime, 0, 0, 0, 0, 1, 0, czxid);
    }

    private void see(
            BucketSplitState s, String path, String data, Stat stat, long epoch, boolean walk)
            throws Exception {
        emitter.emitRecord(
                ZNodeObservation.present(
                        path, data.getBytes(StandardCharsets.UTF_8), stat, epoch, walk),
                output,
                s);
    }

    @Test
    void insertUpdateRecreateDeleteAndNothingForAnUnchangedRead() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        see(s, "a/x", "v1", stat(10, 10, 100), 1, true);
        see(s, "a/x", "v1", stat(10, 10, 100), 1, false); // the walk and an event read it
        see(s, "a/x", "v2", stat(10, 12, 120), 1, false);
        see(s, "a/x", "v2", stat(15, 15, 150), 1, false); // deleted and created again
        emitter.emitRecord(ZNodeObservation.absent("a/x", 1), output, s);
        emitter.emitRecord(ZNodeObservation.absent("a/x", 1), output, s);
        assertThat(out)
                .containsExactly(
                        "INSERT a/x v1@100",
                        "UPDATE a/x v2@120",
                        "DELETE a/x @120",
                        "INSERT a/x v2@150",
                        "DELETE a/x @150");
        assertThat(s.tracked()).isEmpty();
    }

    @Test
    void resyncEndDeletesWhatTheWalkDidNotSee() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        see(s, "a/x", "v1", stat(10, 10, 100), 1, true);
        see(s, "a/y", "v1", stat(11, 11, 110), 1, true);
        emitter.emitRecord(ZNodeObservation.resyncEnd(1), output, s);
        out.clear();
        see(s, "a/x", "v1", stat(10, 10, 100), 2, true); // the second walk sees only a/x
        see(s, "a/z", "v1", stat(20, 20, 200), 2, false); // an event during the walk
        emitter.emitRecord(ZNodeObservation.resyncEnd(2), output, s);
        assertThat(out).containsExactly("INSERT a/z v1@200", "DELETE a/y @110");
        assertThat(s.tracked()).containsOnlyKeys("a/x", "a/z");
    }

    @Test
    void latestBaselineIsSilentOnlyForRowsNotEmittedYet() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 20), output, s);
        see(s, "a/old", "v1", stat(5, 5, 50), 1, true); // recorded, not emitted
        see(s, "a/new", "v1", stat(30, 30, 300), 1, false); // an event read it first
        see(s, "a/new", "v2", stat(30, 31, 310), 1, true); // the walk reads a later change
        emitter.emitRecord(ZNodeObservation.resyncEnd(1), output, s);
        see(s, "a/old", "v9", stat(5, 40, 400), 1, false);
        assertThat(out)
                .containsExactly(
                        "INSERT a/new v1@300", "UPDATE a/new v2@310", "UPDATE a/old v9@400");
        assertThat(s.isBaselinePending()).isFalse();
    }

    @Test
    void aRestoredBaselineStillDeletesRowsItHadEmitted() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        see(s, "a/new", "v1", stat(30, 30, 300), 1, false); // emitted through its event
        // The walk restarts (reconnect) before the baseline ended; a/new is gone meanwhile.
        emitter.emitRecord(ZNodeObservation.resyncEnd(2), output, s);
        assertThat(out).containsExactly("INSERT a/new v1@300", "DELETE a/new @300");
    }

    /**
     * The loss 'latest' had: a node changed after the start point is read by the walk before its
     * event's read, which then sees the same mzxid. The walk's read must be emitted.
     */
    @Test
    void latestEmitsAChangeTheWalkReadsBeforeItsEvent() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 20), output, s);
        see(s, "a/x", "v2", stat(5, 25, 250), 1, true); // changed at zxid 25, after the start
        see(s, "a/x", "v2", stat(5, 25, 250), 1, false); // its event's read: nothing new
        see(s, "a/y", "v1", stat(6, 20, 200), 1, true); // last changed at the start point
        see(s, "a/n", "v1", stat(30, 30, 300), 1, true); // created after the start
        emitter.emitRecord(ZNodeObservation.resyncEnd(1), output, s);
        assertThat(out).containsExactly("INSERT a/x v2@250", "INSERT a/n v1@300");
        assertThat(s.tracked()).containsOnlyKeys("a/x", "a/y", "a/n");
    }

    /**
     * A reader that joins a shared watch receives events from shortly before its start point. Their
     * reads find states from before it, which 'latest' must not report; later changes it must.
     */
    @Test
    void latestIsSilentAboutAnEventReadOfAStateFromBeforeItsStartPoint() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 20), output, s);
        see(s, "a/x", "v1", stat(5, 18, 180), 1, false); // its event came before the start point
        see(s, "a/x", "v1", stat(5, 18, 180), 1, true); // the walk: nothing new
        see(s, "a/y", "v2", stat(6, 21, 210), 1, false); // changed after the start point
        emitter.emitRecord(ZNodeObservation.resyncEnd(1), output, s);
        see(s, "a/x", "v3", stat(5, 30, 300), 1, false);
        assertThat(out).containsExactly("INSERT a/y v2@210", "UPDATE a/x v3@300");
        assertThat(s.tracked()).containsOnlyKeys("a/x", "a/y");
    }

    /**
     * A row read again below a row whose delete took the rows below it along downstream must come
     * back as an insert, even when its state is older than a pending baseline's start point.
     */
    @Test
    void aRereadRowIsNeverSilentDuringALatestBaseline() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 20), output, s);
        emitter.emitRecord(
                ZNodeObservation.reread(
                        "a/x", "v1".getBytes(StandardCharsets.UTF_8), stat(5, 18, 180), 1),
                output,
                s);
        assertThat(out).containsExactly("INSERT a/x v1@180");
    }

    @Test
    void walksAfterAReconnectOrRestoreKeepTheFirstStartPoint() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 20), output, s);
        // The session was lost before the walk got far; the new watch is added at zxid 50.
        emitter.emitRecord(ZNodeObservation.resyncStart(2, 50), output, s);
        see(s, "a/x", "v2", stat(5, 40, 400), 2, true); // changed while disconnected
        see(s, "a/y", "v1", stat(6, 10, 100), 2, true);
        assertThat(s.toSplit().getBaselineZxid()).isEqualTo(20);
        // Restored from that checkpoint: the start point comes back with the split.
        BucketSplitState restored = new BucketSplitState(s.toSplit());
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 90), output, restored);
        see(restored, "a/z", "v1", stat(60, 60, 600), 1, true);
        assertThat(out).containsExactly("INSERT a/x v2@400", "INSERT a/z v1@600");
    }

    @Test
    void aBaselineRestoredOnAnEnsembleWithLowerZxidsTakesItsStartPoint() throws Exception {
        BucketSplitState s =
                new BucketSplitState(new BucketSplit(0, 1, true, 0x5_0000_0100L, new HashMap<>()));
        emitter.emitRecord(ZNodeObservation.resyncStart(1, 0x1_0000_0050L), output, s);
        see(s, "a/x", "v1", stat(0x1_0000_0010L, 0x1_0000_0010L, 10), 1, true); // before it
        see(s, "a/y", "v2", stat(0x1_0000_0010L, 0x1_0000_0060L, 60), 1, true); // after it
        assertThat(out).containsExactly("INSERT a/y v2@60");
        assertThat(s.toSplit().getBaselineZxid()).isEqualTo(0x1_0000_0050L);
    }

    @Test
    void noStartPointNeverSilencesARow() throws Exception {
        // A walk row before any start point (cannot happen on one reader) errs on emitting.
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, true));
        see(s, "a/x", "v1", stat(5, 5, 50), 1, true);
        assertThat(out).containsExactly("INSERT a/x v1@50");
    }

    private void seeWhole(BucketSplitState s, String path, String data, Stat stat)
            throws Exception {
        wholeTree.emitRecord(
                ZNodeObservation.present(
                        path, data.getBytes(StandardCharsets.UTF_8), stat, 1, false),
                output,
                s);
    }

    /**
     * The mirror's loss: a new child's read comes before its recreated parent's. The parent's
     * delete takes the tracked children along (explicitly), and the subtree is asked to be read
     * again, so the child is inserted after the delete.
     */
    @Test
    void aRecreatedParentDeletesTheRowsBelowItAndAsksForThemAgain() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        seeWhole(s, "g", "p", stat(5, 5, 50));
        seeWhole(s, "g/n0", "a", stat(6, 6, 60));
        seeWhole(s, "g/n0/x", "b", stat(7, 7, 70));
        seeWhole(s, "g/n1", "c", stat(8, 8, 80));
        seeWhole(s, "g-other", "d", stat(9, 9, 90)); // sorts between "g" and "g/..."
        seeWhole(s, "gg", "e", stat(10, 10, 100)); // sorts after "g/..."
        assertThat(rereadRequests()).isEmpty();
        out.clear();
        seeWhole(s, "g/n0", "new", stat(51, 51, 510)); // the new child, read first
        seeWhole(s, "g", "p2", stat(50, 50, 500)); // then the recreated parent
        assertThat(out)
                .containsExactly(
                        "DELETE g/n0 @60",
                        "DELETE g/n0/x @70", // the old child's children went with it
                        "INSERT g/n0 new@510",
                        "DELETE g @50",
                        "DELETE g/n0 @510",
                        "DELETE g/n1 @80",
                        "INSERT g p2@500");
        assertThat(s.tracked()).containsOnlyKeys("g", "g-other", "gg");
        assertThat(rereadRequests()).containsExactly("g/n0", "g");
        out.clear();
        seeWhole(s, "g/n0", "new", stat(51, 51, 510)); // the reread finds it again
        assertThat(out).containsExactly("INSERT g/n0 new@510");
    }

    @Test
    void aDeletedParentDeletesTheRowsBelowIt() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        seeWhole(s, "g", "p", stat(5, 5, 50));
        seeWhole(s, "g/n0", "a", stat(6, 6, 60));
        out.clear();
        wholeTree.emitRecord(ZNodeObservation.absent("g", 1), output, s);
        assertThat(out).containsExactly("DELETE g @50", "DELETE g/n0 @60");
        assertThat(s.tracked()).isEmpty();
        assertThat(rereadRequests()).containsExactly("g");
        // A leaf delete finds nothing below and asks for nothing.
        seeWhole(s, "h", "p", stat(7, 7, 70));
        wholeTree.emitRecord(ZNodeObservation.absent("h", 1), output, s);
        assertThat(rereadRequests()).isEmpty();
    }

    @Test
    void aResyncEndDeletesUnseenParentsWithTheRowsBelow() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        seeWhole(s, "g", "p", stat(5, 5, 50));
        seeWhole(s, "g/n0", "a", stat(6, 6, 60));
        seeWhole(s, "k", "q", stat(7, 7, 70));
        out.clear();
        // The next walk sees k and an event reads g/n1 (under a g the walk did not see).
        wholeTree.emitRecord(
                ZNodeObservation.present("k", new byte[0], stat(7, 7, 70), 2, true), output, s);
        wholeTree.emitRecord(
                ZNodeObservation.present("g/n1", new byte[0], stat(8, 8, 80), 2, false), output, s);
        out.clear();
        wholeTree.emitRecord(ZNodeObservation.resyncEnd(2), output, s);
        assertThat(out).containsExactly("DELETE g @50", "DELETE g/n0 @60", "DELETE g/n1 @80");
        assertThat(s.tracked()).containsOnlyKeys("k");
        assertThat(rereadRequests()).containsExactly("g");
    }

    /** Levels tables have no rows below rows: nothing changes there. */
    @Test
    void levelsTablesAskForNoRereads() throws Exception {
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        see(s, "a/x", "v1", stat(10, 10, 100), 1, false);
        see(s, "a/x", "v1", stat(15, 15, 150), 1, false);
        emitter.emitRecord(ZNodeObservation.absent("a/x", 1), output, s);
        assertThat(rereadRequests()).isEmpty();
    }

    /**
     * Flink's numRecordsIn must count rows, while SourceReaderBase counts one record per
     * observation it hands the emitter (simulated here): walk markers, reads that see nothing new
     * and absent untracked nodes count nothing; a delete that takes the rows below along counts
     * each delete; a row the deserializer drops counts nothing.
     */
    @Test
    void numRecordsInCountsEmittedRowsNotObservations() throws Exception {
        SimpleCounter numRecordsIn = new SimpleCounter();
        ChangelogReaderMetrics metrics =
                new ChangelogReaderMetrics(new UnregisteredMetricsGroup(), numRecordsIn);
        ChangelogRecordEmitter<String> counted =
                new ChangelogRecordEmitter<>(
                        ZNodeTreeLayout.wholeSubtree("/t"),
                        new Describe(),
                        false,
                        metrics,
                        rereads);
        ChangelogRecordEmitter<String> valueOnly =
                new ChangelogRecordEmitter<>(
                        ZNodeTreeLayout.wholeSubtree("/t"),
                        ZNodeDeserializer.valueOnly(new SimpleStringSchema()),
                        false,
                        metrics,
                        rereads);
        BucketSplitState s = new BucketSplitState(BucketSplit.initial(0, 1, false));
        List<ZNodeObservation> observations = new ArrayList<>();
        observations.add(ZNodeObservation.resyncStart(1, 0));
        observations.add(ZNodeObservation.present("g", new byte[0], stat(5, 5, 50), 1, true));
        observations.add(ZNodeObservation.present("g/n", new byte[0], stat(6, 6, 60), 1, true));
        observations.add(ZNodeObservation.resyncEnd(1));
        observations.add(ZNodeObservation.present("g", new byte[0], stat(5, 5, 50), 1, false));
        observations.add(ZNodeObservation.absent("h", 1));
        observations.add(ZNodeObservation.absent("g", 1)); // deletes g and g/n
        for (ZNodeObservation obs : observations) {
            numRecordsIn.inc(); // what SourceReaderBase does before it calls the emitter
            counted.emitRecord(obs, output, s);
        }
        assertThat(out).hasSize(4);
        assertThat(numRecordsIn.getCount()).isEqualTo(4);

        out.clear();
        numRecordsIn.inc();
        valueOnly.emitRecord(
                ZNodeObservation.present(
                        "k", "v".getBytes(StandardCharsets.UTF_8), stat(7, 7, 70), 1, false),
                output,
                s);
        numRecordsIn.inc();
        valueOnly.emitRecord(ZNodeObservation.absent("k", 1), output, s); // valueOnly: no row
        assertThat(out).containsExactly("v@70");
        assertThat(numRecordsIn.getCount()).isEqualTo(5);
    }
}
