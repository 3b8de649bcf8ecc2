package dev.zkflink.connector.zookeeper.soak;

import dev.zkflink.connector.zookeeper.testutils.ExampleScript;
import dev.zkflink.connector.zookeeper.testutils.FailoverMiniCluster;
import dev.zkflink.connector.zookeeper.testutils.MaterializedChangelog;
import dev.zkflink.connector.zookeeper.testutils.TreeChurn;
import dev.zkflink.connector.zookeeper.testutils.ZooKeeperTrees;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

import org.apache.zookeeper.KeeperException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The live mirror of {@code examples/mirror-subtree.sql} under a random schedule of real faults on
 * both ensembles, while a writer churns the source tree. At quiet points (the writer paused) and at
 * the end, the sink tree must equal the source tree: the same set of paths, the same data, read
 * with a plain client. Run it as a command (minutes, bounded in time and faults):
 *
 * <pre>
 * ./mvnw -B -q -pl flink-connector-zookeeper -am -DskipTests install
 * ./mvnw -B -q -pl flink-connector-zookeeper -DskipTests exec:exec -Dexec.classpathScope=test \
 *     -Dexec.executable=java \
 *     -Dexec.args="-cp %classpath dev.zkflink.connector.zookeeper.soak.MirrorSoak --minutes 5"
 * </pre>
 *
 * <p>Options: {@code --seed N} (default: random, printed), {@code --minutes M} (5), {@code
 * --max-faults F} (300), {@code --parent-deletes true|false} (true), {@code --failovers true|false}
 * (TaskManager failovers; default on when the example says {@code 'sink.delivery-guarantee' =
 * 'exactly-once'}), {@code --script PATH}. It prints the fault counts and every divergence, and
 * exits with status 1 if there was any. {@code MirrorSoakITCase} runs one short cycle of the same
 * soak in CI.
 */
public final class MirrorSoak {
    static final String SOURCE_PATH = "/apps/config";
    static final String SINK_PATH = "/migrated/config";
    private static final int STATIC_PARENTS = 10;
    private static final int STATIC_CHILDREN = 100;

    /** What the soak injects. Failovers act on Flink, the others on one ensemble. */
    enum Fault {
        SESSION_EXPIRY,
        CLOSED_SOCKETS,
        LEADER_KILL,
        TASK_MANAGER_FAILOVER
    }

    /** How long and how hard the soak runs. */
    static final class Settings {
        long seed = new Random().nextLong();
        Duration duration = Duration.ofMinutes(5);
        int maxFaults = 300;

        /** Each cycle injects every enabled fault once, in a random order, then a quiet point. */
        int maxCycles = Integer.MAX_VALUE;

        /** {@code null}: on exactly when the example's sink is exactly-once. */
        Boolean failovers;

        /**
         * Whether the writer deletes whole groups (and refills them). Off, it never deletes a node
         * that has children, which keeps clear of the parent delete-and-recreate defect that makes
         * the mirror diverge without any fault (MirrorSubtreeITCase).
         */
        boolean parentDeletes = true;

        Duration settle = Duration.ofSeconds(120);
        Path script = ExampleScript.location("mirror-subtree.sql");
        Duration checkpointInterval = Duration.ofSeconds(2);
    }

    /** What a run did and found. */
    static final class Report {
        final Map<String, Integer> faults = new TreeMap<>();
        final List<String> divergences = new ArrayList<>();
        String deliveryGuarantee;
        boolean failovers;
        int quietPoints;
        long changes;
        long checkpoints;
        int faultsTotal;
        int cycles;

        int faults(Fault fault) {
            int n = 0;
            for (Map.Entry<String, Integer> e : faults.entrySet()) {
                if (e.getKey().startsWith(fault.name())) {
                    n += e.getValue();
                }
            }
            return n;
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final Random random;
    private final Report report = new Report();

    private MirrorSoak(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed);
    }

    static Report run(Settings settings, PrintStream out) throws Exception {
        return new MirrorSoak(settings, out).run();
    }

