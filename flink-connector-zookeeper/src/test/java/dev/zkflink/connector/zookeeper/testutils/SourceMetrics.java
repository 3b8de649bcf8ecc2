package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a running job's connector metrics ({@code zookeeper.*}, {@code cache.*}) from the reporter.
 */
public final class SourceMetrics {
    private SourceMetrics() {}

    /** Sum over the job's readers of the counter or gauge {@code zookeeper.<name>}. */
    public static long sum(InMemoryReporter reporter, JobID job, String name) {
        return sum(reporter, job, "zookeeper", name);
    }

    /** Sum over the job's operators and subtasks of every counter {@code name}, in any group. */
    public static long counter(InMemoryReporter reporter, JobID job, String name) {
        long sum = 0;
        int found = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> e :
                reporter.getMetricsByGroup().entrySet()) {
            Metric m = e.getValue().get(name);
            if (m instanceof Counter
                    && job.toString().equals(e.getKey().getAllVariables().get("<job_id>"))) {
                sum += ((Counter) m).getCount();
                found++;
            }
        }
        assertThat(found).as("operators reporting " + name).isGreaterThan(0);
        return sum;
    }

    /** Sum over the job's subtasks of the counter or gauge {@code <group>.<name>}. */
    public static long sum(InMemoryReporter reporter, JobID job, String groupName, String name) {
        long sum = 0;
        int found = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> e :
                reporter.getMetricsByGroup().entrySet()) {
            MetricGroup group = e.getKey();
            String[] scope = group.getScopeComponents();
            Metric m = e.getValue().get(name);
            if (m != null
                    && job.toString().equals(group.getAllVariables().get("<job_id>"))
                    && groupName.equals(scope[scope.length - 1])) {
                sum +=
                        m instanceof Counter
                                ? ((Counter) m).getCount()
                                : ((Number) ((Gauge<?>) m).getValue()).longValue();
                found++;
            }
        }
        assertThat(found).as("subtasks reporting " + groupName + "." + name).isGreaterThan(0);
        return sum;
    }
}
