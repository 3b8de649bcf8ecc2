package dev.zkflink.connector.zookeeper.sink;

import dev.zkflink.connector.zookeeper.common.ZooKeeperConnectionOptions;

import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a terminal write error says, without a server. */
class WriteErrorsTest {
    private static ZooKeeperWriteOptions.Builder options() {
        return ZooKeeperWriteOptions.builder()
                .setConnection(ZooKeeperConnectionOptions.builder().setHosts("h:1").build());
    }

    private static String message(
            String path, KeeperException.Code code, ZooKeeperWriteOptions options) {
        return WriteErrors.writing(path, KeeperException.create(code, path), options, "/t")
                .getMessage();
    }

    @Test
    void namesThePathOrTheRootAndTheCode() {
        assertThat(message("/t/a", KeeperException.Code.BADARGUMENTS, options().build()))
                .isEqualTo("Writing znode '/t/a' failed with ZooKeeper code BADARGUMENTS (-8).");
        assertThat(message(null, KeeperException.Code.BADARGUMENTS, options().build()))
                .isEqualTo("Writing below '/t' failed with ZooKeeper code BADARGUMENTS (-8).");
    }

    @Test
    void noAuthNamesTheUserButNeverThePassword() {
        ZooKeeperWriteOptions withAuth =
                options()
                        .setConnection(
                                ZooKeeperConnectionOptions.builder()
                                        .setHosts("h:1")
                                        .setDigestAuth("app", "secret-pw")
                                        .build())
                        .build();
        String m = message("/t/a", KeeperException.Code.NOAUTH, withAuth);
        assertThat(m).contains("'auth.digest.user' = 'app'").doesNotContain("secret-pw");
        assertThat(message("/t/a", KeeperException.Code.NOAUTH, options().build()))
                .contains("set 'auth.digest.user' and 'auth.digest.password'")
                .doesNotContain("'sink.acl'");
        ZooKeeperWriteOptions restricted =
                options().setAcl(ZNodeAclSpec.parse("world:anyone:r")).build();
        assertThat(message("/t/a", KeeperException.Code.NOAUTH, restricted))
                .contains("'sink.acl' = 'world:anyone:r'");
    }

    @Test
    void hintsAtTheCreateMode() {
        ZooKeeperWriteOptions ephemeral =
                options().setCreateMode(ZNodeCreateMode.EPHEMERAL).build();
        assertThat(message("/t/a", KeeperException.Code.NOTEMPTY, ephemeral))
                .contains("cannot become ephemeral");
        assertThat(message("/t/a", KeeperException.Code.NOTEMPTY, options().build()))
                .endsWith("(-111).");
        ZooKeeperWriteOptions ttl =
                options()
                        .setCreateMode(ZNodeCreateMode.PERSISTENT_WITH_TTL)
                        .setTtl(Duration.ofMinutes(1))
                        .build();
        assertThat(message("/t/a", KeeperException.Code.UNIMPLEMENTED, ttl))
                .contains("zookeeper.extendedTypesEnabled=true");
        assertThat(
                        message(
                                "/t/a/b",
                                KeeperException.Code.NOCHILDRENFOREPHEMERALS,
                                options().build()))
                .contains("ephemeral nodes cannot have children");
    }

    @Test
    void keepsChangingCountsTheReplans() {
        assertThat(
                        WriteErrors.keepsChanging(
                                        "/t/a",
                                        KeeperException.create(KeeperException.Code.NODEEXISTS),
                                        21)
                                .getMessage())
                .isEqualTo(
                        "Writing '/t/a' failed with NODEEXISTS 21 times in a row: the tree keeps changing under the sink.");
    }
}
