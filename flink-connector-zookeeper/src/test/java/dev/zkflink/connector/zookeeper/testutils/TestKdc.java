package dev.zkflink.connector.zookeeper.testutils;

import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A real KDC (Apache Kerby) in the test JVM, on a free TCP port of localhost, with its {@code
 * krb5.conf} and single-principal keytabs. Whoever uses it points {@code java.security.krb5.conf}
 * at {@link #krb5Conf()} in the JVMs that log in.
 */
public final class TestKdc implements AutoCloseable {
    private final SimpleKdcServer kdc;
    private final Path dir;

    private TestKdc(SimpleKdcServer kdc, Path dir) {
        this.kdc = kdc;
        this.dir = dir;
    }

    /** Starts a KDC for {@code realm} with its files in {@code dir}. */
    public static TestKdc start(Path dir, String realm) throws Exception {
        Files.createDirectories(dir);
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcHost("localhost");
        kdc.setKdcRealm(realm);
        kdc.setAllowUdp(false);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            kdc.setKdcTcpPort(s.getLocalPort());
        }
        kdc.init();
        kdc.start();
        TestKdc started = new TestKdc(kdc, dir);
        if (!Files.exists(started.krb5Conf())) {
            started.close();
            throw new IllegalStateException("The KDC wrote no krb5.conf in " + dir);
        }
        return started;
    }

    public Path krb5Conf() {
        return dir.resolve("krb5.conf");
    }

    /**
     * Creates {@code principal} and exports a keytab holding it alone (Kerby's {@code
     * createAndExportPrincipals} would write every principal created so far).
     */
    public Path keytab(String principal, Path file) throws Exception {
        kdc.createPrincipal(principal, UUID.randomUUID().toString());
        kdc.getKadmin().exportKeytab(file.toFile(), principal);
        return file;
    }

    @Override
    public void close() throws Exception {
        kdc.stop();
    }
}
