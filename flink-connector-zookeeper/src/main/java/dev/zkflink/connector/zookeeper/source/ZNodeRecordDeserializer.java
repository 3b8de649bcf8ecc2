package dev.zkflink.connector.zookeeper.source;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/** {@link ZNodeDeserializer#records()}: every node as the {@link ZNodeRecord} it was read as. */
final class ZNodeRecordDeserializer implements ZNodeDeserializer<ZNodeRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ZNodeRecord node, Collector<ZNodeRecord> out) {
        out.collect(node);
    }

    @Override
    public TypeInformation<ZNodeRecord> getProducedType() {
        return new ZNodeRecordTypeInfo();
    }
}
