package dev.zkflink.connector.zookeeper.soak;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cycle of {@link MirrorSoak} in CI: every fault once on each ensemble, in a seeded random
 * order, with the writer churning the source, and a quiet point after the cycle and at the end. B
 * must equal A at each. TaskManager failovers are part of the cycle when the example's sink is
 * exactly-once, or with {@code -Dsoak.failovers=true}. {@code -Dsoak.seed=N} replays a schedule.
 */
class MirrorSoakITCase {

    @Test
    void mirrorFollowsTheSourceThroughOneCycleOfFaults() throws Exception {
        MirrorSoak.Settings settings = new MirrorSoak.Settings();
        settings.seed = Long.getLong("soak.seed", 20240607L);
        settings.duration = Duration.ofSeconds(60);
        settings.settle = Duration.ofSeconds(60);
        String failovers = System.getProperty("soak.failovers");
        settings.failovers = failovers == null ? null : Boolean.parseBoolean(failovers);
        settings.maxCycles = 1;
        settings.parentDeletes = true; // whole groups deleted and refilled (MirrorSubtreeITCase)
        MirrorSoak.Report report = MirrorSoak.run(settings, System.out);

        assertThat(report.divergences).as("divergence between B and A").isEmpty();
        assertThat(report.faults(MirrorSoak.Fault.SESSION_EXPIRY)).isEqualTo(2);
        assertThat(report.faults(MirrorSoak.Fault.CLOSED_SOCKETS)).isEqualTo(2);
        assertThat(report.faults(MirrorSoak.Fault.LEADER_KILL)).isEqualTo(2);
        assertThat(report.faults(MirrorSoak.Fault.TASK_MANAGER_FAILOVER))
                .isEqualTo(report.failovers ? 1 : 0);
        assertThat(report.changes).as("changes the writer made to A").isGreaterThan(100);
    }
}
