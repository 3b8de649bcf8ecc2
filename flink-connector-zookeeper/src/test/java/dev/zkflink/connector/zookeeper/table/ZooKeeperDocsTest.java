package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.sink.ZooKeeperSinkBuilder;
import dev.zkflink.connector.zookeeper.source.ZooKeeperSourceBuilder;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs page has a row for every option the factory accepts, every metadata key and every setter
 * of the DataStream builders.
 */
class ZooKeeperDocsTest {
    private static String docs() throws Exception {
        Path page = Paths.get("..", "docs", "zookeeper.md");
        return new String(Files.readAllBytes(page), StandardCharsets.UTF_8);
    }

    @Test
    void everyOptionHasARowInTheOptionsTable() throws Exception {
        String docs = docs();
        ZooKeeperDynamicTableFactory factory = new ZooKeeperDynamicTableFactory();
        Set<ConfigOption<?>> options = new HashSet<>(factory.requiredOptions());
        options.addAll(factory.optionalOptions());
        for (ConfigOption<?> option : options) {
            assertThat(docs)
                    .as("docs row for '%s'", option.key())
                    .contains(
                            "| `"
                                    + option.key()
                                    + "` | "
                                    + (factory.requiredOptions().contains(option)
                                            ? "required"
                                            : "optional")
                                    + " |");
        }
    }

    @Test
    void everyMetadataKeyHasARow() throws Exception {
        String docs = docs();
        for (ZooKeeperReadableMetadata m : ZooKeeperReadableMetadata.values()) {
            assertThat(docs)
                    .as("docs row for metadata '%s'", m.getKey())
                    .contains("| `" + m.getKey() + "` |");
        }
    }

    @Test
    void everyBuilderSetterHasARow() throws Exception {
        String docs = docs();
        int setters = 0;
        for (Class<?> builder :
                new Class<?>[] {ZooKeeperSourceBuilder.class, ZooKeeperSinkBuilder.class}) {
            for (Method m : builder.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && m.getName().startsWith("set")) {
                    setters++;
                    assertThat(docs)
                            .as("docs row for %s#%s", builder.getSimpleName(), m.getName())
                            .contains("| `" + m.getName() + "(...)` |");
                }
            }
        }
        assertThat(setters).as("setters found").isGreaterThanOrEqualTo(20);
    }
}
