package dev.zkflink.connector.zookeeper.sql;

import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.slf4j.Log4jLoggerFactory;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.zkflink.connector.zookeeper.sql.ShadedJars.SHADED_PACKAGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uses the packaged SQL jar against a real ZooKeeper server: the connector's own {@code
 * ZooKeeperClientFactory}, loaded from the shaded jar in a class loader that sees nothing but the
 * JDK, flink-core and slf4j/log4j (what flink-dist provides), opens relocated Curator clients over
 * the default NIO socket, over the Netty socket, and over TLS (Netty, JDK SSL provider, no
 * netty-tcnative). Every write is checked with the ordinary unshaded Curator client of the test.
 *
 * <p>The server is a curator-test {@code TestingServer} with ZooKeeper's Netty server factory and
 * port unification, so one port accepts plaintext and TLS clients.
 */
class ShadedJarRuntimeITCase {

    private static final String CONNECTOR_PACKAGE = "dev.zkflink.connector.zookeeper.";
    private static final String PASSWORD = "changeit";

    /** Server-side settings; ZooKeeper's server reads TLS settings from system properties only. */
    private static final Map<String, String> serverProperties = new LinkedHashMap<>();

    private static final Map<String, String> savedProperties = new HashMap<>();

    @TempDir static Path tempDir;

    private static Path keyStore;
    private static Path trustStore;
    private static TestingServer server;
    private static CuratorFramework verifier;
    private static URLClassLoader loggingOnly;

    @BeforeAll
    static void startServer() throws Exception {
        keyStore = tempDir.resolve("zk-keystore.p12");
        trustStore = tempDir.resolve("zk-truststore.p12");
        createSelfSignedKeyStore(keyStore, trustStore);

        serverProperties.put(
                "zookeeper.serverCnxnFactory",
                "org.apache.zookeeper.server.NettyServerCnxnFactory");
        serverProperties.put("zookeeper.client.portUnification", "true");
        serverProperties.put(
                "zookeeper.authProvider.x509",
                "org.apache.zookeeper.server.auth.X509AuthenticationProvider");
        serverProperties.put("zookeeper.ssl.keyStore.location", keyStore.toString());
        serverProperties.put("zookeeper.ssl.keyStore.password", PASSWORD);
        serverProperties.put("zookeeper.ssl.trustStore.location", trustStore.toString());
        serverProperties.put("zookeeper.ssl.trustStore.password", PASSWORD);
        for (Map.Entry<String, String> e : serverProperties.entrySet()) {
            savedProperties.put(e.getKey(), System.getProperty(e.getKey()));
            System.setProperty(e.getKey(), e.getValue());
        }

        server = new TestingServer(true);
        verifier =
                CuratorFrameworkFactory.newClient(
                        server.getConnectString(), 30_000, 15_000, new RetryOneTime(100));
        verifier.start();
        assertThat(verifier.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();

        // The parent of every shaded-jar class loader: the JDK plus what flink-dist provides and
        // the connector's client code uses: the logging, and flink-core (Flink's Preconditions).
        loggingOnly =
                new URLClassLoader(
                        new URL[] {
                            codeSource(org.apache.flink.util.Preconditions.class),
                            codeSource(LoggerFactory.class),
                            codeSource(Log4jLoggerFactory.class),
                            codeSource(LogManager.class),
                            codeSource(LoggerContext.class)
                        },
                        ClassLoader.getPlatformClassLoader());
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            if (verifier != null) {
                verifier.close();
            }
            if (server != null) {
                server.close();
            }
            if (loggingOnly != null) {
                loggingOnly.close();
            }
        } finally {
            for (Map.Entry<String, String> e : savedProperties.entrySet()) {
                if (e.getValue() == null) {
                    System.clearProperty(e.getKey());
                } else {
                    System.setProperty(e.getKey(), e.getValue());
                }
            }
        }
    }

    @Test
    void relocatedClientUsesTheRelocatedNioSocketByDefault() throws Exception {
        ShadedJarClassLoader loader = isolatedLoader();
        try {
            Object client = openShadedClient(loader, Collections.emptyMap());
            try {
                assertThat(client.getClass().getName()).startsWith(SHADED_PACKAGE);
                assertThat(client.getClass().getClassLoader()).isSameAs(loader);
                assertThat(clientSocketClass(client))
                        .isEqualTo(SHADED_PACKAGE + "org.apache.zookeeper.ClientCnxnSocketNIO");

                writeAndVerify(client, "/shaded-it/nio/node", "via NIO");
            } finally {
                ((Closeable) client).close();
            }
        } finally {
            closeWhenIdle(loader);
        }
    }

