package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/**
 * Where a read of the tree starts and whether it ends: {@code 'scan.startup.mode'} of a table,
 * {@code ZooKeeperSource.Builder#setStartupMode} of a DataStream source.
 */
@PublicEvolving
public enum StartupMode implements DescribedEnum {
    SNAPSHOT("snapshot", "Read the tree once and end (bounded)."),
    INITIAL(
            "initial",
            "Read the rows in the tree, then every later change as a changelog (unbounded)."),
    LATEST("latest", "Read only the changes made after the job starts (unbounded).");

    private final String value;
    private final String description;

    StartupMode(String value, String description) {
        this.value = value;
        this.description = description;
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
