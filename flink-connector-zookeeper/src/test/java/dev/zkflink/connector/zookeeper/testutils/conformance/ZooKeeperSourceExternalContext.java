package dev.zkflink.connector.zookeeper.testutils.conformance;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.source.StartupMode;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZooKeeperSource;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One suite test case's tree: a fresh root {@code /conformance-<n>} with one subtree per split,
 * read as a {@code levels} table of depth 2 (split, record). The bounded source is the snapshot
 * read, the unbounded one the changelog with startup mode {@code initial}.
 */
public final class ZooKeeperSourceExternalContext
        implements DataStreamSourceExternalContext<String> {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    private final String hosts;
    private final Boundedness supported;
    private final String root = "/conformance-" + ROOTS.incrementAndGet();
    private final ZooKeeper zk;
    private final List<ZNodeSplitDataWriter> writers = new ArrayList<>();

    /**
     * @param supported the boundedness this context's source offers; the other is refused
     */
    public ZooKeeperSourceExternalContext(String hosts, Boundedness supported) {
        this.hosts = hosts;
        this.supported = supported;
        try {
            this.zk = Clients.connect(hosts);
            zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (Exception e) {
            throw new IllegalStateException("Creating the test root " + root, e);
        }
    }

    /** The one place that builds the sources under test: the public builder, as a user would. */
    static Source<String, ?, ?> createSource(String hosts, String root, Boundedness boundedness) {
        return ZooKeeperSource.<String>builder()
                .setHosts(hosts)
                .setPath(root)
                .setKeyMode(KeyMode.LEVELS)
                .setRowDepth(2)
                .setStartupMode(
                        boundedness == Boundedness.BOUNDED
                                ? StartupMode.SNAPSHOT
                                : StartupMode.INITIAL)
                .setDeserializer(ZNodeDeserializer.valueOnly(new SimpleStringSchema()))
                .build();
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        if (settings.getBoundedness() != supported) {
            throw new UnsupportedOperationException(
                    "This context tests the " + supported + " source only.");
        }
        return createSource(hosts, root, supported);
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(
            TestingSourceSettings settings) {
        String splitPath = root + "/split-" + writers.size();
        try {
            zk.create(splitPath, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (Exception e) {
            throw new IllegalStateException("Creating the split node " + splitPath, e);
        }
        ZNodeSplitDataWriter writer = new ZNodeSplitDataWriter(zk, splitPath);
        writers.add(writer);
        return writer;
    }

    /** Records that name their split, so records of different splits are never equal. */
    @Override
    public List<String> generateTestData(
            TestingSourceSettings settings, int splitIndex, long seed) {
        Random random = new Random(seed);
        int count = 50 + random.nextInt(100);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add("split-" + splitIndex + "-" + seed + "-" + i + "-" + random.nextInt());
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return Collections.emptyList(); // the MiniCluster runs on the test classpath
    }

    @Override
    public void close() throws Exception {
        zk.close();
    }

    @Override
    public String toString() {
        return "ZooKeeper " + (supported == Boundedness.BOUNDED ? "snapshot" : "changelog");
    }
}
