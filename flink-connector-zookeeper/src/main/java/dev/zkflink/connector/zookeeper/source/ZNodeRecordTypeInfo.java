package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * The Flink type of a {@link ZNodeRecord}: serialized by {@link ZNodeRecordSerializer}, field by
 * field. {@code ZNodeRecord} is immutable and has no default constructor, so without this Flink
 * would fall back to Kryo, which jobs may forbid ({@code pipeline.generic-types}).
 */
@PublicEvolving
public final class ZNodeRecordTypeInfo extends TypeInformation<ZNodeRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ZNodeRecord> getTypeClass() {
        return ZNodeRecord.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ZNodeRecord> createSerializer(SerializerConfig config) {
        return ZNodeRecordSerializer.INSTANCE;
    }

    /**
     * Flink 1.20 still declares this one abstract; 2.x has dropped it. No {@code @Override}, so the
     * class compiles against both.
     */
    public TypeSerializer<ZNodeRecord> createSerializer(ExecutionConfig config) {
        return ZNodeRecordSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ZNodeRecord";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ZNodeRecordTypeInfo;
    }

    @Override
    public int hashCode() {
        return ZNodeRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof ZNodeRecordTypeInfo;
    }

    /** Lets {@code TypeInformation.of(ZNodeRecord.class)} find this type ({@code @TypeInfo}). */
    public static final class Factory extends TypeInfoFactory<ZNodeRecord> {
        @Override
        public TypeInformation<ZNodeRecord> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ZNodeRecordTypeInfo();
        }
    }
}
