package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.List;

/**
 * The collapsed mutations one sink subtask received between two checkpoints, in the order they must
 * be applied. Committed only once that checkpoint completed; applying it twice leaves the same
 * tree, because every mutation is an upsert or a delete by path.
 */
@Internal
public final class ZNodeCommittable {
    private final List<ZNodeMutation> mutations;

    ZNodeCommittable(List<ZNodeMutation> mutations) {
        this.mutations = Collections.unmodifiableList(mutations);
    }

    public List<ZNodeMutation> getMutations() {
        return mutations;
    }

    @Override
    public String toString() {
        return "ZNodeCommittable{" + mutations.size() + " mutations}";
    }
}
