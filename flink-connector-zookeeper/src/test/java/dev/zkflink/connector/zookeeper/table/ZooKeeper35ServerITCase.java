package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.sink.ZNodeMutationSerializer;
import dev.zkflink.connector.zookeeper.sink.ZooKeeperSink;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperServerProcess;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ZooKeeper 3.5 server (its own JVM, the jars the pom copies to {@code target/zookeeper-3.5}):
 * snapshot reads and writes work; the live source, which needs persistent recursive watches (3.6+),
 * fails at once with an error that says so, instead of reconnecting for ever.
 */
class ZooKeeper35ServerITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path dataDir;
    private static ZooKeeperServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        Path jars = Paths.get(System.getProperty("zookeeper35.dir", "target/zookeeper-3.5"));
        String classPath;
        try (Stream<Path> files = Files.list(jars)) {
            classPath =
                    files.map(Path::toString)
                            .filter(f -> f.endsWith(".jar"))
                            .collect(Collectors.joining(File.pathSeparator));
        }
        assertThat(classPath).contains("zookeeper-3.5.");
        server =
                ZooKeeperServerProcess.start(
                        classPath, dataDir, 256, "-Dzookeeper.admin.enableServer=false");
        try (ZooKeeperTrees trees = new ZooKeeperTrees(server.connectString())) {
            assertThat(trees.zk().getClass()).isNotNull(); // the 3.9 client connects
            trees.put("/flags/a", "on");
            trees.put("/flags/b", "off");
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static StreamTableEnvironment tableEnv(RuntimeExecutionMode mode) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, mode);
        return StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment(conf));
    }

    private static void createTable(StreamTableEnvironment tEnv, String name, String extra) {
        tEnv.executeSql(
                "CREATE TABLE "
                        + name
                        + " (name STRING, v STRING, PRIMARY KEY (name) NOT ENFORCED) WITH ("
                        + "'connector' = 'zookeeper', 'hosts' = '"
                        + server.connectString()
                        + "', 'path' = '/flags', 'connection.timeout' = '10 s'"
                        + extra
                        + ")");
    }

    @Test
    void writesWork() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(RuntimeExecutionMode.BATCH);
        createTable(tEnv, "flags", "");
        tEnv.executeSql("INSERT INTO flags VALUES ('c', 'new'), ('a', 'changed')").await();
        try (ZooKeeperTrees trees = new ZooKeeperTrees(server.connectString())) {
            assertThat(trees.level("/flags", 1))
                    .containsEntry("a", "changed")
                    .containsEntry("b", "off")
                    .containsEntry("c", "new");
        }
    }

    /** The sink lists a subtree with multi-read requests before it deletes it. */
    @Test
    void aDeleteOfANodeWithChildrenSaysItNeeds36() throws Exception {
        try (ZooKeeperTrees trees = new ZooKeeperTrees(server.connectString())) {
            trees.put("/flags/parent/child", "x");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData("parent")
                .sinkTo(
                        ZooKeeperSink.<String>builder()
                                .setHosts(server.connectString())
                                .setPath("/flags")
                                .setSerializer(
                                        ZNodeMutationSerializer.keyValue(
                                                        (String s) -> s, new SimpleStringSchema())
                                                .withDeletes(s -> true))
                                .build());
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(env::execute);
        assertThat(t).isNotNull();
        assertThat(ExceptionUtils.stringifyException(t))
                .contains("does not implement multi-read requests")
                .contains("to delete nodes that have children");
        try (ZooKeeperTrees trees = new ZooKeeperTrees(server.connectString())) {
            assertThat(trees.get("/flags/parent/child")).isEqualTo("x");
        }
    }

    @Test
    void aSnapshotReadSaysItNeeds36() {
        StreamTableEnvironment tEnv = tableEnv(RuntimeExecutionMode.BATCH);
        createTable(tEnv, "snap", ", 'scan.startup.mode' = 'snapshot'");
        Throwable t =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> {
                            try (CloseableIterator<Row> it =
                                    tEnv.executeSql("SELECT name, v FROM snap").collect()) {
                                it.forEachRemaining(r -> {});
                            }
                        });
        assertThat(t).isNotNull();
        assertThat(ExceptionUtils.stringifyException(t))
                .contains("does not implement multi-read requests")
                .contains("ZooKeeper 3.6");
    }

    @Test
    void theLiveSourceSaysItNeedsPersistentWatches() throws Exception {
        StreamTableEnvironment tEnv = tableEnv(RuntimeExecutionMode.STREAMING);
        createTable(tEnv, "live", ", 'scan.startup.mode' = 'initial'");
        TableResult result = tEnv.executeSql("SELECT name, v FROM live");
        CompletableFuture<Throwable> failure =
                CompletableFuture.supplyAsync(
                        () -> {
                            try (CloseableIterator<Row> it = result.collect()) {
                                while (it.hasNext()) {
                                    it.next();
                                }
                                return null;
                            } catch (Throwable t) {
                                return t;
                            }
                        });
        Throwable t;
        try {
            t = failure.get(90, TimeUnit.SECONDS);
        } finally {
            result.getJobClient().ifPresent(c -> c.cancel());
        }
        assertThat(t).as("the job must fail, not end").isNotNull();
        String all = ExceptionUtils.stringifyException(t);
        assertThat(all)
                .contains("does not implement persistent recursive watches (addWatch)")
                .contains("ZooKeeper 3.6");
    }
}
