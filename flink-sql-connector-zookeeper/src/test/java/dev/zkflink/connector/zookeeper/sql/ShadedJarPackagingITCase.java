package dev.zkflink.connector.zookeeper.sql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.zkflink.connector.zookeeper.sql.ShadedJars.CONNECTOR;
import static dev.zkflink.connector.zookeeper.sql.ShadedJars.SHADED;
import static dev.zkflink.connector.zookeeper.sql.ShadedJars.SHADED_PACKAGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the content of the packaged {@code flink-sql-connector-zookeeper} jar: what is bundled,
 * that all of it is relocated, and that nothing that Flink provides (or that the client does not
 * need) slipped in. Runs in failsafe, after maven-shade-plugin replaced the main artifact.
 */
class ShadedJarPackagingITCase {

    private static final String FACTORY_SPI =
            "META-INF/services/org.apache.flink.table.factories.Factory";
    private static final String FACTORY_CLASS =
            "dev.zkflink.connector.zookeeper.table.ZooKeeperDynamicTableFactory";

    /** Packages of the bundled libraries, as they appear in class files before relocation. */
    private static final List<String> BUNDLED_PACKAGES =
            Arrays.asList(
                    "org/apache/curator/",
                    "org/apache/zookeeper/",
                    "org/apache/jute/",
                    "io/netty/");

    /** A string constant that is nothing but a bundled class, package or property name. */
    private static final Pattern UNRELOCATED_DOTTED_NAME =
            Pattern.compile("(org\\.apache\\.(curator|zookeeper|jute)|io\\.netty)(\\.[\\w$]+)*");

    private static JarFile jar;
    private static List<String> entries;

    @BeforeAll
    static void openJar() throws IOException {
        jar = ShadedJars.openShadedJar();
        entries =
                jar.stream()
                        .filter(e -> !e.isDirectory())
                        .map(JarEntry::getName)
                        .collect(Collectors.toList());
    }

