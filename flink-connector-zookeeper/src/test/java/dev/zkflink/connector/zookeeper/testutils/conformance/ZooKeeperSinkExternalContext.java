package dev.zkflink.connector.zookeeper.testutils.conformance;

import dev.zkflink.connector.zookeeper.sink.ZNodeMutationSerializer;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperSink;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.util.function.SerializableFunction;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sink suite case's tree: every record is written as node {@code <root>/<record>} with the
 * record as its data, so each record has one deterministic path.
 */
public final class ZooKeeperSinkExternalContext implements DataStreamSinkV2ExternalContext<String> {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    private final String hosts;
    private final String root = "/sink-conformance-" + ROOTS.incrementAndGet();
    private final ZooKeeper zk;

    public ZooKeeperSinkExternalContext(String hosts) {
        this.hosts = hosts;
        try {
            this.zk = Clients.connect(hosts);
            zk.create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (Exception e) {
            throw new IllegalStateException("Creating the test root " + root, e);
        }
    }

    /** The one place that builds the sink under test: the public builder, as a user would. */
    static Sink<String> createSink(String hosts, String root) {
        return ZooKeeperSink.<String>builder()
                .setHosts(hosts)
                .setPath(root)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setSerializer(
                        ZNodeMutationSerializer.keyValue(
                                (SerializableFunction<String, String>) record -> record,
                                new SimpleStringSchema()))
                .build();
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        return createSink(hosts, root);
    }

    /** Returns each node below the root once, on the first poll that sees it. */
    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        Set<String> seen = new HashSet<>();
        return new ExternalSystemDataReader<String>() {
            @Override
            public List<String> poll(Duration timeout) {
                List<String> fresh = new ArrayList<>();
                try {
                    for (String child : zk.getChildren(root, false)) {
                        if (seen.add(child)) {
                            byte[] data = zk.getData(root + "/" + child, false, null);
                            fresh.add(new String(data, StandardCharsets.UTF_8));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Reading the sink's nodes below " + root, e);
                }
                return fresh;
            }

            @Override
            public void close() {}
        };
    }

    /** Distinct records that are valid znode names. */
    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        Random random = new Random(seed);
        int count = 100 + random.nextInt(200);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(String.format("record-%05d-%08x", i, random.nextInt()));
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
        return "ZooKeeper sink";
    }
}
