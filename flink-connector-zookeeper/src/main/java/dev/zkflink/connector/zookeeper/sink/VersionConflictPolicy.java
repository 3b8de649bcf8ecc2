package dev.zkflink.connector.zookeeper.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/** What a conditional write does when the node's version is not the expected one. */
@PublicEvolving
public enum VersionConflictPolicy implements DescribedEnum {
    FAIL("fail", "The job fails, naming the path, the expected and the actual version."),
    SKIP("skip", "The row is dropped, counted in 'numVersionConflicts' and logged (rate-limited).");

    private final String value;
    private final String description;

    VersionConflictPolicy(String value, String description) {
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