    private Report run() throws Exception {
        out.printf(
                "Mirror soak: seed %d, at most %s and %d faults%n",
                settings.seed, settings.duration, settings.maxFaults);
        try (SoakEnsemble a = new SoakEnsemble("A");
                SoakEnsemble b = new SoakEnsemble("B");
                FailoverMiniCluster flink = FailoverMiniCluster.start()) {
            ExampleScript script =
                    ExampleScript.load(
                            settings.script,
                            Map.of(
                                    "source_hosts",
                                    a.connectorHosts(),
                                    "source_path",
                                    SOURCE_PATH,
                                    "sink_hosts",
                                    b.connectorHosts(),
                                    "sink_path",
                                    SINK_PATH));
            report.deliveryGuarantee =
                    script.option("sink.delivery-guarantee").orElse("at-least-once");
            report.failovers =
                    settings.failovers != null
                            ? settings.failovers
                            : "exactly-once".equals(report.deliveryGuarantee);
            out.printf(
                    "Sink delivery guarantee (from %s): %s; TaskManager failovers %s%n",
                    settings.script, report.deliveryGuarantee, report.failovers ? "on" : "off");

            out.printf(
                    "Writer: creates, updates, deletes, delete+recreate of nodes%s%n",
                    settings.parentDeletes ? ", group deletes and refills" : " (no group deletes)");
            TreeChurn churn =
                    new TreeChurn(
                            a.trees().client(), SOURCE_PATH, settings.seed, settings.parentDeletes);
            churn.seed();
            seedStaticNodes(a.trees());
            JobClient job = flink.submit(script, settings.checkpointInterval);
            quietPoint(a, b, "initial copy");
            soak(a, b, churn, flink, job);
            report.changes = churn.stop();
            quietPoint(a, b, "end");
            report.checkpoints = flink.completedCheckpoints(job.getJobID());
            job.cancel().get();
        }
        print();
        return report;
    }

    private void soak(
            SoakEnsemble a,
            SoakEnsemble b,
            TreeChurn churn,
            FailoverMiniCluster flink,
            JobClient job)
            throws Exception {
        long deadline = System.nanoTime() + settings.duration.toNanos();
        List<String> cycle = new ArrayList<>();
        List<String> sinceQuiet = new ArrayList<>();
        churn.start();
        while (System.nanoTime() < deadline
                && report.faultsTotal < settings.maxFaults
                && report.cycles < settings.maxCycles) {
            if (cycle.isEmpty()) {
                cycle.addAll(cycle());
            }
            Thread.sleep(300 + random.nextInt(1700));
            String fault = cycle.remove(0);
            String what = inject(fault, a, b, flink, job);
            report.faults.merge(fault, 1, Integer::sum);
            report.faultsTotal++;
            sinceQuiet.add(what);
            out.printf(
                    "  fault %3d: %s (%d changes so far)%n",
                    report.faultsTotal, what, churn.applied());
            checkRunning(job);
            if (cycle.isEmpty()) {
                report.cycles++;
                churn.stop();
                quietPoint(a, b, "after " + String.join(", ", sinceQuiet));
                sinceQuiet.clear();
                churn.start();
            }
        }
        churn.stop();
    }

    /** One of every fault on every ensemble, in a random order. */
    private List<String> cycle() {
        List<String> faults = new ArrayList<>();
        for (Fault f : Fault.values()) {
            if (f == Fault.TASK_MANAGER_FAILOVER) {
                if (report.failovers) {
                    faults.add(f.name());
                }
            } else {
                faults.add(f.name() + " A");
                faults.add(f.name() + " B");
            }
        }
        Collections.shuffle(faults, random);
        return faults;
    }

    private String inject(
            String fault, SoakEnsemble a, SoakEnsemble b, FailoverMiniCluster flink, JobClient job)
            throws Exception {
        SoakEnsemble target = fault.endsWith(" B") ? b : a;
        switch (Fault.valueOf(fault.split(" ")[0])) {
            case SESSION_EXPIRY:
                return "session "
                        + target.expireConnectorSession(random)
                        + " expired on "
                        + target.name();
            case CLOSED_SOCKETS:
                target.closeConnectorSockets();
                return "connector sockets closed on " + target.name();
            case LEADER_KILL:
                long down = 1000 + random.nextInt(3000);
                target.killLeader(down);
                return "leader of " + target.name() + " killed, restarted after " + down + " ms";
            case TASK_MANAGER_FAILOVER:
                long checkpoint = flink.failOverAfterNextCheckpoint(job.getJobID());
                return "TaskManager killed after checkpoint " + checkpoint;
            default:
                throw new IllegalArgumentException(fault);
        }
    }

    private static void checkRunning(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get();
        if (status.isGloballyTerminalState()) {
            job.getJobExecutionResult().get(); // throws the job's failure
            throw new IllegalStateException("The mirror job ended: " + status);
        }
    }