    @Test
    void relocatedClientUsesTheNettySocketSelectedBySimpleName() throws Exception {
        ShadedJarClassLoader loader = isolatedLoader();
        try {
            Map<String, String> props = new HashMap<>();
            props.put("zookeeper.clientCnxnSocket", "ClientCnxnSocketNetty");
            Object client = openShadedClient(loader, props);
            try {
                assertThat(clientSocketClass(client))
                        .isEqualTo(SHADED_PACKAGE + "org.apache.zookeeper.ClientCnxnSocketNetty");

                writeAndVerify(client, "/shaded-it/netty/node", "via Netty");
            } finally {
                ((Closeable) client).close();
            }
        } finally {
            closeWhenIdle(loader);
        }
    }

    /**
     * TLS with a client certificate: the node is created with the ACL {@code auth::cdrwa}, which
     * the server only accepts from an authenticated session and expands into the session's ids. An
     * {@code x509} id therefore proves the write went over TLS with the client certificate.
     */
    @Test
    void relocatedClientConnectsOverTlsWithoutNettyTcnative() throws Exception {
        ShadedJarClassLoader loader = isolatedLoader();
        try {
            Map<String, String> props = new HashMap<>();
            props.put("zookeeper.client.secure", "true");
            props.put("zookeeper.clientCnxnSocket", "ClientCnxnSocketNetty");
            props.put("zookeeper.ssl.keyStore.location", keyStore.toString());
            props.put("zookeeper.ssl.keyStore.password", PASSWORD);
            props.put("zookeeper.ssl.trustStore.location", trustStore.toString());
            props.put("zookeeper.ssl.trustStore.password", PASSWORD);
            Object client = openShadedClient(loader, props);
            try {
                assertThat(clientSocketClass(client))
                        .isEqualTo(SHADED_PACKAGE + "org.apache.zookeeper.ClientCnxnSocketNetty");

                String path = "/shaded-it/tls/node";
                byte[] data = "via TLS".getBytes(StandardCharsets.UTF_8);
                Object acl = shadedAcl(loader, 31 /* Perms.ALL */, "auth", "");
                Object worldRead = shadedAcl(loader, 1 /* Perms.READ */, "world", "anyone");
                Object create = invoke(invoke(client, "create"), "creatingParentsIfNeeded");
                Object withAcl =
                        invoke(
                                create,
                                "withACL",
                                new Class<?>[] {List.class},
                                Arrays.asList(acl, worldRead));
                invoke(withAcl, "forPath", new Class<?>[] {String.class, byte[].class}, path, data);

                assertThat(verifier.getData().forPath(path)).isEqualTo(data);
                List<ACL> acls = verifier.getACL().forPath(path);
                assertThat(acls)
                        .anySatisfy(
                                a -> {
                                    assertThat(a.getId().getScheme()).isEqualTo("x509");
                                    assertThat(a.getId().getId()).isEqualTo("CN=localhost");
                                });
            } finally {
                ((Closeable) client).close();
            }
        } finally {
            closeWhenIdle(loader);
        }
    }

