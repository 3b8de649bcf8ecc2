package dev.zkflink.connector.zookeeper.common;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two jobs that load the connector through their own class loaders each have their own copy of
 * {@link ZooKeeperJaasSections}; their sections must never answer for each other, and taking turns
 * must not nest wrappers.
 */
class ZooKeeperJaasSectionsTest {
    private Configuration saved;

    @BeforeEach
    void save() {
        saved = Configuration.getConfiguration();
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration(saved);
    }

    /** Loads the connector's common classes itself, as a job's class loader does. */
    private static final class JobClassLoader extends URLClassLoader {
        JobClassLoader() {
            super(
                    new URL[] {
                        ZooKeeperJaasSections.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                    },
                    ZooKeeperJaasSectionsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.zkflink.connector.zookeeper.common.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : findClass(name);
            }
        }
    }

    /** Registers a DIGEST-MD5 section for {@code user} in the copy that {@code loader} holds. */
    private static String acquire(ClassLoader loader, String user) throws Exception {
        Class<?> options = loader.loadClass(ZooKeeperSaslOptions.class.getName());
        Class<?> mechanism = loader.loadClass(ZooKeeperSaslOptions.Mechanism.class.getName());
        Object builder = options.getMethod("builder").invoke(null);
        builder.getClass()
                .getMethod("setMechanism", mechanism)
                .invoke(builder, mechanism.getField("DIGEST_MD5").get(null));
        builder.getClass()
                .getMethod("setDigestCredentials", String.class, String.class)
                .invoke(builder, user, "pw-" + user);
        Object built = builder.getClass().getMethod("build").invoke(builder);
        Method acquire =
                loader.loadClass(ZooKeeperJaasSections.class.getName())
                        .getDeclaredMethod("acquire", options, Supplier.class);
        acquire.setAccessible(true);
        Supplier<List<AppConfigurationEntry>> entries =
                () ->
                        List.of(
                                new AppConfigurationEntry(
                                        "module.of." + user,
                                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                                        Collections.emptyMap()));
        return (String) acquire.invoke(null, built, entries);
    }

    private static String moduleOf(String section) {
        AppConfigurationEntry[] entries =
                Configuration.getConfiguration().getAppConfigurationEntry(section);
        return entries == null ? null : entries[0].getLoginModuleName();
    }

    @Test
    void twoJobsNeverAnswerForEachOther() throws Exception {
        try (JobClassLoader jobA = new JobClassLoader();
                JobClassLoader jobB = new JobClassLoader()) {
            String alice = acquire(jobA, "alice");
            String bob = acquire(jobB, "bob");
            assertThat(alice).isNotEqualTo(bob).doesNotContain("alice", "pw-");
            assertThat(moduleOf(alice)).isEqualTo("module.of.alice");
            assertThat(moduleOf(bob)).isEqualTo("module.of.bob");

            Configuration afterBoth = Configuration.getConfiguration();
            String carol = acquire(jobA, "carol"); // job A again: its wrapper is in the chain
            assertThat(Configuration.getConfiguration()).isSameAs(afterBoth);
            assertThat(moduleOf(carol)).isEqualTo("module.of.carol");
            assertThat(moduleOf(alice)).isEqualTo("module.of.alice");
            assertThat(moduleOf(bob)).isEqualTo("module.of.bob");
        }
    }
}
