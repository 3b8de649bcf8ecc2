package dev.zkflink.connector.zookeeper.table.lookup;

import dev.zkflink.connector.zookeeper.common.ZNodeBatchReader;
import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Batched reads of one level of a walk, for subtree lookups and the FULL cache: the children of a
 * level, and the data of row nodes, both limited to what the filters pushed into the table allow. A
 * node that is gone between listing and reading is skipped (or reported, for the cache); any other
 * per-node error fails, naming the path.
 */
final class ZNodeLevelReads {
    private final ZNodeBatchReader reader;
    private final ZNodeTreeLayout layout;
    private final ZNodePathFilter filter;
    private final ZooKeeperConnectionOptions connection;

    ZNodeLevelReads(
            ZNodeBatchReader reader,
            ZNodeTreeLayout layout,
            ZNodePathFilter filter,
            ZooKeeperConnectionOptions connection) {
        this.reader = reader;
        this.layout = layout;
        this.filter = filter;
        this.connection = connection;
    }

    /** What a data read found for one node. */
    interface Found {
        void present(String relative, String path, byte[] data, Stat stat) throws IOException;

        void gone(String relative);
    }

    /** The children of {@code nodes} (sorted per parent) that may lead to an allowed row. */
    List<String> children(List<String> nodes) throws IOException {
        List<Op> ops = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            ops.add(Op.getChildren(layout.absolute(node)));
        }
        List<OpResult> listed = reader.read(ops);
        List<String> next = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            OpResult r = listed.get(i);
            if (r instanceof OpResult.GetChildrenResult) {
                for (String child :
                        layout.childPaths(
                                nodes.get(i), ((OpResult.GetChildrenResult) r).getChildren())) {
                    if (filter.mayLeadTo(child)) {
                        next.add(child);
                    }
                }
            } else {
                LookupErrors.requireNoNode(r, ops.get(i).getPath(), connection);
            }
        }
        return next;
    }

    /** Reads the data of the allowed row nodes among {@code nodes}. */
    void data(List<String> nodes, Found found) throws IOException {
        List<String> rows = new ArrayList<>(nodes.size());
        List<Op> ops = new ArrayList<>(nodes.size());
        for (String node : nodes) {
            if (filter.accepts(node)) {
                rows.add(node);
                ops.add(Op.getData(layout.absolute(node)));
            }
        }
        if (ops.isEmpty()) {
            return;
        }
        List<OpResult> results = reader.read(ops);
        for (int i = 0; i < rows.size(); i++) {
            OpResult r = results.get(i);
            if (r instanceof OpResult.GetDataResult) {
                OpResult.GetDataResult d = (OpResult.GetDataResult) r;
                found.present(rows.get(i), ops.get(i).getPath(), d.getData(), d.getStat());
            } else {
                LookupErrors.requireNoNode(r, ops.get(i).getPath(), connection);
                found.gone(rows.get(i));
            }
        }
    }
}
