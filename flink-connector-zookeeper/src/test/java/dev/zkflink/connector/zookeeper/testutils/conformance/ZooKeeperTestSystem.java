package dev.zkflink.connector.zookeeper.testutils.conformance;

import org.apache.flink.connector.testframe.TestResource;

import org.apache.curator.test.TestingServer;

/** A curator-test ZooKeeper server as the external system of a conformance suite class. */
public final class ZooKeeperTestSystem implements TestResource {
    private TestingServer server;

    @Override
    public void startUp() throws Exception {
        server = new TestingServer(true);
    }

    @Override
    public void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    public String connectString() {
        return server.getConnectString();
    }
}
