package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.DescribedEnum;
import org.apache.flink.configuration.description.InlineElement;

import static org.apache.flink.configuration.description.TextElement.text;

/** How the PRIMARY KEY maps to znode paths ({@code 'key.mode'}). */
@PublicEvolving
public enum KeyMode implements DescribedEnum {
    LEVELS(
            "levels",
            "Key column i is the name of the level-i node below 'path'; rows are exactly the nodes as many levels deep as there are key columns."),
    RELATIVE_PATH(
            "relative-path",
            "One STRING key column holds the path relative to 'path' (for example 'a/b/c'); every descendant is a row.");

    private final String value;
    private final String description;

    KeyMode(String value, String description) {
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
