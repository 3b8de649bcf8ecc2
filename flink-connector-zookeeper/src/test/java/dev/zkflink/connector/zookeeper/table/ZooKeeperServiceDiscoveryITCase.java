package dev.zkflink.connector.zookeeper.table;

import dev.zkflink.connector.zookeeper.testutils.ExampleScript;
import dev.zkflink.connector.zookeeper.testutils.FailoverMiniCluster;
import dev.zkflink.connector.zookeeper.testutils.SessionHijack;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTableTestBase;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.TimeUtils;

import org.apache.curator.x.discovery.ServiceCache;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/register-instances.sql} as written: a live read of the desired instances below
 * {@code /deploy/instances}, registered as ephemeral nodes in Curator's service-discovery layout
 * below {@code /services}. Curator's own {@link ServiceDiscovery} and {@link ServiceCache} are the
 * judges: they must read what Flink wrote, follow changes of the desired state, and see every
 * instance go when the job stops or its session ends.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // Curator's payload type is a plain Map here
class ZooKeeperServiceDiscoveryITCase extends ZooKeeperTableTestBase {
    private static final String DESIRED = "/deploy/instances";
    private static final String SERVICES = "/services";
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private ExampleScript script;
    private ServiceDiscovery<Map> discovery;

    @BeforeEach
    void loadTheExample() throws Exception {
        trees.deleteAll(DESIRED);
        trees.deleteAll(SERVICES);
        script =
                ExampleScript.load(
                        ExampleScript.location("register-instances.sql"),
                        Map.of("hosts", server.getConnectString()));
        discovery =
                ServiceDiscoveryBuilder.builder(Map.class)
                        .client(trees.client())
                        .basePath(SERVICES)
                        .build();
        discovery.start();
    }

    @AfterEach
    void closeDiscovery() throws Exception {
        discovery.close();
    }

    @Test
    void discoveryClientsSeeTheInstancesTheirChangesAndTheirEndWithTheJob() throws Exception {
        declareThreeInstances();
        JobClient job = startExample();
        long submitted = System.nanoTime();
        try {
            awaitRegistered("billing/billing-1", "billing/billing-2", "search/search-1");
            System.out.printf("Registered %d ms after the job was submitted%n", since(submitted));
            assertThat(discovered("billing", "search"))
                    .containsExactlyInAnyOrder(
                            "billing/billing-1 10.0.1.11:8080 eu-west-1a",
                            "billing/billing-2 10.0.1.12:8080 eu-west-1b",
                            "search/search-1 10.0.2.21:9200 eu-west-1a");

            ServiceInstance<Map> instance = discovery.queryForInstance("billing", "billing-1");
            assertThat(instance.getServiceType()).isEqualTo(ServiceType.DYNAMIC);
            assertThat(instance.getSslPort()).isNull();
            assertThat(instance.isEnabled()).isTrue();
            assertThat(instance.buildUriSpec()).isEqualTo("http://10.0.1.11:8080");
            assertThat(instance.getRegistrationTimeUTC())
                    .as("registrationTimeUTC: the ctime of the desired node, in epoch ms")
                    .isEqualTo(trees.stat(DESIRED + "/billing/billing-1").getCtime());
            assertEphemeralRowsBelowPersistentParents();

            // Started once the nodes exist: a ServiceCache makes missing parents containers.
            ServiceCache<Map> cache = discovery.serviceCacheBuilder().name("billing").build();
            cache.start();
            try {
                assertThat(described(cache.getInstances()))
                        .containsExactlyInAnyOrder(
                                "billing/billing-1 10.0.1.11:8080 eu-west-1a",
                                "billing/billing-2 10.0.1.12:8080 eu-west-1b");

                long changedAt = System.nanoTime();
                declare("billing", "billing-3", "10.0.1.13", 8081, "eu-west-1c");
                trees.deleteAll(DESIRED + "/billing/billing-1");
                Set<String> changed =
                        Set.of(
                                "billing/billing-2 10.0.1.12:8080 eu-west-1b",
                                "billing/billing-3 10.0.1.13:8081 eu-west-1c");
                awaitSeen(() -> discovered("billing"), changed);
                awaitSeen(() -> described(cache.getInstances()), changed);
                System.out.printf("The change was seen after %d ms%n", since(changedAt));
                assertEphemeralRowsBelowPersistentParents();

                Duration sessionTimeout =
                        TimeUtils.parseDuration(script.option("session.timeout").orElseThrow());
                long cancelled = System.nanoTime();
                job.cancel().get();
                awaitSeen(() -> discovered("billing", "search"), Set.of());
                awaitSeen(() -> described(cache.getInstances()), Set.of());
                long gone = since(cancelled);
                System.out.printf("Every instance was gone %d ms after the cancel%n", gone);
                assertThat(Duration.ofMillis(gone)).isLessThan(sessionTimeout);
                assertThat(trees.client().getChildren().forPath(SERVICES + "/billing")).isEmpty();
                assertThat(trees.client().getChildren().forPath(SERVICES + "/search")).isEmpty();
                assertThat(discovery.queryForNames())
                        .as("the empty service nodes stay")
                        .containsExactlyInAnyOrder("billing", "search");
            } finally {
                cache.close();
            }
        } finally {
            job.cancel();
        }
    }

