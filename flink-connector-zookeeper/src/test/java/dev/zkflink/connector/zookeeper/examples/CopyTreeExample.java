package dev.zkflink.connector.zookeeper.examples;

import dev.zkflink.connector.zookeeper.common.KeyMode;
import dev.zkflink.connector.zookeeper.sink.ZNodeMutationSerializer;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperSink;
import dev.zkflink.connector.zookeeper.source.ChangeKind;
import dev.zkflink.connector.zookeeper.source.StartupMode;
import dev.zkflink.connector.zookeeper.source.ZNodeDeserializer;
import dev.zkflink.connector.zookeeper.source.ZNodeRecord;
import dev.zkflink.connector.zookeeper.source.ZooKeeperSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A DataStream program with the builders: copies every node below one path to another, with the
 * data in upper case. {@code snapshot} copies once and ends; {@code initial} keeps following, so
 * creates, updates and deletes below the source show up below the target.
 *
 * <p>Run: {@code CopyTreeExample <hosts> <from> <to> [snapshot|initial|latest]}.
 */
public final class CopyTreeExample {
    private CopyTreeExample() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StartupMode mode =
                args.length > 3
                        ? StartupMode.valueOf(args[3].toUpperCase(Locale.ROOT))
                        : StartupMode.SNAPSHOT;
        build(env, args[0], args[1], args[2], mode);
        env.execute("Copy " + args[1] + " to " + args[2]);
    }

    /** Adds the copy to {@code env} and returns the records read, for callers that look. */
    public static DataStream<ZNodeRecord> build(
            StreamExecutionEnvironment env,
            String hosts,
            String from,
            String to,
            StartupMode mode) {
        ZooKeeperSource<ZNodeRecord> source =
                ZooKeeperSource.<ZNodeRecord>builder()
                        .setHosts(hosts)
                        .setPath(from)
                        .setKeyMode(KeyMode.RELATIVE_PATH)
                        .setStartupMode(mode)
                        .setDeserializer(ZNodeDeserializer.records())
                        .build();
        Sink<ZNodeRecord> sink =
                ZooKeeperSink.<ZNodeRecord>builder()
                        .setHosts(hosts)
                        .setPath(to)
                        .setSerializer(
                                ZNodeMutationSerializer.<ZNodeRecord>keyValue(
                                                ZNodeRecord::getRelativePath,
                                                CopyTreeExample::upperCase)
                                        .withDeletes(r -> r.getKind() == ChangeKind.DELETE))
                        .build();
        DataStream<ZNodeRecord> nodes =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "read " + from);
        // rebalance(): records cross the network, through ZNodeRecord's own serializer.
        nodes.rebalance().sinkTo(sink).name("write " + to);
        return nodes;
    }

    private static byte[] upperCase(ZNodeRecord node) {
        String data = new String(node.getData(), StandardCharsets.UTF_8);
        return data.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }
}
