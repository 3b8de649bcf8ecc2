package dev.zkflink.connector.zookeeper.testutils;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.client.FourLetterWordMain;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real server reports about its sessions, watches and role (four-letter words), and a server
 * spec that answers them.
 */
public final class ServerStats {
    private static final Pattern SESSION_ID = Pattern.compile("sid=(0x[0-9a-f]+)");
    private static final Pattern TOTAL_WATCHES = Pattern.compile("Total watches:(\\d+)");

    private ServerStats() {}

    /** Ids of the sessions connected to the server on {@code port} ({@code cons}). */
    public static Set<String> sessions(int port) throws Exception {
        Set<String> ids = new HashSet<>();
        Matcher m =
                SESSION_ID.matcher(FourLetterWordMain.send4LetterWord("127.0.0.1", port, "cons"));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Watches the server on {@code port} holds ({@code wchs}). */
    public static int totalWatches(int port) throws Exception {
        String wchs = FourLetterWordMain.send4LetterWord("127.0.0.1", port, "wchs");
        Matcher m = TOTAL_WATCHES.matcher(wchs);
        if (!m.find()) {
            throw new AssertionError("Unexpected wchs output: " + wchs);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Read operations the server on {@code port} answered for paths in the top-level namespace
     * {@code /namespace}, and the bytes of their answers ({@code mntr}'s {@code
     * read_per_namespace}: one per {@code getData}, {@code getChildren} or {@code exists}, also
     * inside a multi read). {@code {0, 0}} before the first read there.
     */
    public static long[] readsIn(int port, String namespace) throws Exception {
        String mntr = FourLetterWordMain.send4LetterWord("127.0.0.1", port, "mntr");
        long[] out = new long[2];
        Matcher m =
                Pattern.compile(
                                "zk_(cnt|sum)_"
                                        + Pattern.quote(namespace)
                                        + "_read_per_namespace\\s+(\\d+)")
                        .matcher(mntr);
        while (m.find()) {
            out["cnt".equals(m.group(1)) ? 0 : 1] = Long.parseLong(m.group(2));
        }
        return out;
    }

    /** The paths that hold watches on the server on {@code port} ({@code wchp}). */
    public static Set<String> watchedPaths(int port) throws Exception {
        Set<String> paths = new HashSet<>();
        for (String line :
                FourLetterWordMain.send4LetterWord("127.0.0.1", port, "wchp").split("\n")) {
            if (line.startsWith("/")) {
                paths.add(line.trim());
            }
        }
        return paths;
    }

    /** Whether the server on {@code port} is the ensemble's leader ({@code srvr}). */
    public static boolean isLeader(int port) throws Exception {
        return FourLetterWordMain.send4LetterWord("127.0.0.1", port, "srvr")
                .contains("Mode: leader");
    }

    /** The ensemble's leader, or {@code null} if no server says it leads. */
    public static InstanceSpec leaderOf(TestingCluster cluster) throws Exception {
        for (InstanceSpec s : cluster.getInstances()) {
            if (isLeader(s.getPort())) {
                return s;
            }
        }
        return null;
    }

    /**
     * A server that answers every four-letter word; {@code tickTime} -1 keeps the default, 200
     * allows sessions of 2 s (sessions last at least two ticks).
     */
    public static InstanceSpec withFourLetterWords(int tickTime) {
        return new InstanceSpec(
                null,
                -1,
                -1,
                -1,
                true,
                -1,
                tickTime,
                -1,
                Collections.singletonMap("4lw.commands.whitelist", "*"));
    }
}