    @Test
    void instancesComeBackOnANewSessionWhenTheSinksSessionExpires() throws Exception {
        Set<String> all = declareThreeInstances();
        JobClient job = startExample();
        try {
            awaitRegistered("billing/billing-1", "billing/billing-2", "search/search-1");
            assertThat(discovered("billing", "search")).isEqualTo(all);
            Set<Long> expiredOwners = new HashSet<>(owners().values());
            for (long owner : expiredOwners) {
                assertThat(SessionHijack.expire(server.getConnectString(), owner, 10_000))
                        .as("session 0x%x was alive", owner)
                        .isTrue();
            }
            long expired = System.nanoTime();
            // Every instance node is created again, owned by a session that did not expire.
            awaitSeen(
                    () -> {
                        Map<String, Long> now = owners();
                        boolean renewed =
                                now.size() == all.size()
                                        && now.values().stream().noneMatch(expiredOwners::contains);
                        return renewed ? discovered("billing", "search") : Set.of();
                    },
                    all);
            System.out.printf(
                    "Re-registered %d ms after the sessions of %d sink subtasks expired%n",
                    since(expired), expiredOwners.size());
            assertEphemeralRowsBelowPersistentParents();

            job.cancel().get();
            awaitSeen(() -> discovered("billing", "search"), Set.of());
        } finally {
            job.cancel();
        }
    }

    @Test
    void aTaskManagerFailoverTakesTheInstancesAwayOnlyUntilTheRestart() throws Exception {
        Set<String> all = declareThreeInstances();
        try (FailoverMiniCluster flink = FailoverMiniCluster.start()) {
            JobClient job = flink.submit(script, Duration.ofSeconds(1));
            try {
                awaitRegistered("billing/billing-1", "billing/billing-2", "search/search-1");
                Set<Long> before = new HashSet<>(owners().values());
                try (RegistrationGaps gaps = new RegistrationGaps(all.size())) {
                    flink.failOverAfterNextCheckpoint(job.getJobID());
                    // Back on the new TaskManager's sessions, restored from the checkpoint.
                    awaitSeen(
                            () -> {
                                Map<String, Long> now = owners();
                                boolean renewed =
                                        now.size() == all.size()
                                                && now.values().stream()
                                                        .noneMatch(before::contains);
                                return renewed ? discovered("billing", "search") : Set.of();
                            },
                            all);
                    Duration longest = gaps.longest();
                    System.out.printf(
                            "Failover: instances missing for at most %d ms%n", longest.toMillis());
                    assertThat(longest).as("the instances went away").isPositive();
                    Duration sessionTimeout =
                            TimeUtils.parseDuration(script.option("session.timeout").orElseThrow());
                    assertThat(longest).isLessThan(sessionTimeout);
                }
            } finally {
                job.cancel().get();
            }
            awaitSeen(() -> discovered("billing", "search"), Set.of());
        }
    }

    /**
     * Samples, with a plain client, how many instance nodes exist, and keeps the longest time in
     * which fewer than all of them did.
     */
    private static final class RegistrationGaps implements AutoCloseable {
        private final Thread sampler;
        private volatile boolean running = true;
        private volatile long longestNanos;

