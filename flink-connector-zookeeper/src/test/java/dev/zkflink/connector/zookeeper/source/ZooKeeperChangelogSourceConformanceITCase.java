package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperSourceExternalContext;
import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperTestSystem;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.environment.TestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.TestTemplate;

/**
 * Flink's source conformance suite on the live changelog source (startup mode {@code initial}):
 * savepoint, scale up and down, metrics and TaskManager failure. The suite writes insert-only data,
 * one subtree per split; a subtree lies in one bucket, so its records keep their write order.
 *
 * <p>Exactly-once only: with at-least-once checkpoints a restored changelog may replay, which the
 * suite accepts, so the stricter mode covers the weaker one.
 */
class ZooKeeperChangelogSourceConformanceITCase extends SourceTestSuiteBase<String> {
    private static final String BOUNDED_ONLY =
            "Needs a bounded source; the changelog never ends. Run on the snapshot source in"
                    + " ZooKeeperSnapshotSourceConformanceITCase.";

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem ZooKeeperTestSystem zooKeeper = new ZooKeeperTestSystem();

    @TestContext
    ExternalContextFactory<ZooKeeperSourceExternalContext> changelog =
            testName ->
                    new ZooKeeperSourceExternalContext(
                            zooKeeper.connectString(), Boundedness.CONTINUOUS_UNBOUNDED);

    @TestSemantics CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE};

    @Disabled(BOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testSourceSingleSplit(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(BOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testMultipleSplits(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}

    @Disabled(BOUNDED_ONLY)
    @TestTemplate
    @Override
    public void testIdleReader(
            TestEnvironment env,
            DataStreamSourceExternalContext<String> context,
            CheckpointingMode semantic) {}
}