    /** Waits until B equals A; a difference that outlives {@code settle} is a divergence. */
    private void quietPoint(SoakEnsemble a, SoakEnsemble b, String label) throws Exception {
        report.quietPoints++;
        long start = System.nanoTime();
        String difference =
                MaterializedChangelog.pollUntilEqual(
                        () -> rows(a.trees(), SOURCE_PATH),
                        () -> rows(b.trees(), SINK_PATH),
                        settings.settle,
                        () -> {});
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (difference == null) {
            out.printf(
                    "  quiet point %d: B equals A (%d nodes) after %d ms [%s]%n",
                    report.quietPoints, rows(a.trees(), SOURCE_PATH).size(), millis, label);
        } else {
            String entry =
                    "quiet point "
                            + report.quietPoints
                            + " ["
                            + label
                            + "]: "
                            + classify(rows(a.trees(), SOURCE_PATH), rows(b.trees(), SINK_PATH))
                            + difference;
            report.divergences.add(entry);
            out.println("  DIVERGENCE at " + entry);
        }
    }

    /** How many paths B misses, keeps stale (not in A), or holds with other data. */
    private static String classify(Map<String, List<Object>> a, Map<String, List<Object>> b) {
        int missing = 0;
        int stale = 0;
        int different = 0;
        for (Map.Entry<String, List<Object>> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                missing++;
            } else if (!e.getValue().equals(b.get(e.getKey()))) {
                different++;
            }
        }
        for (String path : b.keySet()) {
            if (!a.containsKey(path)) {
                stale++;
            }
        }
        return String.format(
                "%d paths missing in B, %d stale paths in B (not in A), %d with other data;"
                        + " tree=A, emitted=B:",
                missing, stale, different);
    }

    /** Every node below {@code root}: relative path to [data], read with a plain client. */
    private static Map<String, List<Object>> rows(ZooKeeperTrees trees, String root)
            throws Exception {
        Map<String, List<Object>> rows = new TreeMap<>();
        try {
            for (Map.Entry<String, String> e : trees.tree(root).entrySet()) {
                rows.put(e.getKey(), Collections.singletonList(e.getValue()));
            }
        } catch (KeeperException.NoNodeException | KeeperException.ConnectionLossException e) {
            // the tree changed (or the server moved) under the walk: not equal, read again
            rows.put("<read raced with a change: " + e.getMessage() + ">", null);
        }
        return rows;
    }

    private static void seedStaticNodes(ZooKeeperTrees trees) throws Exception {
        for (int p = 0; p < STATIC_PARENTS; p++) {
            List<String> names = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < STATIC_CHILDREN; i++) {
                names.add(String.format("n%03d", i));
                data.add(("static-" + i).getBytes(StandardCharsets.UTF_8));
            }
            trees.createChildren(String.format("%s/s%02d", SOURCE_PATH, p), names, data);
        }
    }

    private void print() {
        out.println("Mirror soak result, seed " + settings.seed + ":");
        out.printf(
                "  sink.delivery-guarantee %s, TaskManager failovers %s%n",
                report.deliveryGuarantee, report.failovers ? "on" : "off");
        out.printf(
                "  %d changes written to A, %d faults, %d quiet points, %d checkpoints completed%n",
                report.changes, report.faultsTotal, report.quietPoints, report.checkpoints);
        for (Map.Entry<String, Integer> e : report.faults.entrySet()) {
            out.printf("  %-28s %d%n", e.getKey(), e.getValue());
        }
        out.printf(
                "  divergence: %d quiet points where B did not equal A%n",
                report.divergences.size());
        for (String d : report.divergences) {
            out.println("    " + d);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--seed":
                    settings.seed = Long.parseLong(value);
                    break;
                case "--minutes":
                    settings.duration =
                            Duration.ofSeconds(Math.round(Double.parseDouble(value) * 60));
                    break;
                case "--max-faults":
                    settings.maxFaults = Integer.parseInt(value);
                    break;
                case "--failovers":
                    settings.failovers = Boolean.parseBoolean(value);
                    break;
                case "--parent-deletes":
                    settings.parentDeletes = Boolean.parseBoolean(value);
                    break;
                case "--script":
                    settings.script = Paths.get(value);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        Report report = run(settings, System.out);
        System.exit(report.divergences.isEmpty() ? 0 : 1);
    }
}
