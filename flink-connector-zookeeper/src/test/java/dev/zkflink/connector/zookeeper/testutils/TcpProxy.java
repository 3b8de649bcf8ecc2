package dev.zkflink.connector.zookeeper.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a ZooKeeper server, for faults a server alone cannot make:
 * {@link #freeze()} stops all traffic without closing anything (the server sees a silent client and
 * expires its session for real), {@link #dropConnections()} closes every socket (ConnectionLoss
 * without expiry), {@link #dropNextRequests(int)} closes a connection when a client sends a request
 * on it (a flapping network that fails every retry, while reconnecting works).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requestsToDrop = new AtomicInteger();
    private final AtomicInteger responsesToDrop = new AtomicInteger();
    private final AtomicInteger responsesDropped = new AtomicInteger();
    private volatile int responseMinBytes = Integer.MAX_VALUE;
    private volatile boolean frozen;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    public int connectionsAccepted() {
        return accepted.get();
    }

    public void freeze() {
        frozen = true;
    }

    public void unfreeze() {
        frozen = false;
    }

    /**
     * The next {@code n} times a client sends anything after its connection handshake, the proxy
     * closes that connection instead of forwarding it. The client's reconnects succeed.
     */
    public int responsesDropped() {
        return responsesDropped.get();
    }

    public void dropNextRequests(int n) {
        requestsToDrop.set(n);
    }

    /**
     * The next {@code n} times the server answers with a read of at least {@code minBytes} (a write
     * transaction's answer, not a ping's), the proxy closes that connection instead of forwarding
     * the answer: the server applied the request, the client sees ConnectionLoss.
     */
    public void dropNextResponses(int n, int minBytes) {
        responseMinBytes = minBytes;
        responsesToDrop.set(n);
    }

    public void dropConnections() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] buf = new byte[64 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int n;
                                boolean handshake = true;
                                while ((n = in.read(buf)) >= 0) {
                                    while (frozen && !closed) {
                                        Thread.sleep(10);
                                    }
                                    if (fromClient
                                            && !handshake
                                            && requestsToDrop.getAndUpdate(r -> Math.max(0, r - 1))
                                                    > 0) {
                                        break; // closes both sockets below
                                    }
                                    if (!fromClient
                                            && !handshake
                                            && n >= responseMinBytes
                                            && responsesToDrop.getAndUpdate(r -> Math.max(0, r - 1))
                                                    > 0) {
                                        responsesDropped.incrementAndGet();
                                        break;
                                    }
                                    handshake = false;
                                    out.write(buf, 0, n);
                                    out.flush();
                                }
                            } catch (IOException | InterruptedException e) {
                                // the other side went away
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                            }
                        },
                        "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        dropConnections();
    }
}
