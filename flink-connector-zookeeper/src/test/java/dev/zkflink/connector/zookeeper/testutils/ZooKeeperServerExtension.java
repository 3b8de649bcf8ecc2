package dev.zkflink.connector.zookeeper.testutils;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real ZooKeeper server and a plain client to it, for the tests of one class. */
public final class ZooKeeperServerExtension implements BeforeAllCallback, AfterAllCallback {
    private TestingServer server;
    private ZooKeeperTrees trees;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new TestingServer(true);
        trees = new ZooKeeperTrees(server.getConnectString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (trees != null) {
            trees.close();
        }
        if (server != null) {
            server.close();
        }
    }

    public TestingServer server() {
        return server;
    }

    public String connectString() {
        return server.getConnectString();
    }

    public ZooKeeperTrees trees() {
        return trees;
    }
}
