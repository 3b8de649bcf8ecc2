package dev.zkflink.connector.zookeeper.testutils;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.add("-Xmx" + heapMb + "m");
        cmd.addAll(java.util.Arrays.asList(jvmOptions));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("org.apache.zookeeper.server.ZooKeeperServerMain");
        cmd.add(String.valueOf(port));
        cmd.add(dataDir.toString());
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
