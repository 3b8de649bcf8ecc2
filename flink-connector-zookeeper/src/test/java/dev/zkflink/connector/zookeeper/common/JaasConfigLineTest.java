package dev.zkflink.connector.zookeeper.common;

import org.apache.zookeeper.server.auth.DigestLoginModule;
import org.junit.jupiter.api.Test;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JaasConfigLineTest {

    @Test
    void parsesALoginModuleLine() {
        List<AppConfigurationEntry> modules =
                JaasConfigLine.parse(
                        " com.sun.security.auth.module.Krb5LoginModule required\n"
                                + "  useKeyTab=true keyTab=\"/etc/a b.keytab\""
                                + " principal = \"app@EXAMPLE.COM\" quoted=\"a\\\"b\";");
        assertThat(modules).hasSize(1);
        AppConfigurationEntry m = modules.get(0);
        assertThat(m.getLoginModuleName())
                .isEqualTo("com.sun.security.auth.module.Krb5LoginModule");
        assertThat(m.getControlFlag()).isEqualTo(LoginModuleControlFlag.REQUIRED);
        assertThat(options(m))
                .containsEntry("useKeyTab", "true")
                .containsEntry("keyTab", "/etc/a b.keytab")
                .containsEntry("principal", "app@EXAMPLE.COM")
                .containsEntry("quoted", "a\"b")
                .hasSize(4);
        assertThat(JaasConfigLine.identity("x.Y optional principal=\"p@R\";")).isEqualTo("p@R");
    }

    @Test
    void parsesSeveralModulesAndEveryFlag() {
        List<AppConfigurationEntry> modules =
                JaasConfigLine.parse("a.A requisite; b.B sufficient k=v; c.C optional;");
        assertThat(modules)
                .extracting(AppConfigurationEntry::getControlFlag)
                .containsExactly(
                        LoginModuleControlFlag.REQUISITE,
                        LoginModuleControlFlag.SUFFICIENT,
                        LoginModuleControlFlag.OPTIONAL);
        assertThat(options(modules.get(1))).containsEntry("k", "v");
    }

    /** The SQL jar relocates ZooKeeper: its DigestLoginModule is found under either name. */
    @Test
    void pointsZooKeepersDigestModuleAtTheClassOnTheClassPath() {
        String relocated = "dev.zkflink.shaded.org.apache.zookeeper.server.auth.DigestLoginModule";
        assertThat(JaasConfigLine.parse(relocated + " required;").get(0).getLoginModuleName())
                .isEqualTo(DigestLoginModule.class.getName());
    }

    @Test
    void errorsNeverQuoteTheLine() {
        String secret = "p4ssw0rd-value";
        String[] broken = {
            "",
            "x.Module",
            "x.Module mandatory password=\"" + secret + "\";",
            "x.Module required password=\"" + secret + "\"",
            "x.Module required password=\"" + secret,
            "x.Module required " + secret + ";",
            "x.Module required password=;" + secret,
        };
        for (String line : broken) {
            assertThatThrownBy(() -> JaasConfigLine.parse(line))
                    .as(line)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'auth.sasl.jaas-config'")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        }
    }

    /** A login module's options, typed for assertions. */
    static Map<String, Object> options(AppConfigurationEntry entry) {
        return new HashMap<>(entry.getOptions());
    }
}
