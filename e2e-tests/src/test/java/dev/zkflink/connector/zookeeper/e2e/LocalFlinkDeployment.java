package dev.zkflink.connector.zookeeper.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink session cluster, a SQL gateway and SQL client runs, each a separate JVM started the way
 * Flink's scripts start them, from the jars that Maven copied into {@code lib} (a stand-in for a
 * distribution's {@code lib/} and {@code opt/}: {@code flink-dist} is not published).
 *
 * <p>Everything binds to 127.0.0.1, on ports picked free just before the start. Each run gets a
 * fresh directory with {@code conf/} (config.yaml, log4j.properties), {@code log/} (one {@code
 * .log} and one {@code .out} file per process) and {@code tmp/}. Every wait has a deadline; {@link
 * #close()} stops every process it started, forcibly if it does not stop in time.
 */
final class LocalFlinkDeployment implements AutoCloseable {

    /**
     * What Flink 2.3's distribution puts into {@code env.java.opts.all} for Java 17 (its
     * config.yaml); the start scripts add them to every JVM.
     */
    static final List<String> JAVA_17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final String BASH_JAVA_UTILS_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path libDir;
    private final Path runDir;
    private final Path confDir;
    private final Path logDir;
    private final Path tmpDir;
    private final String java;
    private final List<String> jvmOptions;
    private final int restPort;
    private final int gatewayPort;
    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
    private final Map<String, Process> processes =
            Collections.synchronizedMap(new LinkedHashMap<>());
    private final Thread shutdownHook = new Thread(this::destroyAll, "flink-e2e-cleanup");

    /**
     * Prepares a fresh run directory below {@code workDir} with the configuration; starts nothing.
     *
     * @param libDir the Flink jars (no connector)
     */
    LocalFlinkDeployment(Path libDir, Path workDir) throws IOException {
        this(libDir, workDir, List.of());
    }

    /**
     * As {@link #LocalFlinkDeployment(Path, Path)}, with JVM options for every process it starts,
     * as {@code env.java.opts.all} gives them to every JVM that Flink's scripts start.
     */
    LocalFlinkDeployment(Path libDir, Path workDir, List<String> jvmOptions) throws IOException {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.libDir = libDir.toAbsolutePath();
        this.runDir = workDir.toAbsolutePath().resolve("run");
        deleteRecursively(runDir);
        this.confDir = Files.createDirectories(runDir.resolve("conf"));
        this.logDir = Files.createDirectories(runDir.resolve("log"));
        this.tmpDir = Files.createDirectories(runDir.resolve("tmp"));
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        int[] ports = freePorts(6);
        this.restPort = ports[0];
        this.gatewayPort = ports[1];
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("jobmanager.rpc.port", String.valueOf(ports[2]));
        config.put("jobmanager.memory.process.size", "768m");
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.rpc.port", String.valueOf(ports[3]));
        config.put("taskmanager.data.port", String.valueOf(ports[4]));
        config.put("taskmanager.numberOfTaskSlots", "2");
        config.put("taskmanager.memory.process.size", "1024m");
        config.put("blob.server.port", String.valueOf(ports[5]));
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", String.valueOf(restPort));
        config.put("sql-gateway.endpoint.rest.address", "127.0.0.1");
        config.put("sql-gateway.endpoint.rest.bind-address", "127.0.0.1");
        config.put("sql-gateway.endpoint.rest.port", String.valueOf(gatewayPort));
        config.put("parallelism.default", "1");
        config.put("io.tmp.dirs", tmpDir.toString());
        Files.write(
                confDir.resolve("config.yaml"),
                config.entrySet().stream()
                        .map(e -> e.getKey() + ": '" + e.getValue() + "'")
                        .collect(Collectors.toList()),
                StandardCharsets.UTF_8);
        // Each process logs to its own file (-Dlog.file), as with Flink's scripts.
        Files.write(
                confDir.resolve("log4j.properties"),
                List.of(
                        "monitorInterval = 0",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = MainAppender",
                        "appender.main.name = MainAppender",
                        "appender.main.type = File",
                        "appender.main.append = true",
                        "appender.main.fileName = ${sys:log.file}",
                        "appender.main.layout.type = PatternLayout",
                        "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n"),
                StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    Path runDir() {
        return runDir;
    }

    Path logDir() {
        return logDir;
    }

    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    String gatewayEndpoint() {
        return "127.0.0.1:" + gatewayPort;
    }

    String gatewayUrl() {
        return "http://" + gatewayEndpoint();
    }

    /**
     * Starts the JobManager, one TaskManager and the SQL gateway, and waits until the TaskManager
     * has registered its slots and the gateway answers.
     */
    void start(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Memory flags exactly as bin/jobmanager.sh and bin/taskmanager.sh compute them.
        List<List<String>> jm = bashJavaUtils("GET_JM_RESOURCE_PARAMS", deadline);
        List<List<String>> tm = bashJavaUtils("GET_TM_RESOURCE_PARAMS", deadline);

        List<String> jmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
        jmArgs.addAll(List.of("--executionMode", "cluster"));
        jmArgs.addAll(jm.get(1));
        startJvm(
                "jobmanager",
                jm.get(0),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                jmArgs);

        List<String> tmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
        tmArgs.addAll(tm.get(1));
        startJvm(
                "taskmanager",
                tm.get(0),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                tmArgs);

        // bin/sql-gateway.sh: the gateway reads FLINK_CONF_DIR; its REST endpoint is configured
        // in config.yaml.
        startJvm(
                "sql-gateway",
                List.of("-Xmx512m"),
                "org.apache.flink.table.gateway.SqlGateway",
                List.of());

        awaitCondition(
                "a TaskManager with 2 slots at the JobManager " + restUrl(),
                () -> {
                    String overview = httpGetOrNull(restUrl() + "/overview");
                    return overview != null
                            && overview.contains("\"taskmanagers\":1")
                            && overview.contains("\"slots-total\":2");
                },
                deadline);
        awaitCondition(
                "the SQL gateway at " + gatewayUrl(),
                () -> httpGetOrNull(gatewayUrl() + "/v3/info") != null,
                deadline);
    }

    /**
     * Runs {@code SqlClient} in gateway mode against this deployment's gateway. Its stdout and
     * stderr go to {@code log/<name>.out}.
     *
     * @return the exit code and the output
     */
    ClientRun runSqlClient(String name, List<String> clientArgs, Duration timeout)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("gateway", "--endpoint", gatewayEndpoint()));
        args.addAll(List.of("--history", runDir.resolve(name + "-history").toString()));
        args.addAll(clientArgs);
        Process process =
                startJvm(
                        name, List.of("-Xmx256m"), "org.apache.flink.table.client.SqlClient", args);
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            stop(name);
            throw new AssertionError(
                    "The SQL client did not finish within "
                            + timeout.toSeconds()
                            + " s; its output is in "
                            + logDir.resolve(name + ".out"));
        }
        processes.remove(name);
        String output = Files.readString(logDir.resolve(name + ".out"), StandardCharsets.UTF_8);
        return new ClientRun(process.exitValue(), output);
    }

    /** The exit code and output of one SQL client run. */
    static final class ClientRun {
        final int exitCode;
        final String output;

        ClientRun(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    /** GET on the JobManager's REST API; fails on anything but 200. */
    String jobManagerGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(restUrl() + path))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Cancels a job through the JobManager's REST API ({@code PATCH /jobs/<id>?mode=cancel}). */
    void cancelJob(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                                .timeout(Duration.ofSeconds(10))
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException(
                    "Cancelling job "
                            + jobId
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
    }

    HttpClient http() {
        return http;
    }

    /** The last lines of every log and output file, for a failure report. */
    String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        List<Path> files;
        try (Stream<Path> list = Files.list(logDir)) {
            files = list.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return "(cannot list " + logDir + ": " + e + ")";
        }
        for (Path file : files) {
            sb.append("\n===== ").append(file).append(" (last ").append(lines).append(" lines)\n");
            try {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                    sb.append(line).append('\n');
                }
            } catch (IOException | UncheckedIOException e) {
                sb.append("(cannot read: ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** Lines of a process's log file that match, e.g. ERROR lines. */
    List<String> logLines(String name, Predicate<String> filter) throws IOException {
        Path file = logDir.resolve(name + ".log");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(filter)
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook runs anyway.
        }
    }

    // ---------------------------------------------------------------------------------------

    private Process startJvm(
            String name, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(JAVA_17_OPTIONS);
        command.addAll(this.jvmOptions);
        command.add("-Djava.io.tmpdir=" + tmpDir);
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-classpath");
        command.add(libDir.resolve("*").toString());
        command.add(mainClass);
        command.addAll(args);
        Files.writeString(
                logDir.resolve(name + ".out"),
                "$ " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(runDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        logDir.resolve(name + ".out").toFile()));
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        builder.environment().remove("FLINK_HOME");
        builder.environment().remove("FLINK_LIB_DIR");
        builder.environment().remove("FLINK_PLUGINS_DIR");
        Process process = builder.start();
        // Nothing reads stdin: a client that would wait for input sees its end at once.
        process.getOutputStream().close();
        processes.put(name, process);
        return process;
    }

    /**
     * Runs {@code BashJavaUtils} like Flink's {@code config.sh} does and returns its two result
     * lines: the JVM memory flags, and the dynamic configuration ({@code -D key=value} pairs).
     */
    private List<List<String>> bashJavaUtils(String command, long deadline) throws Exception {
        String name = "bash-java-utils-" + command.toLowerCase();
        Process process =
                startJvm(
                        name,
                        List.of("-Xmx128m"),
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        List.of(command, "--configDir", confDir.toString()));
        if (!process.waitFor(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
            stop(name);
            throw new AssertionError("BashJavaUtils " + command + " did not finish in time");
        }
        processes.remove(name);
        List<List<String>> results =
                Files.readAllLines(logDir.resolve(name + ".out"), StandardCharsets.UTF_8).stream()
                        .filter(line -> line.startsWith(BASH_JAVA_UTILS_RESULT))
                        .map(line -> line.substring(BASH_JAVA_UTILS_RESULT.length()).trim())
                        .map(line -> Arrays.asList(line.split("\\s+")))
                        .collect(Collectors.toList());
        if (process.exitValue() != 0 || results.size() != 2) {
            throw new AssertionError(
                    "BashJavaUtils "
                            + command
                            + " failed (exit code "
                            + process.exitValue()
                            + "); see "
                            + logDir.resolve(name + ".out"));
        }
        return results;
    }

    private void awaitCondition(String what, Check check, long deadline) throws Exception {
        while (true) {
            for (Map.Entry<String, Process> e : snapshot()) {
                if (!e.getValue().isAlive()) {
                    throw new AssertionError(
                            "The "
                                    + e.getKey()
                                    + " process exited with code "
                                    + e.getValue().exitValue()
                                    + " while waiting for "
                                    + what);
                }
            }
            if (check.ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private String httpGetOrNull(String url) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null; // not up yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private List<Map.Entry<String, Process>> snapshot() {
        synchronized (processes) {
            return new ArrayList<>(processes.entrySet());
        }
    }

    private void stop(String name) {
        Process process = processes.remove(name);
        if (process != null) {
            stop(process);
        }
    }

    /** SIGTERM, then SIGKILL if the process is still there after {@link #STOP_TIMEOUT}. */
    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the processes in the reverse order of their start, all at the same time. */
    private void destroyAll() {
        List<Map.Entry<String, Process>> all = snapshot();
        Collections.reverse(all);
        all.forEach(e -> e.getValue().destroy());
        for (Map.Entry<String, Process> e : all) {
            stop(e.getValue());
            processes.remove(e.getKey());
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Distinct free ports on 127.0.0.1: all sockets stay open until every port is picked. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
