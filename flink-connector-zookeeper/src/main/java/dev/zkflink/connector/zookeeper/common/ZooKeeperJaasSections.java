package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The JAAS login sections of the connector's SASL clients, one per distinct credential set.
 *
 * <p>ZooKeeper's client finds its login in the JVM-wide {@link Configuration} by the section name
 * in {@code zookeeper.sasl.clientconfig}. To give each table its own credentials without touching
 * what Flink or the user installed, a {@link Delegating} configuration is installed that answers
 * the connector's section names itself and every other name from the configuration it replaced. If
 * someone installs another configuration later, the next registration wraps that one.
 *
 * <p>Section names are {@code zkflink-sasl-<uuid>-<n>}, the uuid unique per copy of this class (per
 * class loader): they carry no credential and never collide between jobs. A section is counted by
 * the clients using it and removed when the last one closes, so the table is bounded by the clients
 * open at once.
 */
@Internal
public final class ZooKeeperJaasSections {
    private static final String PREFIX = "zkflink-sasl-";

    /**
     * Unique per copy of this class: each job that loads the connector through its own class loader
     * has its own copy, and their section names must never collide (a name answered by another
     * job's wrapper would log in with that job's credentials).
     */
    private static final String OWN_PREFIX = PREFIX + UUID.randomUUID() + "-";

    /** Answered (empty) by this copy's wrapper only: shows that it is still installed. */
    private static final String PROBE = OWN_PREFIX + "installed";

    private static final AppConfigurationEntry[] PROBE_ANSWER = new AppConfigurationEntry[0];

    private static final Map<ZooKeeperSaslOptions, Section> BY_OPTIONS = new HashMap<>();
    private static final Map<String, Section> BY_NAME = new HashMap<>();
    private static long nextId;
    private static Delegating installed;

    private ZooKeeperJaasSections() {}

    /**
     * The section for these credentials, registered (or counted once more) and visible through
     * {@link Configuration#getConfiguration()}. Each call needs one {@link #release}.
     */
    static String acquire(
            ZooKeeperSaslOptions options, Supplier<List<AppConfigurationEntry>> entries) {
        synchronized (BY_OPTIONS) {
            ensureInstalled();
            Section section = BY_OPTIONS.get(options);
            if (section == null) {
                section =
                        new Section(
                                options,
                                OWN_PREFIX + (++nextId),
                                entries.get().toArray(new AppConfigurationEntry[0]));
                BY_OPTIONS.put(options, section);
                BY_NAME.put(section.name, section);
            }
            section.users++;
            return section.name;
        }
    }

    /** Gives back one {@link #acquire}; the last release removes the section. */
    static void release(String name) {
        synchronized (BY_OPTIONS) {
            Section section = BY_NAME.get(name);
            if (section != null && --section.users == 0) {
                BY_NAME.remove(name);
                BY_OPTIONS.remove(section.options);
            }
        }
    }

    /** How many connector sections are registered (for tests). */
    static int registered() {
        synchronized (BY_OPTIONS) {
            return BY_NAME.size();
        }
    }

    /** The installed configuration, for a login done by the connector itself (diagnostics). */
    static Configuration configuration() {
        synchronized (BY_OPTIONS) {
            ensureInstalled();
            return installed;
        }
    }

    private static void ensureInstalled() {
        Configuration current;
        try {
            current = Configuration.getConfiguration();
        } catch (RuntimeException e) {
            current = null; // a broken or missing JAAS file: the connector's sections still work
        }
        if (installed != null && current != null && answersProbe(current)) {
            return; // this copy's wrapper is in the installed chain: wrapping again would nest
        }
        installed = new Delegating(current);
        Configuration.setConfiguration(installed);
    }

    private static boolean answersProbe(Configuration configuration) {
        try {
            return configuration.getAppConfigurationEntry(PROBE) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static AppConfigurationEntry[] lookUp(String name) {
        synchronized (BY_OPTIONS) {
            Section section = BY_NAME.get(name);
            return section == null ? null : section.entries.clone();
        }
    }

    private static final class Section {
        final ZooKeeperSaslOptions options;
        final String name;
        final AppConfigurationEntry[] entries;
        int users;

        Section(ZooKeeperSaslOptions options, String name, AppConfigurationEntry[] entries) {
            this.options = options;
            this.name = name;
            this.entries = entries;
        }
    }

    /** The connector's sections first, everything else from the replaced configuration. */
    private static final class Delegating extends Configuration {
        private final Configuration delegate;

        Delegating(Configuration delegate) {
            this.delegate = delegate;
        }

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            if (PROBE.equals(name)) {
                return PROBE_ANSWER;
            }
            if (name != null && name.startsWith(OWN_PREFIX)) {
                AppConfigurationEntry[] own = lookUp(name);
                if (own != null) {
                    return own;
                }
            }
            return delegate == null ? null : delegate.getAppConfigurationEntry(name);
        }

        @Override
        public void refresh() {
            if (delegate != null) {
                delegate.refresh();
            }
        }
    }
}
