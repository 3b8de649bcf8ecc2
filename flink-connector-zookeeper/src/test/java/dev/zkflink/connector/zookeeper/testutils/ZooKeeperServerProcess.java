package dev.zkflink.connector.zookeeper.testutils;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A standalone ZooKeeper server in its own JVM ({@code ZooKeeperServerMain}), for tests that
 * measure the test JVM itself: its heap then holds the connector and Flink, not the server's data.
 */
public final class ZooKeeperServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ZooKeeperServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a server with {@code -Xmx} of {@code heapMb} on a free port and waits for it. */
    public static ZooKeeperServerProcess start(Path dataDir, int heapMb) throws Exception {
        return start(dataDir, heapMb, new String[0]);
    }

    /** As {@link #start(Path, int)}, with extra JVM options such as {@code -Dkey=value}. */
    public static ZooKeeperServerProcess start(Path dataDir, int heapMb, String... jvmOptions)
            throws Exception {
        return start(System.getProperty("java.class.path"), dataDir, heapMb, jvmOptions);
    }

    /**
     * As {@link #start(Path, int, String...)}, with the server's own class path: another ZooKeeper
     * release than the test's.
     */
    public static ZooKeeperServerProcess start(
            String classPath, Path dataDir, int heapMb, String... jvmOptions) throws Exception {
        int port = freePort();
        List<String> cmd = javaCommand(heapMb, jvmOptions, classPath);
        cmd.add(String.valueOf(port));
        cmd.add(dataDir.toString());
        return launch(cmd, dataDir, port);
    }

    /**
     * A server that speaks only TLS: a {@code zoo.cfg} with a {@code secureClientPort} and no
     * {@code clientPort}, the Netty connection factory, the given stores, {@code
     * ssl.clientAuth=need} and the x509 authentication provider (client certificate subjects are
     * the {@code x509:} ids). Keys as {@code QuorumPeerConfig} reads them: unknown ones become
     * {@code zookeeper.*} system properties of the server JVM.
     */
    public static ZooKeeperServerProcess startTlsOnly(
            Path dataDir,
            int heapMb,
            Path keyStore,
            String keyStorePassword,
            Path trustStore,
            String trustStorePassword)
            throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        cfg.put("ssl.keyStore.location", keyStore.toString());
        cfg.put("ssl.keyStore.password", keyStorePassword);
        cfg.put("ssl.trustStore.location", trustStore.toString());
        cfg.put("ssl.trustStore.password", trustStorePassword);
        cfg.put("ssl.clientAuth", "need");
        cfg.put("authProvider.x509", "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        return startFromConfig(dataDir, heapMb, "secureClientPort", cfg);
    }

    /**
     * Starts {@code ZooKeeperServerMain} from a {@code zoo.cfg} written to {@code dataDir}: {@code
     * settings}, the data directory, no admin server, and a free port under {@code portKey}.
     */
    public static ZooKeeperServerProcess startFromConfig(
            Path dataDir, int heapMb, String portKey, Map<String, String> settings)
            throws Exception {
        int port = freePort();
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=2000\n");
        cfg.append("dataDir=").append(dataDir.resolve("data")).append('\n');
        cfg.append("admin.enableServer=false\n");
        cfg.append(portKey).append('=').append(port).append('\n');
        for (Map.Entry<String, String> e : settings.entrySet()) {
            cfg.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        Path file = dataDir.resolve("zoo.cfg");
        Files.write(file, cfg.toString().getBytes(StandardCharsets.UTF_8));
        List<String> cmd =
                javaCommand(heapMb, new String[0], System.getProperty("java.class.path"));
        cmd.add(file.toString());
        return launch(cmd, dataDir, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static List<String> javaCommand(int heapMb, String[] jvmOptions, String classPath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.addAll(java.util.Arrays.asList(jvmOptions));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("org.apache.zookeeper.server.ZooKeeperServerMain");
        return cmd;
    }

    private static ZooKeeperServerProcess launch(List<String> cmd, Path dataDir, int port)
            throws Exception {
        Process process =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("server.log").toFile())
                        .start();
        ZooKeeperServerProcess server = new ZooKeeperServerProcess(process, port);
        long deadline = System.currentTimeMillis() + 30_000;
        while (!server.accepts()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                server.close();
                throw new IOException("ZooKeeper server did not start; see " + dataDir);
            }
            Thread.sleep(50);
        }
        return server;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
