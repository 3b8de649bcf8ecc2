package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.SetDataRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How mutations become multi() operations, without a server. */
class ZNodeOpPlannerTest {
    private static final long SESSION = 0x1234L;
    private static final byte[] DATA = {1};

    private static ZNodeOpPlanner planner(ZNodeCreateMode mode) {
        return new ZNodeOpPlanner(mode, ZNodeAclSpec.open().toAcls(), 60_000, "/t");
    }

    private static Stat stat(int version, long owner) {
        Stat s = new Stat();
        s.setVersion(version);
        s.setEphemeralOwner(owner);
        return s;
    }

    private static List<String> describe(List<Op> ops) {
        List<String> out = new ArrayList<>();
        for (Op op : ops) {
            String kind;
            switch (op.getType()) {
                case ZooDefs.OpCode.create:
                case ZooDefs.OpCode.create2:
                case ZooDefs.OpCode.createContainer:
                case ZooDefs.OpCode.createTTL:
                    kind = "create" + op.getType();
                    break;
                case ZooDefs.OpCode.setData:
                    kind = "set@" + ((SetDataRequest) op.toRequestRecord()).getVersion();
                    break;
                case ZooDefs.OpCode.delete:
                    kind = "delete@" + ((DeleteRequest) op.toRequestRecord()).getVersion();
                    break;
                default:
                    kind = "op" + op.getType();
            }
            out.add(kind + " " + op.getPath());
        }
        return out;
    }

    @Test
    void unverifiedUpsertsFollowTheGuessAndConditionalOnesAreSetDataOnly() {
        ZNodeOpPlanner p = planner(ZNodeCreateMode.PERSISTENT);
        List<ZNodeMutation> chunk =
                Arrays.asList(
                        ZNodeMutation.upsert("/t/known", DATA),
                        ZNodeMutation.upsert("/t/new", DATA),
                        ZNodeMutation.upsert("/t/cas", DATA, 4, 0),
                        ZNodeMutation.delete("/t/gone", 2));
        ZNodeOpPlanner.Plan plan = p.plan(chunk, "/t/known"::equals, null, SESSION);
        assertThat(describe(plan.ops))
                .containsExactly(
                        "set@-1 /t/known",
                        "create" + ZooDefs.OpCode.create + " /t/new",
                        "set@4 /t/cas",
                        "delete@2 /t/gone");
        assertThat(plan.conflicts).isEmpty();
    }

    @Test
    void verifiedStatsTurnConditionalMismatchesIntoConflictsAndCreateMissingParents() {
        ZNodeOpPlanner p = planner(ZNodeCreateMode.PERSISTENT);
        Map<String, Stat> verified = new HashMap<>();
        verified.put("/t", stat(0, 0));
        verified.put("/t/a", null);
        verified.put("/t/a/b", null);
        verified.put("/t/cas", stat(5, 0));
        verified.put("/t/missing", null);
        verified.put("/t/del", stat(1, 0));
        verified.put("/t/already-gone", null);
        ZNodeMutation cas = ZNodeMutation.upsert("/t/cas", DATA, 4, 0);
        ZNodeMutation missing = ZNodeMutation.upsert("/t/missing", DATA, 0, 0);
        ZNodeMutation staleDelete = ZNodeMutation.delete("/t/del", 0);
        List<ZNodeMutation> chunk =
                Arrays.asList(
                        ZNodeMutation.upsert("/t/a/b", DATA),
                        cas,
                        missing,
                        staleDelete,
                        ZNodeMutation.delete("/t/already-gone", 3));
        ZNodeOpPlanner.Plan plan = p.plan(chunk, path -> true, verified, SESSION);
        assertThat(describe(plan.ops))
                .containsExactly(
                        "create" + ZooDefs.OpCode.create + " /t/a",
                        "create" + ZooDefs.OpCode.create + " /t/a/b");
        assertThat(plan.conflicts).containsExactly(cas, missing, staleDelete);
    }

    @Test
    void anEphemeralTableReplacesANodeAnotherSessionOwns() {
        ZNodeOpPlanner p = planner(ZNodeCreateMode.EPHEMERAL);
        Map<String, Stat> verified = new HashMap<>();
        verified.put("/t", stat(0, 0));
        verified.put("/t/mine", stat(3, SESSION));
        verified.put("/t/stale", stat(7, 0x999L));
        verified.put("/t/persistent", stat(0, 0));
        ZNodeOpPlanner.Plan plan =
                p.plan(
                        Arrays.asList(
                                ZNodeMutation.upsert("/t/mine", DATA),
                                ZNodeMutation.upsert("/t/stale", DATA),
                                ZNodeMutation.upsert("/t/persistent", DATA)),
                        path -> false,
                        verified,
                        SESSION);
        assertThat(describe(plan.ops))
                .containsExactly(
                        "set@-1 /t/mine",
                        "delete@7 /t/stale",
                        "create" + ZooDefs.OpCode.create + " /t/stale",
                        "delete@0 /t/persistent",
                        "create" + ZooDefs.OpCode.create + " /t/persistent");
    }

    @Test
    void createsUseTheModeTheTtlAndTheProtectedSequentialName() {
        ZNodeOpPlanner ttl = planner(ZNodeCreateMode.PERSISTENT_WITH_TTL);
        Op rowTtl = ttl.createRow(ZNodeMutation.upsert("/t/a", DATA, -1, 500));
        Op tableTtl = ttl.createRow(ZNodeMutation.upsert("/t/b", DATA));
        assertThat(rowTtl.getType()).isEqualTo(ZooDefs.OpCode.createTTL);
        assertThat(rowTtl.toRequestRecord().toString()).contains("500");
        assertThat(tableTtl.toRequestRecord().toString()).contains("60000");

        assertThat(
                        planner(ZNodeCreateMode.CONTAINER)
                                .createRow(ZNodeMutation.upsert("/t/c", DATA))
                                .getType())
                .isEqualTo(ZooDefs.OpCode.createContainer);

        ZNodeOpPlanner seq = planner(ZNodeCreateMode.PERSISTENT_SEQUENTIAL);
        ZNodeMutation m = ZNodeMutation.upsert("/t/jobs/job-", DATA).withSequenceGuard("g-1");
        ZNodeOpPlanner.Plan plan = seq.plan(Collections.nCopies(2, m), path -> true, null, SESSION);
        assertThat(plan.ops).hasSize(2).allMatch(op -> op.getPath().equals("/t/jobs/_c_g-1-job-"));
        assertThat(
                        ZNodeOpPlanner.createPath(
                                ZNodeMutation.upsert("/x", DATA).withSequenceGuard("u")))
                .isEqualTo("/_c_u-x");
    }

    @Test
    void verifiesEveryPathAndTheAncestorsOfUpsertsUpToTheRootOnly() {
        ZNodeOpPlanner planner = planner(ZNodeCreateMode.PERSISTENT);
        assertThat(
                        planner.pathsToVerify(
                                Arrays.asList(
                                        ZNodeMutation.upsert("/t/a/b/c", DATA),
                                        ZNodeMutation.upsert("/t/a/b/d", DATA),
                                        ZNodeMutation.delete("/t/x/y"))))
                .containsExactly("/t/a/b/c", "/t/a/b", "/t/a", "/t", "/t/a/b/d", "/t/x/y");
    }
}
