package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a writer believes exists, for {@link ZNodeOpPlanner} to plan without asking the server: the
 * paths it has written, and for any other path what the last verification found for most unknown
 * paths (a job updating a tree it did not create finds them existing, a job creating one finds them
 * missing), so either kind of job needs one round trip per chunk. Only a hint: a wrong guess costs
 * one re-plan with verified existence. No I/O.
 */
final class ZNodeExistenceGuess implements ZNodeOpPlanner.Guess {
    private static final int KNOWN_PATHS_CAP = 200_000;

    private final ZNodeCreateMode mode;
    private final int cap;
    private final Set<String> knownToExist = new HashSet<>();
    private boolean unknownPathsUsuallyExist;

    ZNodeExistenceGuess(ZNodeCreateMode mode) {
        this(mode, KNOWN_PATHS_CAP);
    }

    ZNodeExistenceGuess(ZNodeCreateMode mode, int cap) {
        this.mode = mode;
        this.cap = cap;
    }

    @Override
    public boolean probablyExists(String path) {
        if (mode.isEphemeral()) {
            // Never assumed: another session (another subtask after a rescale, a failed
            // attempt) may own the node now. A create that meets it is verified and replanned.
            return false;
        }
        return unknownPathsUsuallyExist || knownToExist.contains(path);
    }

    void remember(String path) {
        if (knownToExist.size() >= cap) {
            knownToExist.clear(); // only a hint; a wrong guess costs one re-plan
        }
        knownToExist.add(path);
    }

    void forget(String path) {
        knownToExist.remove(path);
    }

    /** After a session expiry this session's ephemerals are gone. */
    void forgetAll() {
        knownToExist.clear();
    }

    /** A transaction of these operations succeeded. */
    void learnWritten(List<Op> ops) {
        for (Op op : ops) {
            if (mode.isSequential() && op.getPath().contains("/_c_")) {
                continue; // a guarded sequential create: its real name has the counter
            }
            if (op.getType() == ZooDefs.OpCode.delete) {
                knownToExist.remove(op.getPath());
            } else {
                remember(op.getPath());
            }
        }
    }

    /** The chunk's paths were verified: guess unknown paths the way most of its upserts were. */
    void learnVerified(List<ZNodeMutation> chunk, Map<String, Stat> verified) {
        int upserts = 0;
        int existing = 0;
        for (ZNodeMutation m : chunk) {
            if (!m.isDelete()) {
                upserts++;
                if (verified.get(m.getPath()) != null) {
                    existing++;
                }
            }
        }
        if (upserts > 0) {
            unknownPathsUsuallyExist = existing * 2 > upserts;
        }
    }
}
