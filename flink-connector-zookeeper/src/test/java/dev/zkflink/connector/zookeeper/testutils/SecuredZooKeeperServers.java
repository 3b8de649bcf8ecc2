package dev.zkflink.connector.zookeeper.testutils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ZooKeeper servers in their own JVMs that require SASL: a JAAS {@code Server} section, the SASL
 * provider, and sessions closed unless they authenticated ({@code enforce.auth}).
 */
public final class SecuredZooKeeperServers {
    private SecuredZooKeeperServers() {}

    /** A DIGEST-MD5 server that knows these users and passwords. */
    public static ZooKeeperServerProcess digest(Path dir, Map<String, String> users)
            throws Exception {
        StringBuilder jaas =
                new StringBuilder(
                        "Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required");
        for (Map.Entry<String, String> u : users.entrySet()) {
            jaas.append("\n  user_").append(u.getKey()).append("=\"").append(u.getValue());
            jaas.append('"');
        }
        jaas.append(";\n};\n");
        return start(dir, jaas.toString());
    }

    /** A Kerberos server logging in as {@code principal} from {@code keytab}. */
    public static ZooKeeperServerProcess kerberos(
            Path dir, Path krb5Conf, Path keytab, String principal) throws Exception {
        String jaas =
                "Server {\n  com.sun.security.auth.module.Krb5LoginModule required\n"
                        + "  useKeyTab=true storeKey=true useTicketCache=false isInitiator=false\n"
                        + "  keyTab=\""
                        + keytab
                        + "\"\n  principal=\""
                        + principal
                        + "\";\n};\n";
        return start(dir, jaas, "-Djava.security.krb5.conf=" + krb5Conf);
    }

    private static ZooKeeperServerProcess start(Path dir, String jaas, String... extra)
            throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path jaasFile = dir.resolve("server-jaas.conf");
        Files.write(jaasFile, jaas.getBytes(StandardCharsets.UTF_8));
        List<String> options =
                new ArrayList<>(
                        Arrays.asList(
                                "-Djava.security.auth.login.config=" + jaasFile,
                                "-Dzookeeper.authProvider.sasl="
                                        + "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
                                "-Dzookeeper.enforce.auth.enabled=true",
                                "-Dzookeeper.enforce.auth.schemes=sasl",
                                "-Dzookeeper.fips-mode=false",
                                "-Dzookeeper.admin.enableServer=false"));
        options.addAll(Arrays.asList(extra));
        return ZooKeeperServerProcess.start(data, 256, options.toArray(new String[0]));
    }
}
