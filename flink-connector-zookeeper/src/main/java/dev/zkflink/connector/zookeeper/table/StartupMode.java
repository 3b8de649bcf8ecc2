package dev.zkflink.connector.zookeeper.table;

import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/** {@code 'scan.startup.mode'}. */
public enum StartupMode implements DescribedEnum {
    SNAPSHOT("snapshot", "Read the tree once and end (bounded)."),
    INITIAL("initial", "Read a snapshot, then live changes (not supported yet)."),
    LATEST("latest", "Read only changes after the job starts (not supported yet).");

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
