package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ZNodeRecordSerializerTest {

    @Test
    void flinkFindsTheRecordsOwnTypeInformation() {
        TypeInformation<ZNodeRecord> type = TypeInformation.of(ZNodeRecord.class);
        assertThat(type).isInstanceOf(ZNodeRecordTypeInfo.class);
        assertThat(type.createSerializer(new SerializerConfigImpl()))
                .isSameAs(ZNodeRecordSerializer.INSTANCE);
        assertThat(ZNodeDeserializer.records().getProducedType()).isEqualTo(type);
    }

    @Test
    void roundTripsEveryField() throws Exception {
        Stat stat = new Stat(11, 12, 13, 14, 5, 6, 7, 0x42, 3, 2, 19);
        ZNodeRecord update =
                new ZNodeRecord(
                        "a/b",
                        "/root/a/b",
                        "v".getBytes(StandardCharsets.UTF_8),
                        stat,
                        ChangeKind.UPDATE);
        ZNodeRecord keysOnly = new ZNodeRecord("c", "/root/c", null, null, ChangeKind.DELETE);
        for (ZNodeRecord record : new ZNodeRecord[] {update, keysOnly}) {
            ZNodeRecord back = roundTrip(ZNodeRecordSerializer.INSTANCE, record);
            assertThat(back).isEqualTo(record).isNotSameAs(record);
            assertThat(back.getStat()).isEqualTo(record.getStat());
            assertThat(back.getKind()).isEqualTo(record.getKind());
        }
        assertThat(roundTrip(ZNodeRecordSerializer.INSTANCE, update).getStat().getPzxid())
                .isEqualTo(19);
    }

    @Test
    void copiesAreDeep() {
        byte[] data = {1, 2};
        Stat stat = new Stat();
        stat.setVersion(4);
        ZNodeRecord record = new ZNodeRecord("x", "/x", data, stat, ChangeKind.INSERT);
        ZNodeRecord copy = ZNodeRecordSerializer.INSTANCE.copy(record);
        data[0] = 9;
        stat.setVersion(5);
        assertThat(copy.getData()).containsExactly(1, 2);
        assertThat(copy.getStat().getVersion()).isEqualTo(4);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
