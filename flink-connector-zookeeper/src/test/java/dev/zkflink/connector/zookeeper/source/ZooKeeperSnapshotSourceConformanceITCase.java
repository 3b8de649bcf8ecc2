package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperSourceExternalContext;
import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperTestSystem;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.testframe.environment.ClusterControllable;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.environment.TestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.connector.testframe.utils.CollectIteratorAssertions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.TestTemplate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Flink's source conformance suite on the bounded snapshot source: single split, multiple splits
 * and idle reader. A suite split is one subtree below the table root.
 *
 * <p>The other cases need an unbounded source; {@link ZooKeeperChangelogSourceConformanceITCase}
 * runs them on the live source. One semantic is enough: the checkpointing mode only changes how the
 * suite's collect sink aligns, not what a bounded read emits.
 */
class ZooKeeperSnapshotSourceConformanceITCase extends SourceTestSuiteBase<String> {
    private static final String UNBOUNDED_ONLY =
            "Needs an unbounded source; the snapshot read is bounded. Run on the changelog source"
                    + " in ZooKeeperChangelogSourceConformanceITCase.";

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem ZooKeeperTestSystem zooKeeper = new ZooKeeperTestSystem();

    @TestContext
    ExternalContextFactory<ZooKeeperSourceExternalContext> snapshot =
            testName ->
                    new ZooKeeperSourceExternalContext(
                            zooKeeper.connectString(), Boundedness.BOUNDED);

    @TestSemantics CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE};

    @Disabled(UNBOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testSavepoint(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(UNBOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testScaleUp(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(UNBOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testScaleDown(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(UNBOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testSourceMetrics(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(UNBOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testTaskManagerFailure(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            ClusterControllable controller,
            CheckpointingMode semantic) {}

    @Override
    protected void checkResultWithSemantic(
            CloseableIterator<String> result,
            List<List<String>> testData,
            CheckpointingMode semantic,
            Integer limit) {
        // A null limit means all records, as in the suite's own check.
        CompletableFuture<Void> check =
                CompletableFuture.runAsync(
                        () -> {
                            if (limit == null) {
                                CollectIteratorAssertions.assertUnordered(result)
                                        .matchesRecordsFromSource(testData, semantic);
                            } else {
                                CollectIteratorAssertions.assertUnordered(result)
                                        .withNumRecordsLimit(limit)
                                        .matchesRecordsFromSource(testData, semantic);
                            }
                        });
        try {
            check.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("The snapshot read did not emit the test records", e);
        }
    }
}