        RegistrationGaps(int expected) {
            sampler =
                    new Thread(
                            () -> {
                                long lastComplete = System.nanoTime();
                                while (running) {
                                    long now = System.nanoTime();
                                    int present;
                                    try {
                                        present = owners().size();
                                    } catch (Exception e) {
                                        present = -1;
                                    }
                                    if (present == expected) {
                                        lastComplete = now;
                                    } else {
                                        longestNanos = Math.max(longestNanos, now - lastComplete);
                                    }
                                    try {
                                        Thread.sleep(10);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "registration-gaps");
            sampler.start();
        }

        Duration longest() {
            return Duration.ofNanos(longestNanos);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join();
        }
    }

    private JobClient startExample() {
        // Two sink subtasks, so the instances are spread over two sessions.
        return script.run(streamingTableEnv(), Map.of("parallelism.default", "2"))
                .getJobClient()
                .orElseThrow();
    }

    /** One desired instance, as an operator would write it. */
    /** Two billing instances and one search instance; returns them as discovery shows them. */
    private static Set<String> declareThreeInstances() throws Exception {
        declare("billing", "billing-1", "10.0.1.11", 8080, "eu-west-1a");
        declare("billing", "billing-2", "10.0.1.12", 8080, "eu-west-1b");
        declare("search", "search-1", "10.0.2.21", 9200, "eu-west-1a");
        return Set.of(
                "billing/billing-1 10.0.1.11:8080 eu-west-1a",
                "billing/billing-2 10.0.1.12:8080 eu-west-1b",
                "search/search-1 10.0.2.21:9200 eu-west-1a");
    }

    private static void declare(String service, String id, String address, int port, String zone)
            throws Exception {
        trees.put(
                DESIRED + "/" + service + "/" + id,
                String.format(
                        "{\"address\":\"%s\",\"port\":%d,\"zone\":\"%s\"}", address, port, zone));
    }

    /** What Curator's queryForInstances returns for {@code names}, one line per instance. */
    private Set<String> discovered(String... names) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String name : names) {
            out.addAll(described(discovery.queryForInstances(name)));
        }
        return out;
    }

    private static Set<String> described(Collection<ServiceInstance<Map>> instances) {
        Set<String> out = new TreeSet<>();
        for (ServiceInstance<Map> i : instances) {
            Object zone = i.getPayload() == null ? null : i.getPayload().get("zone");
            out.add(
                    String.format(
                            "%s/%s %s:%d %s",
                            i.getName(), i.getId(), i.getAddress(), i.getPort(), zone));
        }
        return out;
    }

    /**
     * Waits, with a plain client, until exactly these instance nodes ({@code name/id}) exist. A
     * ServiceDiscovery query before then would create the service node itself.
     */
    private static void awaitRegistered(String... instances) throws Exception {
        awaitSeen(() -> owners().keySet(), Set.of(instances));
    }

    /** Session that owns each instance node ({@code name/id}), read with a plain client. */
    private static Map<String, Long> owners() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        if (!trees.exists(SERVICES)) {
            return out;
        }
        for (String name : children(SERVICES)) {
            for (String id : children(SERVICES + "/" + name)) {
                Stat stat = trees.stat(SERVICES + "/" + name + "/" + id);
                if (stat != null) {
                    out.put(name + "/" + id, stat.getEphemeralOwner());
                }
            }
        }
        return out;
    }

    /**
     * Every instance node is ephemeral, owned by a session of the job and not by this test's
     * client; the service nodes above them are persistent and empty.
     */
    private static void assertEphemeralRowsBelowPersistentParents() throws Exception {
        long ours = trees.zk().getSessionId();
        Map<String, Long> owners = owners();
        assertThat(owners).isNotEmpty();
        assertThat(owners.values()).allSatisfy(o -> assertThat(o).isNotZero().isNotEqualTo(ours));
        for (String name : children(SERVICES)) {
            Stat parent = trees.stat(SERVICES + "/" + name);
            assertThat(parent.getEphemeralOwner()).as(name).isZero();
            assertThat(parent.getDataLength()).as(name).isZero();
        }
    }

    private static List<String> children(String path) throws Exception {
        return trees.client().getChildren().forPath(path);
    }

    /** Polls until {@code view} equals {@code expected}. */
    private static void awaitSeen(Callable<Set<String>> view, Set<String> expected)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Set<String> seen = view.call();
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = view.call();
        }
        assertThat(seen).isEqualTo(expected);
    }

    private static long since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