    @AfterAll
    static void closeJar() throws IOException {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void everyClassIsTheConnectorOrRelocated() {
        List<String> classes = classEntries();
        assertThat(classes).hasSizeGreaterThan(1000);
        assertThat(matching(classes, name -> !name.startsWith(CONNECTOR)))
                .as("classes outside " + CONNECTOR)
                .isEmpty();
        // The connector itself keeps its package; only third-party code goes under 'shaded'.
        assertContainsEntries(
                CONNECTOR + "table/ZooKeeperDynamicTableFactory.class",
                CONNECTOR + "common/ZooKeeperClientFactory.class");
        assertThat(matching(entries, name -> name.startsWith(SHADED + "dev/"))).isEmpty();
    }

    @Test
    void bundlesRelocatedCuratorZooKeeperJuteNettyAndGuava() {
        assertContainsEntries(
                // Curator
                SHADED + "org/apache/curator/framework/CuratorFrameworkFactory.class",
                SHADED + "org/apache/curator/CuratorZookeeperClient.class",
                // ZooKeeper client, both socket implementations, TLS support
                SHADED + "org/apache/zookeeper/ZooKeeper.class",
                SHADED + "org/apache/zookeeper/ClientCnxnSocketNIO.class",
                SHADED + "org/apache/zookeeper/ClientCnxnSocketNetty.class",
                SHADED + "org/apache/zookeeper/common/ClientX509Util.class",
                // zookeeper-jute
                SHADED + "org/apache/jute/BinaryInputArchive.class",
                SHADED + "org/apache/zookeeper/proto/ConnectRequest.class",
                // Netty: what ClientCnxnSocketNetty and NettyUtils link against
                SHADED + "io/netty/bootstrap/Bootstrap.class",
                SHADED + "io/netty/buffer/ByteBuf.class",
                SHADED + "io/netty/channel/socket/nio/NioSocketChannel.class",
                SHADED + "io/netty/channel/epoll/Epoll.class",
                SHADED + "io/netty/channel/unix/Socket.class",
                SHADED + "io/netty/handler/ssl/SslHandler.class",
                SHADED + "io/netty/handler/codec/ByteToMessageDecoder.class",
                SHADED + "io/netty/resolver/AddressResolver.class",
                SHADED + "io/netty/util/concurrent/DefaultThreadFactory.class",
                // Guava + failureaccess, as relocated by Curator inside curator-client
                SHADED + "org/apache/curator/shaded/com/google/common/base/Preconditions.class",
                SHADED
                        + "org/apache/curator/shaded/com/google/common/util/concurrent/"
                        + "internal/InternalFutureFailureAccess.class");
    }

    @Test
    void bundlesNoLoggingFlinkOrUnneededCode() {
        List<String> forbidden =
                Arrays.asList(
                        // logging: Flink provides slf4j and the binding
                        "org/slf4j/",
                        "org/apache/log4j/",
                        "org/apache/logging/",
                        "ch/qos/",
                        // Flink itself
                        "org/apache/flink/",
                        // left out on purpose, relocated or not
                        "com/google/",
                        "io/netty/internal/tcnative/",
                        "org/apache/commons/",
                        "org/apache/yetus/",
                        "javax/annotation/");
        for (String prefix : forbidden) {
            assertThat(
                            matching(
                                    entries,
                                    name ->
                                            name.startsWith(prefix)
                                                    || name.startsWith(SHADED + prefix)))
                    .as("entries under %s (plain or relocated)", prefix)
                    .isEmpty();
        }
        assertThat(
                        matching(
                                entries,
                                name ->
                                        name.endsWith(".so")
                                                || name.endsWith(".jnilib")
                                                || name.endsWith(".dll")
                                                || name.startsWith("META-INF/native")
                                                || name.endsWith("module-info.class")
                                                || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")
                                                || name.startsWith("META-INF/maven/")))
                .as("native libraries, module descriptors, signatures, bundled Maven metadata")
                .isEmpty();
    }

    /**
     * Relocation rewrites class references, descriptors and string literals that look like class
     * names. Any bundled package name left in a class file's constant pool would be looked up
     * outside the jar at runtime (or not found at all).
     */
    @Test
    void classFilesOnlyReferToRelocatedCopiesOfTheBundledLibraries() throws IOException {
        Map<String, String> unrelocated = new TreeMap<>();
        for (String name : classEntries()) {
            for (String constant : ShadedJars.utf8Constants(read(name))) {
                if (containsUnrelocatedPath(constant)
                        || UNRELOCATED_DOTTED_NAME.matcher(constant).matches()) {
                    unrelocated.putIfAbsent(name, constant);
                }
            }
        }
        assertThat(unrelocated).isEmpty();
    }

    /**
     * ZooKeeper picks its client socket by class name. The default is {@code
     * ClientCnxnSocketNIO.class.getName()} (a class literal, so relocation follows it), and the
     * simple names "ClientCnxnSocketNIO" / "ClientCnxnSocketNetty" are matched against {@code
     * getSimpleName()}. There is no string literal naming the unrelocated classes. Curator looks up
     * ZooKeeper classes reflectively by string literal; shade rewrites those literals.
     */
    @Test
    void reflectiveClassNamesFollowTheRelocation() throws IOException {
        List<String> zooKeeper = constants(SHADED + "org/apache/zookeeper/ZooKeeper.class");
        assertThat(zooKeeper)
                .contains(
                        SHADED + "org/apache/zookeeper/ClientCnxnSocketNIO",
                        SHADED + "org/apache/zookeeper/ClientCnxnSocketNetty",
                        "zookeeper.clientCnxnSocket")
                .noneMatch(c -> c.contains("org.apache.zookeeper.ClientCnxnSocket"));

        assertThat(constants(SHADED + "org/apache/curator/utils/Compatibility.class"))
                .contains(
                        SHADED_PACKAGE + "org.apache.zookeeper.server.quorum.MultipleAddresses",
                        SHADED_PACKAGE + "org.apache.zookeeper.AddWatchMode");

        // Netty's system properties move with the relocation, like in Flink's shaded Netty.
        assertThat(constants(SHADED + "io/netty/channel/epoll/Epoll.class"))
                .contains(SHADED_PACKAGE + "io.netty.transport.noNative");
    }

    @Test
    void keepsTheTableFactoryServiceFile() throws IOException {
        assertContainsEntries(FACTORY_SPI);
        assertThat(serviceEntries(FACTORY_SPI)).containsExactly(FACTORY_CLASS);

        // Every service file in the jar must name classes that are in the jar.
        for (String spi : entries) {
            if (spi.startsWith("META-INF/services/")) {
                for (String impl : serviceEntries(spi)) {
                    assertContainsEntries(impl.replace('.', '/') + ".class");
                }
            }
        }
    }

    @Test
    void shipsNoticeAndLicense() throws IOException {
        assertContainsEntries("META-INF/NOTICE", "META-INF/LICENSE");

        String notice = text("META-INF/NOTICE");
        String curator = ShadedJars.requiredProperty("expected.curator.version");
        String zooKeeper = ShadedJars.requiredProperty("expected.zookeeper.version");
        String netty = ShadedJars.requiredProperty("expected.netty.version");
        assertThat(notice)
                .containsIgnoringCase("curator")
                .containsIgnoringCase("zookeeper")
                .contains("Apache Software License 2.0")
                .contains(
                        "org.apache.curator:curator-framework:" + curator,
                        "org.apache.curator:curator-client:" + curator,
                        "org.apache.zookeeper:zookeeper:" + zooKeeper,
                        "org.apache.zookeeper:zookeeper-jute:" + zooKeeper,
                        "com.google.guava:guava:",
                        "com.google.guava:failureaccess:");
        for (String nettyArtifact : bundledNettyArtifacts()) {
            assertThat(notice).contains("io.netty:" + nettyArtifact + ":" + netty);
        }

        assertThat(text("META-INF/LICENSE"))
                .contains("Apache License")
                .contains("Version 2.0, January 2004")
                .contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");
    }

    /** Netty modules must come from one release; the NOTICE names that release. */
    @Test
    void bundlesOneNettyReleaseWithoutNativeParts() throws IOException {
        String netty = ShadedJars.requiredProperty("expected.netty.version");
        Set<String> versions = new TreeSet<>();
        for (String artifact : bundledNettyArtifacts()) {
            versions.add(nettyVersions().getProperty(artifact + ".version"));
        }
        assertThat(versions).containsExactly(netty);
        assertThat(bundledNettyArtifacts())
                .containsExactlyInAnyOrder(
                        "netty-buffer",
                        "netty-codec",
                        "netty-common",
                        "netty-handler",
                        "netty-resolver",
                        "netty-transport",
                        "netty-transport-classes-epoll",
                        "netty-transport-native-unix-common");
    }

    // ------------------------------------------------------------------------------------------

    private static boolean containsUnrelocatedPath(String constant) {
        for (String pkg : BUNDLED_PACKAGES) {
            int at = constant.indexOf(pkg);
            while (at >= 0) {
                if (!constant.startsWith(SHADED, at - SHADED.length())) {
                    return true;
                }
                at = constant.indexOf(pkg, at + 1);
            }
        }
        return false;
    }

    private static void assertContainsEntries(String... expected) {
        Set<String> present = new HashSet<>(entries);
        assertThat(matching(Arrays.asList(expected), name -> !present.contains(name)))
                .as("entries missing from the jar")
                .isEmpty();
    }

    private static List<String> matching(List<String> names, Predicate<String> predicate) {
        return names.stream().filter(predicate).collect(Collectors.toList());
    }

    private static List<String> classEntries() {
        return entries.stream().filter(n -> n.endsWith(".class")).collect(Collectors.toList());
    }

    private static byte[] read(String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as("jar entry %s", name).isNotNull();
        return ShadedJars.readAll(jar.getInputStream(entry));
    }

    private static String text(String name) throws IOException {
        return new String(read(name), StandardCharsets.UTF_8);
    }

    private static List<String> constants(String classEntry) throws IOException {
        return ShadedJars.utf8Constants(read(classEntry));
    }

    private static List<String> serviceEntries(String spi) throws IOException {
        List<String> result = new ArrayList<>();
        for (String line : text(spi).split("\n")) {
            String trimmed = line.replaceAll("#.*", "").trim();
            if (!trimmed.isEmpty()) {
                result.add(trimmed);
            }
        }
        return result;
    }

    private static Properties nettyVersions() throws IOException {
        Properties versions = new Properties();
        versions.load(new StringReader(text("META-INF/io.netty.versions.properties")));
        return versions;
    }

    /** Netty artifacts as listed in the merged {@code META-INF/io.netty.versions.properties}. */
    private static Set<String> bundledNettyArtifacts() throws IOException {
        Set<String> artifacts = new TreeSet<>();
        for (String key : nettyVersions().stringPropertyNames()) {
            if (key.endsWith(".version")) {
                artifacts.add(key.substring(0, key.length() - ".version".length()));
            }
        }
        return Collections.unmodifiableSet(artifacts);
    }
}
