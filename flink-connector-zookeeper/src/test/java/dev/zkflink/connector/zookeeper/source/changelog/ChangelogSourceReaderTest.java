package dev.zkflink.connector.zookeeper.source.changelog;

import dev.zkflink.connector.zookeeper.common.ZNodePathFilter;
import dev.zkflink.connector.zookeeper.common.ZNodeTreeLayout;
import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperReadOptions;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;

import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** When a live reader may mark itself idle. */
class ChangelogSourceReaderTest {

    /**
     * A reader polled before its buckets arrive must not go idle: other inputs' watermarks would
     * pass it, and its first rows would arrive late (a temporal join then held them back).
     */
    @Test
    void marksIdleOnlyOnceTheEnumeratorHasAnsweredWithNoBuckets() throws Exception {
        IdleRecordingOutput output = new IdleRecordingOutput();
        try (ChangelogSourceReader<String> reader =
                ChangelogSourceReader.create(
                        ZNodeTreeLayout.levels("/t", 1),
                        ZooKeeperReadOptions.builder()
                                .setConnection(
                                        ZooKeeperConnectionOptions.builder()
                                                .setHosts("127.0.0.1:1")
                                                .build())
                                .build(),
                        ZNodePathFilter.all(),
                        new NoRows(),
                        false,
                        new Context())) {
            reader.start();
            reader.pollNext(output);
            reader.pollNext(output);
            assertThat(output.idleMarks).as("idle before the assignment arrived").isZero();

            reader.addSplits(Collections.emptyList());
            reader.pollNext(output);
            assertThat(output.idleMarks).as("idle once told there are no buckets").isPositive();
        }
    }

    private static final class NoRows implements ZNodeDeserializer<String> {
        @Override
        public void deserialize(ZNodeRecord node, Collector<String> collector) {}

        @Override
        public TypeInformation<String> getProducedType() {
            return TypeInformation.of(String.class);
        }
    }

    private static final class IdleRecordingOutput implements ReaderOutput<String> {
        int idleMarks;

        @Override
        public void collect(String record) {}

        @Override
        public void collect(String record, long timestamp) {}

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {
            idleMarks++;
        }

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<String> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    private static final class Context implements SourceReaderContext {
        private final SourceReaderMetricGroup metrics =
                UnregisteredMetricsGroup.createSourceReaderMetricGroup();

        @Override
        public SourceReaderMetricGroup metricGroup() {
            return metrics;
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {}

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }
}
