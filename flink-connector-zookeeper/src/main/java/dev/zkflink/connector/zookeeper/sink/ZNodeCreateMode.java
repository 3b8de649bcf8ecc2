package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import org.apache.zookeeper.CreateMode;

import static org.apache.flink.configuration.description.TextElement.text;

/** What kind of node the sink creates for a row ({@code 'sink.create-mode'}). */
@PublicEvolving
public enum ZNodeCreateMode implements DescribedEnum {
    PERSISTENT("persistent", CreateMode.PERSISTENT, "A plain node; stays until deleted."),
    PERSISTENT_SEQUENTIAL(
            "persistent-sequential",
            CreateMode.PERSISTENT_SEQUENTIAL,
            "Every row creates a new node: the key is the name prefix and ZooKeeper appends a"
                    + " 10-digit counter. Insert-only."),
    EPHEMERAL(
            "ephemeral",
            CreateMode.EPHEMERAL,
            "Owned by the sink subtask's own session: gone when the job stops or fails,"
                    + " re-created after a session expiry or a restore. Needs 'key.mode' = 'levels'."),
    EPHEMERAL_SEQUENTIAL(
            "ephemeral-sequential",
            CreateMode.EPHEMERAL_SEQUENTIAL,
            "Ephemeral and sequential. Insert-only. Needs 'key.mode' = 'levels'."),
    CONTAINER(
            "container",
            CreateMode.CONTAINER,
            "A container node: the server removes it once its last child is gone."),
    PERSISTENT_WITH_TTL(
            "persistent-with-ttl",
            CreateMode.PERSISTENT_WITH_TTL,
            "Removed by the server when it has not changed for its TTL and has no children."
                    + " Needs 'zookeeper.extendedTypesEnabled=true' on the servers."),
    PERSISTENT_SEQUENTIAL_WITH_TTL(
            "persistent-sequential-with-ttl",
            CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL,
            "Sequential with a TTL. Insert-only. Needs 'zookeeper.extendedTypesEnabled=true'.");

    private final String value;
    private final CreateMode zooKeeperMode;
    private final String description;

    ZNodeCreateMode(String value, CreateMode zooKeeperMode, String description) {
        this.value = value;
        this.zooKeeperMode = zooKeeperMode;
        this.description = description;
    }

    public CreateMode toZooKeeper() {
        return zooKeeperMode;
    }

    public boolean isSequential() {
        return zooKeeperMode.isSequential();
    }

    public boolean isEphemeral() {
        return zooKeeperMode.isEphemeral();
    }

    public boolean isTtl() {
        return zooKeeperMode.isTTL();
    }

    @Override
    public String toString() {
        return value;
    }

    @Override
    public InlineElement getDescription() {
        return text(description);
    }
}
