package dev.zkflink.connector.zookeeper.source;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.changelog.ZooKeeperChangelogSource;
import dev.zkflink.connector.zookeeper.source.snapshot.ZooKeeperSnapshotSource;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperSourceBuilderTest {

    private static ZooKeeperSourceBuilder<String> valid() {
        return ZooKeeperSource.<String>builder()
                .setHosts("127.0.0.1:2181")
                .setPath("/app/flags")
                .setDeserializer(ZNodeDeserializer.valueOnly(new SimpleStringSchema()));
    }

    @Test
    void defaultsAreALiveInitialReadOfThePathsChildren() {
        ZooKeeperSource<String> source = valid().build();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(source.getProducedType()).isEqualTo(Types.STRING);
        ZooKeeperChangelogSource<?> live = (ZooKeeperChangelogSource<?>) source.getImplementation();
        assertThat(live.getLayout()).isEqualTo(ZNodeTreeLayout.levels("/app/flags", 1));
        assertThat(live.emitsSnapshot()).isTrue();
        assertThat(live.tracksChildren()).isFalse();
        assertThat(live.getReadOptions().getBatchSize())
                .isEqualTo(ZooKeeperReadOptions.DEFAULT_BATCH_SIZE);
        assertThat(live.getReadOptions().getMaxInFlight())
                .isEqualTo(ZooKeeperReadOptions.DEFAULT_MAX_IN_FLIGHT);
        assertThat(live.getReadOptions().getConnection().getHosts()).isEqualTo("127.0.0.1:2181");
    }

    @Test
    void startupModePicksTheImplementation() {
        ZooKeeperSource<String> snapshot = valid().setStartupMode(StartupMode.SNAPSHOT).build();
        assertThat(snapshot.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        assertThat(snapshot.getImplementation()).isInstanceOf(ZooKeeperSnapshotSource.class);

        ZooKeeperSource<String> latest =
                valid().setStartupMode(StartupMode.LATEST).setTrackChildren(true).build();
        ZooKeeperChangelogSource<?> live = (ZooKeeperChangelogSource<?>) latest.getImplementation();
        assertThat(live.emitsSnapshot()).isFalse();
        assertThat(live.tracksChildren()).isTrue();
    }

    @Test
    void layoutAndReadTuningAreHandedOn() {
        ZooKeeperSource<String> deep =
                valid().setRowDepth(3).setReadBatchSize(7).setReadMaxInFlight(2).build();
        ZooKeeperChangelogSource<?> live = (ZooKeeperChangelogSource<?>) deep.getImplementation();
        assertThat(live.getLayout()).isEqualTo(ZNodeTreeLayout.levels("/app/flags", 3));
        assertThat(live.getReadOptions().getBatchSize()).isEqualTo(7);
        assertThat(live.getReadOptions().getMaxInFlight()).isEqualTo(2);

        ZooKeeperSource<String> subtree =
                valid().setKeyMode(KeyMode.RELATIVE_PATH)
                        .setStartupMode(StartupMode.SNAPSHOT)
                        .build();
        assertThat(((ZooKeeperSnapshotSource<?>) subtree.getImplementation()).getLayout())
                .isEqualTo(ZNodeTreeLayout.wholeSubtree("/app/flags"));
    }

    @Test
    void connectionOptionsAreUsedAsTheyAre() {
        ZooKeeperConnectionOptions connection =
                ZooKeeperConnectionOptions.builder()
                        .setHosts("zk1:2181")
                        .setSessionTimeout(Duration.ofSeconds(9))
                        .build();
        ZooKeeperSource<String> source =
                ZooKeeperSource.<String>builder()
                        .setConnectionOptions(connection)
                        .setPath("/a")
                        .setStartupMode(StartupMode.SNAPSHOT)
                        .setDeserializer(ZNodeDeserializer.valueOnly(new SimpleStringSchema()))
                        .build();
        assertThat(
                        ((ZooKeeperSnapshotSource<?>) source.getImplementation())
                                .getReadOptions()
                                .getConnection())
                .isSameAs(connection);
    }

    @Test
    void missingSettingsNameTheirSetter() {
        assertThatThrownBy(() -> valid().setHosts(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("setHosts(...) is required");
        assertThatThrownBy(() -> valid().setPath(null).build())
                .hasMessageStartingWith("setPath(...) is required");
        assertThatThrownBy(() -> valid().setDeserializer(null).build())
                .hasMessageStartingWith("setDeserializer(...) is required");
    }

    @Test
    void wrongValuesNameTheirSetter() {
        assertThatThrownBy(() -> valid().setHosts("a:1, b:2").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("setHosts(...) must be a ZooKeeper connect string");
        assertThatThrownBy(() -> valid().setPath("app").build())
                .hasMessageStartingWith("setPath(...) must be an absolute znode path");
        assertThatThrownBy(() -> valid().setPath("/app/").build())
                .hasMessageStartingWith("setPath(...) must not end with '/'");
        assertThatThrownBy(() -> valid().setRowDepth(0).build())
                .hasMessageStartingWith("setRowDepth(...) must be at least 1");
        assertThatThrownBy(() -> valid().setReadBatchSize(0).build())
                .hasMessage("setReadBatchSize(...) must be between 1 and 1000, but was 0.");
        assertThatThrownBy(() -> valid().setReadMaxInFlight(65).build())
                .hasMessage("setReadMaxInFlight(...) must be between 1 and 64, but was 65.");
    }

    @Test
    void conflictingSettingsAreRefused() {
        ZooKeeperConnectionOptions connection =
                ZooKeeperConnectionOptions.builder().setHosts("zk1:2181").build();
        assertThatThrownBy(() -> valid().setConnectionOptions(connection).build())
                .hasMessageStartingWith(
                        "setHosts(...) and setConnectionOptions(...) both name the ensemble");
        assertThatThrownBy(() -> valid().setKeyMode(KeyMode.RELATIVE_PATH).setRowDepth(2).build())
                .hasMessageStartingWith("setRowDepth(...) applies to KeyMode.LEVELS only");
        assertThatThrownBy(
                        () ->
                                valid().setStartupMode(StartupMode.SNAPSHOT)
                                        .setTrackChildren(true)
                                        .build())
                .hasMessageStartingWith("setTrackChildren(true) applies to StartupMode.INITIAL");
    }
}
