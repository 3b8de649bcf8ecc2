package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the writer believes exists, without a server. */
class ZNodeExistenceGuessTest {
    private static final byte[] DATA = {1};

    private static Op create(String path) {
        return Op.create(path, DATA, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Test
    void knowsWhatItWroteAndForgetsWhatItDeleted() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.PERSISTENT);
        assertThat(guess.probablyExists("/t/a")).isFalse();
        guess.learnWritten(Arrays.asList(create("/t/a"), Op.setData("/t/b", DATA, -1)));
        assertThat(guess.probablyExists("/t/a")).isTrue();
        assertThat(guess.probablyExists("/t/b")).isTrue();
        guess.learnWritten(Collections.singletonList(Op.delete("/t/a", -1)));
        assertThat(guess.probablyExists("/t/a")).isFalse();
        guess.forget("/t/b");
        assertThat(guess.probablyExists("/t/b")).isFalse();
    }

    @Test
    void guessesUnknownPathsTheWayMostVerifiedUpsertsWere() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.PERSISTENT);
        Map<String, Stat> verified = new HashMap<>();
        verified.put("/t/a", new Stat());
        verified.put("/t/b", new Stat());
        verified.put("/t/c", null);
        guess.learnVerified(
                Arrays.asList(
                        ZNodeMutation.upsert("/t/a", DATA),
                        ZNodeMutation.upsert("/t/b", DATA),
                        ZNodeMutation.upsert("/t/c", DATA),
                        ZNodeMutation.delete("/t/d")),
                verified);
        assertThat(guess.probablyExists("/t/never-seen")).isTrue();

        verified.put("/t/a", null);
        guess.learnVerified(
                Arrays.asList(
                        ZNodeMutation.upsert("/t/a", DATA), ZNodeMutation.upsert("/t/b", DATA)),
                verified);
        assertThat(guess.probablyExists("/t/never-seen")).as("a tie is not most").isFalse();
    }

    @Test
    void aChunkOfDeletesTeachesNothingAboutUnknownPaths() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.PERSISTENT);
        Map<String, Stat> allExist = new HashMap<>();
        allExist.put("/t/a", new Stat());
        guess.learnVerified(
                Collections.singletonList(ZNodeMutation.upsert("/t/a", DATA)), allExist);
        guess.learnVerified(
                Collections.singletonList(ZNodeMutation.delete("/t/a")), new HashMap<>());
        assertThat(guess.probablyExists("/t/x")).isTrue();
    }

    @Test
    void anEphemeralTableNeverAssumesANodeExists() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.EPHEMERAL);
        guess.remember("/t/a");
        assertThat(guess.probablyExists("/t/a")).isFalse();
    }

    @Test
    void guardedSequentialCreatesAreNotRemembered() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.PERSISTENT_SEQUENTIAL);
        guess.learnWritten(Arrays.asList(create("/t/_c_guard-a"), create("/t/p")));
        assertThat(guess.probablyExists("/t/_c_guard-a")).isFalse();
        assertThat(guess.probablyExists("/t/p")).isTrue();
    }

    @Test
    void startsOverWhenItKnowsTooMuchOrTheSessionEnded() {
        ZNodeExistenceGuess guess = new ZNodeExistenceGuess(ZNodeCreateMode.PERSISTENT, 2);
        guess.remember("/t/a");
        guess.remember("/t/b");
        guess.remember("/t/c");
        assertThat(guess.probablyExists("/t/a")).isFalse();
        assertThat(guess.probablyExists("/t/c")).isTrue();
        guess.forgetAll();
        assertThat(guess.probablyExists("/t/c")).isFalse();
    }
}
