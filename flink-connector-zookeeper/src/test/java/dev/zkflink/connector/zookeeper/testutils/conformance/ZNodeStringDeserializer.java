package dev.zkflink.connector.zookeeper.testutils.conformance;

import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/** Emits a row node's data as a UTF-8 string: the conformance suites' records. */
public final class ZNodeStringDeserializer implements ZNodeDeserializer<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ZNodeRecord node, Collector<String> out) {
        out.collect(new String(node.getData(), StandardCharsets.UTF_8));
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
