package dev.zkflink.connector.zookeeper.testutils.conformance;

import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one suite split as one subtree {@code <root>/<split>}: each record is a row node named by
 * a zero-padded sequence number (so name order is write order), with the record as its data.
 */
final class ZNodeSplitDataWriter implements ExternalSystemSplitDataWriter<String> {
    private final ZooKeeper zk;
    private final String splitPath;
    private int next;

    ZNodeSplitDataWriter(ZooKeeper zk, String splitPath) {
        this.zk = zk;
        this.splitPath = splitPath;
    }

    @Override
    public void writeRecords(List<String> records) {
        List<Op> ops = new ArrayList<>();
        for (String record : records) {
            ops.add(
                    Op.create(
                            String.format("%s/%08d", splitPath, next++),
                            record.getBytes(StandardCharsets.UTF_8),
                            ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT));
        }
        try {
            // Small batches: far below jute.maxbuffer even for the suite's longest records.
            for (int i = 0; i < ops.size(); i += 100) {
                zk.multi(ops.subList(i, Math.min(ops.size(), i + 100)));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Writing test records below " + splitPath, e);
        }
    }

    @Override
    public void close() {}
}
