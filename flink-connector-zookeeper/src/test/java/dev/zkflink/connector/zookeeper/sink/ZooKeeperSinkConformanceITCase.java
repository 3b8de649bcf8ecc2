package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperSinkExternalContext;
import dev.zkflink.connector.zookeeper.testutils.conformance.ZooKeeperTestSystem;

import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink's sink conformance suite on {@link ZooKeeperSink}: basic write, restart from savepoint,
 * scale up and down, and the writer's {@code numRecordsSend}. The sink is at-least-once, but its
 * upserts are idempotent by path, so the tree must hold every record exactly once: the suite's
 * exactly-once check is the one that applies.
 */
class ZooKeeperSinkConformanceITCase extends SinkTestSuiteBase<String> {
    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem ZooKeeperTestSystem zooKeeper = new ZooKeeperTestSystem();

    @TestContext
    ExternalContextFactory<ZooKeeperSinkExternalContext> sink =
            testName -> new ZooKeeperSinkExternalContext(zooKeeper.connectString());

    @TestSemantics CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE};
}
