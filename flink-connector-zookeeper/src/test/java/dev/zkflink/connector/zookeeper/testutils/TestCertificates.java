package dev.zkflink.connector.zookeeper.testutils;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real certificates made with the JDK's {@code keytool}: a CA, a server certificate for {@code
 * localhost}/{@code 127.0.0.1} and client certificates signed by the CA, plus a self-signed client
 * certificate that no one trusts. Every store is PKCS12 unless its name says otherwise.
 */
public final class TestCertificates {
    public static final String PASSWORD = "st0re-Pa55";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA, its trust stores (PKCS12, JKS, PEM) and the server's key store. */
    public static TestCertificates create(Path dir) throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        certs.keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-dname",
                "CN=zkflink-test-ca",
                "-ext",
                "bc:c",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-keystore",
                certs.path("ca.p12"),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        certs.keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                certs.path("ca.p12"),
                "-storepass",
                PASSWORD,
                "-file",
                certs.path("ca.pem"));
        for (String store : new String[] {"truststore.p12", "truststore.jks"}) {
            certs.keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    certs.path("ca.pem"),
                    "-keystore",
                    certs.path(store),
                    "-storetype",
                    store.endsWith(".jks") ? "JKS" : "PKCS12",
                    "-storepass",
                    PASSWORD);
        }
        certs.signed("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        return certs;
    }

    /** A key store {@code <name>.p12} with a certificate for {@code dname} signed by the CA. */
    public Path signedClient(String name, String dname) throws Exception {
        return signed(name, dname, null);
    }

    /** A key store {@code <name>.p12} with a self-signed certificate: trusted by nobody. */
    public Path selfSignedClient(String name, String dname) throws Exception {
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-dname",
                dname,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-keystore",
                path(name + ".p12"),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        return dir.resolve(name + ".p12");
    }

    /**
     * The key and certificate chain of {@code <name>.p12} as one unencrypted PEM file, the layout
     * ZooKeeper's PEM key store reads. keytool cannot export a private key, so the key's PKCS#8
     * bytes come from the JDK's {@code KeyStore}; the certificates from {@code keytool -rfc}.
     */
    public Path pemKeyStore(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        Key key = store.getKey(name, PASSWORD.toCharArray());
        String pem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(key.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                name,
                "-keystore",
                path(name + ".p12"),
                "-storepass",
                PASSWORD,
                "-file",
                path(name + "-cert.pem"));
        Path out = dir.resolve(name + ".pem");
        Files.write(
                out,
                (pem
                                + new String(
                                        Files.readAllBytes(dir.resolve(name + "-cert.pem")),
                                        StandardCharsets.US_ASCII)
                                + new String(
                                        Files.readAllBytes(dir.resolve("ca.pem")),
                                        StandardCharsets.US_ASCII))
                        .getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    private Path signed(String name, String dname, String san) throws Exception {
        String store = path(name + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-dname",
                dname,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-keystore",
                store,
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        keytool(
                "-certreq",
                "-alias",
                name,
                "-keystore",
                store,
                "-storepass",
                PASSWORD,
                "-file",
                path(name + ".csr"));
        List<String> gencert =
                new ArrayList<>(
                        Arrays.asList(
                                "-gencert",
                                "-rfc",
                                "-alias",
                                "ca",
                                "-keystore",
                                path("ca.p12"),
                                "-storepass",
                                PASSWORD,
                                "-validity",
                                "2",
                                "-infile",
                                path(name + ".csr"),
                                "-outfile",
                                path(name + "-signed.pem"),
                                "-ext",
                                "KU=digitalSignature,keyEncipherment",
                                "-ext",
                                "EKU=serverAuth,clientAuth"));
        if (san != null) {
            gencert.add("-ext");
            gencert.add(san);
        }
        keytool(gencert.toArray(new String[0]));
        // The chain needs the CA in the store before the signed certificate replaces the
        // self-signed one.
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                path("ca.pem"),
                "-keystore",
                store,
                "-storepass",
                PASSWORD);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                path(name + "-signed.pem"),
                "-keystore",
                store,
                "-storepass",
                PASSWORD);
        return dir.resolve(name + ".p12");
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(
                System.getProperty("java.home")
                        + File.separator
                        + "bin"
                        + File.separator
                        + "keytool");
        cmd.addAll(Arrays.asList(args));
        Path log = dir.resolve("keytool.log");
        Process p =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " failed; see " + log);
        }
    }
}
