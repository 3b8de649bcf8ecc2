package dev.zkflink.connector.zookeeper.sink;

import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ZooKeeper CLI's ACL syntax of 'sink.acl'. */
class ZNodeAclSpecTest {

    @Test
    void parsesEverySchemeWithIdsThatHoldColons() throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest("app:pw");
        ZNodeAclSpec spec =
                ZNodeAclSpec.parse(
                        "world:anyone:r, digest:"
                                + digest
                                + ":cdrwa,auth::cdrwa,ip:10.0.0.0/8:rw,ip:::1:r,"
                                + "sasl:app@EXAMPLE.COM:cd,x509:CN=app,O=Org:a");
        assertThat(spec.toAcls())
                .containsExactly(
                        new ACL(ZooDefs.Perms.READ, new Id("world", "anyone")),
                        new ACL(ZooDefs.Perms.ALL, new Id("digest", digest)),
                        new ACL(ZooDefs.Perms.ALL, new Id("auth", "")),
                        new ACL(
                                ZooDefs.Perms.READ | ZooDefs.Perms.WRITE,
                                new Id("ip", "10.0.0.0/8")),
                        new ACL(ZooDefs.Perms.READ, new Id("ip", "::1")),
                        new ACL(
                                ZooDefs.Perms.CREATE | ZooDefs.Perms.DELETE,
                                new Id("sasl", "app@EXAMPLE.COM")),
                        new ACL(ZooDefs.Perms.ADMIN, new Id("x509", "CN=app,O=Org")));
        assertThat(spec.usesAuthScheme()).isTrue();
        assertThat(ZNodeAclSpec.open().isOpen()).isTrue();
        assertThat(ZNodeAclSpec.open().toAcls()).isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
        // a mutable list each time: ZooKeeper.create calls acl.contains(null)
        spec.toAcls().add(null);
    }

    @Test
    void malformedEntriesNameTheOptionAndTheEntry() {
        for (String[] c :
                Arrays.asList(
                        new String[] {"", "'sink.acl' is empty"},
                        new String[] {"world:anyone", "not of the form 'scheme:id:perms'"},
                        new String[] {"world:anyone:", "no permissions given"},
                        new String[] {"world:anyone:R", "unknown permission 'R'"},
                        new String[] {"foo:bar:r", "unknown scheme 'foo'"},
                        new String[] {"ip:1.2.3:r", "is not an IPv4/IPv6 address"},
                        new String[] {"sasl::r", "the 'sasl' scheme needs an id"})) {
            assertThatThrownBy(() -> ZNodeAclSpec.parse(c[0]))
                    .as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'sink.acl'")
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> ZNodeAclSpec.parse("digest:app:password:cdrwa"))
                .hasMessageContaining("user:base64(sha1(user:password))")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("password:cdrwa"));
    }
}
