package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZNodeDeserializerTest {
    private static ZNodeRecord node(String data, ChangeKind kind) {
        return new ZNodeRecord("a", "/app/a", data.getBytes(StandardCharsets.UTF_8), null, kind);
    }

    @Test
    void valueOnlyDecodesDataAndSkipsDeletes() throws Exception {
        ZNodeDeserializer<String> values = ZNodeDeserializer.valueOnly(new SimpleStringSchema());
        assertThat(values.getProducedType()).isEqualTo(Types.STRING);
        List<String> out = new ArrayList<>();
        values.deserialize(node("on", ChangeKind.INSERT), collect(out));
        values.deserialize(node("off", ChangeKind.UPDATE), collect(out));
        values.deserialize(node("", ChangeKind.DELETE), collect(out));
        assertThat(out).containsExactly("on", "off");
    }

    @Test
    void recordsPassEveryNodeThrough() throws Exception {
        List<ZNodeRecord> out = new ArrayList<>();
        ZNodeRecord delete = node("", ChangeKind.DELETE);
        ZNodeDeserializer.records().deserialize(delete, collect(out));
        assertThat(out).containsExactly(delete);
    }

    @Test
    void decodeErrorsNameTheNode() {
        ZNodeDeserializer<Integer> numbers =
                ZNodeDeserializer.valueOnly(
                        new AbstractDeserializationSchema<Integer>() {
                            @Override
                            public Integer deserialize(byte[] message) {
                                return Integer.parseInt(
                                        new String(message, StandardCharsets.UTF_8));
                            }
                        });
        assertThatThrownBy(
                        () ->
                                numbers.deserialize(
                                        node("x", ChangeKind.INSERT), collect(new ArrayList<>())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Could not decode the data of znode '/app/a' (1 bytes)")
                .hasMessageContaining("For input string: \"x\"");
    }

    private static <T> Collector<T> collect(List<T> out) {
        return new Collector<T>() {
            @Override
            public void collect(T record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