    /** Flink finds the factory through the SPI file of the shaded jar and can instantiate it. */
    @Test
    void flinkDiscoversTheTableFactoryInTheShadedJar() throws Exception {
        try (ShadedJarClassLoader loader =
                new ShadedJarClassLoader(
                        ShadedJars.shadedJar().toUri().toURL(),
                        ShadedJarRuntimeITCase.class.getClassLoader())) {
            DynamicTableFactory factory =
                    FactoryUtil.discoverFactory(loader, DynamicTableFactory.class, "zookeeper");
            assertThat(factory.getClass().getName())
                    .isEqualTo(
                            "dev.zkflink.connector.zookeeper.table.ZooKeeperDynamicTableFactory");
            assertThat(factory.getClass().getClassLoader()).isSameAs(loader);
            assertThat(factory.requiredOptions()).isNotNull();
            assertThat(factory.optionalOptions()).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------

    private static ShadedJarClassLoader isolatedLoader() throws IOException {
        return new ShadedJarClassLoader(ShadedJars.shadedJar().toUri().toURL(), loggingOnly);
    }

    /**
     * Closes a shaded-jar class loader once the client's threads (which inherited it as context
     * class loader) are gone: Netty shuts its event loop down asynchronously after {@code close()},
     * and a closed loader can no longer load the classes that shutdown needs.
     */
    private static void closeWhenIdle(URLClassLoader loader) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!threadsUsing(loader).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<String> left = threadsUsing(loader);
        if (!left.isEmpty()) {
            System.err.println("Threads still using the shaded jar's class loader: " + left);
        }
        loader.close();
    }

    private static List<String> threadsUsing(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getContextClassLoader() == loader) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** {@code ZooKeeperClientFactory.open(ZooKeeperConnectionOptions)} from the shaded jar. */
    private static Object openShadedClient(ClassLoader loader, Map<String, String> props)
            throws Exception {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class<?> optionsClass =
                    loader.loadClass(CONNECTOR_PACKAGE + "common.ZooKeeperConnectionOptions");
            Object builder = optionsClass.getMethod("builder").invoke(null);
            Class<?> builderClass = builder.getClass();
            builderClass
                    .getMethod("setHosts", String.class)
                    .invoke(builder, server.getConnectString());
            builderClass
                    .getMethod("setConnectionTimeout", Duration.class)
                    .invoke(builder, Duration.ofSeconds(30));
            builderClass.getMethod("setClientProperties", Map.class).invoke(builder, props);
            Object options = builderClass.getMethod("build").invoke(builder);

            Class<?> factory =
                    loader.loadClass(CONNECTOR_PACKAGE + "common.ZooKeeperClientFactory");
            return factory.getMethod("open", optionsClass).invoke(null, options);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Creates a node through the shaded Curator client and reads it back with the test's own. */
    private static void writeAndVerify(Object shadedClient, String path, String value)
            throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        Object create = invoke(invoke(shadedClient, "create"), "creatingParentsIfNeeded");
        Object created =
                invoke(create, "forPath", new Class<?>[] {String.class, byte[].class}, path, data);
        assertThat(created).isEqualTo(path);

        Object stat = invoke(invoke(shadedClient, "checkExists"), "forPath", path);
        assertThat(stat).isNotNull();
        assertThat(stat.getClass().getName())
                .isEqualTo(SHADED_PACKAGE + "org.apache.zookeeper.data.Stat");

        assertThat(verifier.checkExists().forPath(path)).isNotNull();
        assertThat(verifier.getData().forPath(path)).isEqualTo(data);
    }

    /** The {@code ClientCnxnSocket} implementation behind a (shaded) CuratorFramework. */
    private static String clientSocketClass(Object shadedClient) throws Exception {
        Object zkClient = invoke(shadedClient, "getZookeeperClient");
        Object zooKeeper = zkClient.getClass().getMethod("getZooKeeper").invoke(zkClient);
        Object cnxn = field(zooKeeper, "cnxn");
        Object sendThread = field(cnxn, "sendThread");
        Method getSocket = sendThread.getClass().getDeclaredMethod("getClientCnxnSocket");
        getSocket.setAccessible(true);
        return getSocket.invoke(sendThread).getClass().getName();
    }

    private static Object shadedAcl(ClassLoader loader, int perms, String scheme, String id)
            throws Exception {
        Class<?> idClass = loader.loadClass(SHADED_PACKAGE + "org.apache.zookeeper.data.Id");
        Class<?> aclClass = loader.loadClass(SHADED_PACKAGE + "org.apache.zookeeper.data.ACL");
        Object idObject =
                idClass.getConstructor(String.class, String.class).newInstance(scheme, id);
        return aclClass.getConstructor(int.class, idClass).newInstance(perms, idObject);
    }

    private static Object field(Object target, String name) throws Exception {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass());
    }

    private static Object invoke(Object target, String method, Object... args) throws Exception {
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) {
            types[i] = args[i].getClass();
        }
        return invoke(target, method, types, args);
    }

    /**
     * Calls a method through the public interfaces of the target (Curator's builders are often
     * package-private classes behind public interfaces).
     */
    private static Object invoke(Object target, String method, Class<?>[] types, Object... args)
            throws Exception {
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            todo.add(c);
        }
        while (!todo.isEmpty()) {
            Class<?> type = todo.poll();
            todo.addAll(Arrays.asList(type.getInterfaces()));
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            Method m;
            try {
                m = type.getMethod(method, types);
            } catch (NoSuchMethodException e) {
                continue;
            }
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw rethrow(e);
            }
        }
        throw new NoSuchMethodException(
                method + Arrays.toString(types) + " on the public types of " + target.getClass());
    }

    private static Exception rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception) {
            return (Exception) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return e;
    }

    private static URL codeSource(Class<?> clazz) {
        return clazz.getProtectionDomain().getCodeSource().getLocation();
    }

    /**
     * A self-signed EC certificate for CN=localhost (SAN localhost and 127.0.0.1) in a PKCS12 key
     * store, and a trust store holding that certificate as a trusted entry. Uses the JDK's keytool.
     */
    private static void createSelfSignedKeyStore(Path keyStore, Path trustStore) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "zk",
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-sigalg",
                                "SHA256withECDSA",
                                "-dname",
                                "CN=localhost",
                                "-ext",
                                "SAN=dns:localhost,ip:127.0.0.1",
                                "-validity",
                                "2",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keyStore.toString(),
                                "-storepass",
                                PASSWORD,
                                "-keypass",
                                PASSWORD)
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool output: %s", output).isZero();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = keys.getCertificate("zk");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("zk", certificate);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
    }

    /**
     * Loads the connector and everything under it from the shaded jar only, never from the parent
     * (the test class path holds the unshaded connector too), and offers only the jar's own service
     * files, as a Flink user-code class loader would see them.
     */
    static final class ShadedJarClassLoader extends URLClassLoader {
        static {
            ClassLoader.registerAsParallelCapable();
        }

        ShadedJarClassLoader(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(CONNECTOR_PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.startsWith("META-INF/services/")) {
                return findResources(name);
            }
            return super.getResources(name);
        }
    }
}
