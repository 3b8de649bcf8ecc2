package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.List;

/**
 * A sink writer's checkpointed state: the ephemeral nodes it holds, as the upserts that re-create
 * them. Empty for every other create mode.
 */
@Internal
public final class ZooKeeperWriterState {
    private final List<ZNodeMutation> ephemeralNodes;

    public ZooKeeperWriterState(List<ZNodeMutation> ephemeralNodes) {
        this.ephemeralNodes = Collections.unmodifiableList(ephemeralNodes);
    }

    public List<ZNodeMutation> getEphemeralNodes() {
        return ephemeralNodes;
    }
}
