package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZooKeeperSinkBuilderTest {

    private static ZooKeeperSinkBuilder<String> valid() {
        return ZooKeeperSink.<String>builder()
                .setHosts("127.0.0.1:2181")
                .setPath("/app/flags")
                .setSerializer(
                        ZNodeMutationSerializer.keyValue(
                                s -> s.split("=")[0], new SimpleStringSchema()));
    }

    @Test
    void defaultsAreAnAtLeastOnceSinkWithTheSqlDefaults() {
        Sink<String> sink = valid().build();
        assertThat(sink).isInstanceOf(ZooKeeperSink.class);
        ZooKeeperWriteOptions options = ((ZooKeeperSink<String>) sink).getWriteOptions();
        assertThat(options.getDeliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(options.getCreateMode()).isEqualTo(ZNodeCreateMode.PERSISTENT);
        assertThat(options.getAcl()).isEqualTo(ZNodeAclSpec.open());
        assertThat(options.getTtl()).isNull();
        assertThat(options.getVersionConflict()).isEqualTo(VersionConflictPolicy.FAIL);
        assertThat(options.getBufferFlushMaxRows()).isEqualTo(1000);
        assertThat(options.getBufferFlushMaxBytes())
                .isEqualTo(ZooKeeperWriteOptions.DEFAULT_BUFFER_FLUSH_MAX_BYTES);
        assertThat(options.getBufferFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.getMaxRetries()).isEqualTo(10);
        assertThat(options.getRetryBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.getRetryTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.getMaxInFlight()).isEqualTo(ZooKeeperWriteOptions.DEFAULT_MAX_IN_FLIGHT);
        assertThat(options.getConnection().getHosts()).isEqualTo("127.0.0.1:2181");
        assertThat(((ZooKeeperSink<String>) sink).getRootPath()).isEqualTo("/app/flags");
    }

    @Test
    void deliveryGuaranteePicksTheSink() {
        Sink<String> exactlyOnce =
                valid().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build();
        assertThat(exactlyOnce).isInstanceOf(ZooKeeperExactlyOnceSink.class);
        assertThat(
                        ((ZooKeeperExactlyOnceSink<String>) exactlyOnce)
                                .getWriteOptions()
                                .getDeliveryGuarantee())
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        Sink<String> none = valid().setDeliveryGuarantee(DeliveryGuarantee.NONE).build();
        assertThat(((ZooKeeperSink<String>) none).getWriteOptions().getDeliveryGuarantee())
                .isEqualTo(DeliveryGuarantee.NONE);
    }

    @Test
    void everyWriteSettingIsHandedOn() {
        ZooKeeperWriteOptions o =
                ((ZooKeeperSink<String>)
                                valid().setCreateMode(ZNodeCreateMode.PERSISTENT_WITH_TTL)
                                        .setTtl(Duration.ofMinutes(5))
                                        .setAcl(ZNodeAclSpec.parse("world:anyone:r"))
                                        .setVersionConflict(VersionConflictPolicy.SKIP)
                                        .setBufferFlushMaxRows(7)
                                        .setBufferFlushMaxBytes(4096)
                                        .setBufferFlushInterval(Duration.ZERO)
                                        .setMaxRetries(2)
                                        .setRetryBackoff(Duration.ofMillis(50))
                                        .setRetryTimeout(Duration.ofSeconds(3))
                                        .setMaxInFlight(1)
                                        .build())
                        .getWriteOptions();
        assertThat(o.getCreateMode()).isEqualTo(ZNodeCreateMode.PERSISTENT_WITH_TTL);
        assertThat(o.getTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.getAcl()).isEqualTo(ZNodeAclSpec.parse("world:anyone:r"));
        assertThat(o.getVersionConflict()).isEqualTo(VersionConflictPolicy.SKIP);
        assertThat(o.getBufferFlushMaxRows()).isEqualTo(7);
        assertThat(o.getBufferFlushMaxBytes()).isEqualTo(4096);
        assertThat(o.getBufferFlushInterval()).isEqualTo(Duration.ZERO);
        assertThat(o.getMaxRetries()).isEqualTo(2);
        assertThat(o.getRetryBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.getRetryTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.getMaxInFlight()).isEqualTo(1);
    }

    @Test
    void missingSettingsNameTheirSetter() {
        assertThatThrownBy(() -> valid().setHosts(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("setHosts(...) is required");
        assertThatThrownBy(() -> valid().setPath(null).build())
                .hasMessageStartingWith("setPath(...) is required");
        assertThatThrownBy(() -> valid().setSerializer(null).build())
                .hasMessageStartingWith("setSerializer(...) is required");
    }

    @Test
    void wrongValuesNameTheirSetter() {
        assertThatThrownBy(() -> valid().setPath("flags").build())
                .hasMessageStartingWith("setPath(...) must be an absolute znode path");
        assertThatThrownBy(() -> valid().setBufferFlushMaxRows(0).build())
                .hasMessage("setBufferFlushMaxRows(...) must be at least 1, but was 0.");
        assertThatThrownBy(() -> valid().setMaxInFlight(65).build())
                .hasMessage("setMaxInFlight(...) must be between 1 and 64, but was 65.");
        assertThatThrownBy(() -> valid().setRetryBackoff(Duration.ZERO).build())
                .hasMessage("setRetryBackoff(...) must be positive, but was PT0S.");
        assertThatThrownBy(() -> valid().setTtl(Duration.ofMinutes(1)).build())
                .hasMessageStartingWith(
                        "setTtl(...) is set, but setCreateMode(...) = 'persistent'");
        assertThatThrownBy(
                        () ->
                                valid().setCreateMode(ZNodeCreateMode.EPHEMERAL)
                                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                        .build())
                .hasMessageContaining("cannot be combined with setDeliveryGuarantee(...) =");
        assertThatThrownBy(() -> valid().setAcl(ZNodeAclSpec.parse("auth::cdrwa")).build())
                .hasMessageContaining("ZooKeeperConnectionOptions.Builder#setDigestAuth(...)");
        assertThatThrownBy(
                        () ->
                                valid().setConnectionOptions(
                                                ZooKeeperConnectionOptions.builder()
                                                        .setHosts("zk:1")
                                                        .build())
                                        .build())
                .hasMessageStartingWith("setHosts(...) and setConnectionOptions(...)");
    }

    @Test
    void keyValueWritesKeysBelowTheSinkPath() throws Exception {
        ZNodeMutationSerializer<String> serializer =
                ((ZooKeeperSink<String>)
                                ZooKeeperSink.<String>builder()
                                        .setHosts("127.0.0.1:2181")
                                        .setPath("/app")
                                        .setSerializer(
                                                ZNodeMutationSerializer.<String>keyValue(
                                                                s -> s.split("=")[0],
                                                                s ->
                                                                        s.split("=", 2)[1].getBytes(
                                                                                StandardCharsets
                                                                                        .UTF_8))
                                                        .withDeletes(s -> s.endsWith("=")))
                                        .build())
                        .getSerializer();
        ZNodeMutation upsert = serializer.toMutation("a/b=on");
        assertThat(upsert.getPath()).isEqualTo("/app/a/b");
        assertThat(new String(upsert.getData(), StandardCharsets.UTF_8)).isEqualTo("on");
        ZNodeMutation delete = serializer.toMutation("a=");
        assertThat(delete.isDelete()).isTrue();
        assertThat(delete.getPath()).isEqualTo("/app/a");
        assertThatThrownBy(() -> serializer.toMutation("/abs=x"))
                .hasMessageContaining("The key '/abs' starts with '/'");
        assertThatThrownBy(() -> serializer.toMutation("a//b=x"))
                .hasMessageContaining("The key 'a//b' makes no valid znode path below '/app'");
        assertThatThrownBy(() -> serializer.toMutation("=x"))
                .hasMessageContaining("The key of a record (String) is empty");
    }

    @Test
    void anUnboundKeyValueSerializerSaysHowToBindIt() {
        assertThatThrownBy(
                        () ->
                                ZNodeMutationSerializer.keyValue(
                                                (String s) -> s, new SimpleStringSchema())
                                        .toMutation("a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ZooKeeperSink.builder().setSerializer(...)");
    }

    @Test
    void keyValueUnderTheRootNeverWritesZooKeepersOwnSubtree() throws Exception {
        ZNodeMutationSerializer<String> serializer =
                ZNodeMutationSerializer.keyValue((String s) -> s, new SimpleStringSchema())
                        .forSinkPath("/");
        assertThat(serializer.toMutation("zookeeperish").getPath()).isEqualTo("/zookeeperish");
        assertThatThrownBy(() -> serializer.toMutation("zookeeper"))
                .hasMessageContaining("The key 'zookeeper' names ZooKeeper's own /zookeeper");
        assertThatThrownBy(() -> serializer.toMutation("zookeeper/quota"))
                .hasMessageContaining("The key 'zookeeper/quota' names ZooKeeper's own");
        assertThat(
                        ZNodeMutationSerializer.keyValue((String s) -> s, new SimpleStringSchema())
                                .forSinkPath("/app")
                                .toMutation("zookeeper")
                                .getPath())
                .isEqualTo("/app/zookeeper");
    }
}
