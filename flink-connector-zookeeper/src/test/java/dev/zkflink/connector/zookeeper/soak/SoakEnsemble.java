package dev.zkflink.connector.zookeeper.soak;

import dev.zkflink.connector.zookeeper.testutils.ServerStats;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.TcpProxy;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One ensemble of the mirror soak: a real 3-server {@link TestingCluster}, a {@link TcpProxy} in
 * front of each server for the connector (so its sockets can be closed under it), and a plain
 * client that talks to the servers directly and is the ground truth. The faults act on the
 * connector's connections and sessions only; the plain client sees leader kills as any client does.
 */
final class SoakEnsemble implements AutoCloseable {
    private final String name;
    private final TestingCluster cluster;
    private final List<TcpProxy> proxies = new ArrayList<>();
    private final ZooKeeperTrees trees;

    SoakEnsemble(String name) throws Exception {
        this.name = name;
        this.cluster =
                new TestingCluster(
                        ServerStats.withFourLetterWords(-1),
                        ServerStats.withFourLetterWords(-1),
                        ServerStats.withFourLetterWords(-1));
        cluster.start();
        for (InstanceSpec spec : cluster.getInstances()) {
            proxies.add(new TcpProxy(spec.getPort()));
        }
        this.trees = new ZooKeeperTrees(cluster.getConnectString());
    }

    String name() {
        return name;
    }

    /** The connect string the connector's tables use: every server, each behind its proxy. */
    String connectorHosts() {
        List<String> hosts = new ArrayList<>();
        for (TcpProxy p : proxies) {
            hosts.add(p.connectString());
        }
        return String.join(",", hosts);
    }

    ZooKeeperTrees trees() {
        return trees;
    }

    /**
     * Ends one of the connector's sessions on the servers (chosen at random among the sessions that
     * are not the plain client's); returns its id.
     */
    String expireConnectorSession(Random random) throws Exception {
        List<String> candidates = new ArrayList<>(connectorSessions());
        long deadline = System.currentTimeMillis() + 15_000;
        while (candidates.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200); // reconnecting after the previous fault
            candidates.addAll(connectorSessions());
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("The connector holds no session on " + name);
        }
        candidates.sort(null); // a fixed order, so the seed decides the choice
        String id = candidates.get(random.nextInt(candidates.size()));
        boolean alive =
                SessionHijack.expire(
                        cluster.getConnectString(), SessionHijack.parseSessionId(id), 10_000);
        return alive ? id : id + " (already gone)";
    }

    /** Sessions held on any live server, except the plain client's. */
    Set<String> connectorSessions() throws Exception {
        Set<String> ids = new HashSet<>();
        for (InstanceSpec spec : cluster.getInstances()) {
            try {
                ids.addAll(ServerStats.sessions(spec.getPort()));
            } catch (Exception e) {
                // a server being restarted by a leader kill: it holds no sessions now
            }
        }
        ids.remove("0x" + Long.toHexString(trees.zk().getSessionId()));
        return ids;
    }

    /** Closes every connection of the connector to this ensemble (ConnectionLoss, no expiry). */
    void closeConnectorSockets() {
        for (TcpProxy p : proxies) {
            p.dropConnections();
        }
    }

    /**
     * Kills the leader, waits {@code downMillis} while the other two elect a new one, and starts
     * the old leader again (as a follower), so the ensemble keeps three servers for the next fault.
     */
    void killLeader(long downMillis) throws Exception {
        InstanceSpec leader = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (leader == null && System.currentTimeMillis() < deadline) {
            leader = ServerStats.leaderOf(cluster);
            if (leader == null) {
                Thread.sleep(100); // still electing after the previous kill
            }
        }
        if (leader == null) {
            throw new IllegalStateException("No leader in ensemble " + name + " within 30 s");
        }
        if (!cluster.killServer(leader)) {
            throw new IllegalStateException("Could not kill the leader of ensemble " + name);
        }
        Thread.sleep(downMillis);
        if (!cluster.restartServer(leader)) {
            throw new IllegalStateException("Could not restart " + leader + " in " + name);
        }
    }

    @Override
    public void close() throws Exception {
        trees.close();
        for (TcpProxy p : proxies) {
            p.close();
        }
        cluster.close();
    }
}
