package dev.zkflink.connector.zookeeper.e2e;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The quickstart: starts an embedded ZooKeeper (or uses {@code --hosts}), seeds a tree of feature
 * flags below {@code /demo/flags}, runs {@code examples/quickstart.sql} with Flink in this JVM and
 * prints the seeded tree, the query results and the znodes the script wrote below {@code
 * /demo/summary}. Then it runs {@code examples/lookup-join.sql}, a streaming job that enriches
 * events with the flags through a lookup join, flips a flag while it runs and prints the rows
 * before and after ({@link LookupJoinDemo}).
 *
 * <pre>
 * mvn -B -q -Pquickstart -DskipTests verify -pl e2e-tests -am
 * mvn -B -q -Pquickstart -DskipTests verify -pl e2e-tests -am -Dquickstart.args="--hosts zk:2181"
 * </pre>
 */
public final class QuickstartDemo {
    public static final String ROOT = "/demo";
    public static final String FLAGS_PATH = ROOT + "/flags";
    public static final String SUMMARY_PATH = ROOT + "/summary";

    /** One seeded flag: {@code /demo/flags/{service}/{name}} with JSON data. */
    public static final class Flag {
        public final String service;
        public final String name;
        public final boolean enabled;
        public final int rollout;
        public final String owner;

        Flag(String service, String name, boolean enabled, int rollout, String owner) {
            this.service = service;
            this.name = name;
            this.enabled = enabled;
            this.rollout = rollout;
            this.owner = owner;
        }

        public String path() {
            return FLAGS_PATH + "/" + service + "/" + name;
        }

        public String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"enabled\":%s,\"rollout\":%d,\"owner\":\"%s\"}",
                    enabled,
                    rollout,
                    owner);
        }
    }

    /** The flags the quickstart seeds. */
    public static final List<Flag> FLAGS =
            List.of(
                    new Flag("checkout", "new-cart-ui", true, 25, "team-a"),
                    new Flag("checkout", "one-click-buy", false, 0, "team-a"),
                    new Flag("checkout", "express-shipping", true, 100, "team-b"),
                    new Flag("payments", "3ds-v2", true, 50, "team-d"),
                    new Flag("payments", "wallet-apple-pay", true, 100, "team-d"),
                    new Flag("payments", "wallet-google-pay", false, 0, "team-d"),
                    new Flag("payments", "crypto", false, 0, "team-e"),
                    new Flag("search", "semantic-ranking", true, 10, "team-c"),
                    new Flag("search", "typo-tolerance", true, 100, "team-c"));

    /** Services with a node but no flags yet: intermediate nodes only, so no summary row. */
    public static final List<String> SERVICES_WITHOUT_FLAGS = List.of("inventory");

    private static final String RULE = "=".repeat(100);
    private static final Pattern SET_STATEMENT =
            Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

    private QuickstartDemo() {}

    public static void main(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.err.println(Arguments.USAGE);
            System.exit(2);
            return;
        }
        if (arguments.help) {
            System.out.println(Arguments.USAGE);
            System.exit(0);
        }
        int exitCode;
        try {
            if (arguments.seedOnly) {
                seedOnly(arguments.hosts, System.out);
            } else {
                run(arguments.hosts, arguments.script, arguments.lookupScript, System.out);
                System.out.println();
                System.out.println("Quickstart finished.");
            }
            exitCode = 0;
        } catch (Throwable t) {
            System.err.println();
            System.err.println("Quickstart FAILED: " + t);
            t.printStackTrace();
            exitCode = 1;
        }
        // Flink and ZooKeeper leave non-daemon threads behind; the exit code is the result.
        System.exit(exitCode);
    }

    /**
     * Runs the whole quickstart and returns what it saw; throws on any failure.
     *
     * @param hosts ZooKeeper connect string, or null to start an embedded ZooKeeper
     * @param script the SQL script, with {@code ${hosts}} placeholders
     * @param lookupScript the lookup join script, with {@code ${hosts}} placeholders
     */
    public static Result run(String hosts, Path script, Path lookupScript, PrintStream out)
            throws Exception {
        String sqlText = Files.readString(script, StandardCharsets.UTF_8);
        String lookupSqlText = Files.readString(lookupScript, StandardCharsets.UTF_8);
        TestingServer server = null;
        try {
            if (hosts == null) {
                server = new TestingServer(true);
                hosts = server.getConnectString();
                section(out, "Started an embedded ZooKeeper server at " + hosts);
            } else {
                section(out, "Using the ZooKeeper at " + hosts);
            }
            try (CuratorFramework client = connect(hosts)) {
                seed(client, out);
                section(out, "The tree below " + ROOT + " before the script ran");
                printTree(client, ROOT, out);

                section(out, "Running " + script + " (${hosts} = " + hosts + ")");
                Map<String, List<Row>> queryResults =
                        runScript(
                                forThisFlink(SqlScript.substitute(sqlText, Map.of("hosts", hosts))),
                                out,
                                null);

                section(out, "The znodes the script wrote below " + SUMMARY_PATH);
                Map<String, String> summary = readChildren(client, SUMMARY_PATH);
                if (summary.isEmpty()) {
                    out.println("(none)");
                }
                summary.forEach((path, data) -> out.printf("%-32s %s%n", path, data));

                section(
                        out,
                        "Running " + lookupScript + ": a streaming job with a lookup join, live");
                LookupJoinDemo lookupJoin = new LookupJoinDemo(client);
                runScript(
                        forThisFlink(SqlScript.substitute(lookupSqlText, Map.of("hosts", hosts))),
                        out,
                        lookupJoin);
                return new Result(
                        hosts, queryResults, summary, lookupJoin.before(), lookupJoin.after());
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Seeds the tree of an external ZooKeeper, for running the script in the SQL client. */
    static void seedOnly(String hosts, PrintStream out) throws Exception {
        if (hosts == null) {
            throw new IllegalArgumentException("--seed-only needs --hosts.");
        }
        section(out, "Using the ZooKeeper at " + hosts);
        try (CuratorFramework client = connect(hosts)) {
            seed(client, out);
            section(out, "The tree below " + ROOT);
            printTree(client, ROOT, out);
        }
    }

    /**
     * What one run saw: query rows per SELECT statement of the quickstart script, the summary
     * znodes (path to data), and the lookup join's rows before and after the flag changed.
     */
    public static final class Result {
        public final String hosts;
        public final Map<String, List<Row>> queryResults;
        public final Map<String, String> summaryZnodes;
        public final List<Row> lookupRowsBefore;
        public final List<Row> lookupRowsAfter;

        Result(
                String hosts,
                Map<String, List<Row>> queryResults,
                Map<String, String> summary,
                List<Row> lookupRowsBefore,
                List<Row> lookupRowsAfter) {
            this.hosts = hosts;
            this.queryResults = Collections.unmodifiableMap(queryResults);
            this.summaryZnodes = Collections.unmodifiableMap(summary);
            this.lookupRowsBefore = List.copyOf(lookupRowsBefore);
            this.lookupRowsAfter = List.copyOf(lookupRowsAfter);
        }
    }

    /**
     * Consumes the rows of a streaming (unbounded) SELECT of a script and returns those it printed;
     * closing {@code rows} cancels the job.
     */
    interface StreamingQuery {
        List<Row> consume(List<String> columns, CloseableIterator<Row> rows, PrintStream out)
                throws Exception;
    }

    static CuratorFramework connect(String hosts) throws InterruptedException {
        CuratorFramework client =
                CuratorFrameworkFactory.builder()
                        .connectString(hosts)
                        .retryPolicy(new ExponentialBackoffRetry(200, 5))
                        // Curator would otherwise write the client's IP address into parents.
                        .defaultData(new byte[0])
                        .build();
        client.start();
        if (!client.blockUntilConnected(15, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException(
                    "Could not connect to ZooKeeper at '" + hosts + "' within 15 s.");
        }
        return client;
    }

    /** Replaces {@code /demo} with the demo tree. */
    static void seed(CuratorFramework client, PrintStream out) throws Exception {
        if (client.checkExists().forPath(ROOT) != null) {
            out.println("Deleting the " + ROOT + " tree of an earlier run.");
            client.delete().deletingChildrenIfNeeded().forPath(ROOT);
        }
        for (Flag flag : FLAGS) {
            client.create()
                    .creatingParentsIfNeeded()
                    .forPath(flag.path(), flag.json().getBytes(StandardCharsets.UTF_8));
        }
        for (String service : SERVICES_WITHOUT_FLAGS) {
            client.create().creatingParentsIfNeeded().forPath(FLAGS_PATH + "/" + service);
        }
        out.printf(
                "Seeded %d flags of %d services below %s.%n",
                FLAGS.size(),
                FLAGS.stream().map(f -> f.service).distinct().count()
                        + SERVICES_WITHOUT_FLAGS.size(),
                FLAGS_PATH);
    }

    static void printTree(CuratorFramework client, String path, PrintStream out) throws Exception {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        out.printf(
                "%-44s %s%n",
                path,
                data == null || data.length == 0
                        ? "(no data)"
                        : new String(data, StandardCharsets.UTF_8));
        List<String> children = new ArrayList<>(client.getChildren().forPath(path));
        Collections.sort(children);
        for (String child : children) {
            printTree(client, ("/".equals(path) ? "" : path) + "/" + child, out);
        }
    }

    static Map<String, String> readChildren(CuratorFramework client, String path) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        if (client.checkExists().forPath(path) == null) {
            return result;
        }
        List<String> children = new ArrayList<>(client.getChildren().forPath(path));
        Collections.sort(children);
        for (String child : children) {
            byte[] data = client.getData().forPath(path + "/" + child);
            result.put(path + "/" + child, new String(data, StandardCharsets.UTF_8));
        }
        return result;
    }

    /**
     * Runs the statements like the SQL client does. {@code SET 'key' = 'value'} statements before
     * the first other statement configure the TableEnvironment (that is how {@code
     * execution.runtime-mode} can be chosen); later ones change its TableConfig. A SELECT in
     * streaming mode goes to {@code streamingQuery}, if there is one; every other SELECT is read to
     * its end.
     */
    static Map<String, List<Row>> runScript(
            String sql, PrintStream out, StreamingQuery streamingQuery) throws Exception {
        Map<String, List<Row>> queryResults = new LinkedHashMap<>();
        Configuration settings = new Configuration();
        TableEnvironment tEnv = null;
        for (String statement : SqlScript.split(sql)) {
            out.println();
            Matcher set = SET_STATEMENT.matcher(statement);
            if (set.matches()) {
                out.println("Flink SQL> " + statement + ";");
                String key = set.group(1);
                String value = set.group(2);
                if (tEnv == null) {
                    settings.setString(key, value);
                } else if (key.equals(ExecutionOptions.RUNTIME_MODE.key())) {
                    throw new IllegalArgumentException(
                            "Set 'execution.runtime-mode' before the first other statement.");
                } else {
                    tEnv.getConfig().getConfiguration().setString(key, value);
                }
                out.println("[INFO] Session property has been set.");
                continue;
            }
            if (tEnv == null) {
                tEnv =
                        TableEnvironment.create(
                                EnvironmentSettings.newInstance()
                                        .withConfiguration(settings)
                                        .build());
            }
            String keyword = firstWord(statement);
            boolean showAll = keyword.equals("SELECT") || keyword.equals("INSERT");
            out.println("Flink SQL> " + (showAll ? statement + ";" : abbreviated(statement)));
            long start = System.nanoTime();
            TableResult result = tEnv.executeSql(statement);
            if (keyword.equals("INSERT")) {
                result.await();
                out.printf(
                        "[INFO] INSERT job %s finished in %d ms.%n",
                        result.getJobClient().map(c -> c.getJobID().toString()).orElse(""),
                        (System.nanoTime() - start) / 1_000_000);
            } else if (result.getJobClient().isPresent()) {
                List<String> columns = result.getResolvedSchema().getColumnNames();
                List<Row> rows = new ArrayList<>();
                try (CloseableIterator<Row> it = result.collect()) {
                    if (streamingQuery != null
                            && settings.get(ExecutionOptions.RUNTIME_MODE)
                                    == RuntimeExecutionMode.STREAMING) {
                        rows.addAll(streamingQuery.consume(columns, it, out));
                    } else {
                        it.forEachRemaining(rows::add);
                        printTable(columns, rows, out);
                    }
                }
                queryResults.put(statement, rows);
            } else {
                out.println("[INFO] Execute statement succeeded.");
            }
        }
        return queryResults;
    }

    private static String firstWord(String statement) {
        String[] words = statement.trim().split("\\s+", 2);
        return words[0].toUpperCase(Locale.ROOT);
    }

    /** The first line of a DDL statement, which names what it creates. */
    private static String abbreviated(String statement) {
        int nl = statement.indexOf('\n');
        return nl < 0 ? statement + ";" : statement.substring(0, nl) + " ...";
    }

    /** The SQL client's tableau format. */
    static void printTable(List<String> columns, List<Row> rows, PrintStream out) {
        boolean changelog = rows.stream().anyMatch(r -> r.getKind() != RowKind.INSERT);
        List<String> header = new ArrayList<>();
        if (changelog) {
            header.add("op");
        }
        header.addAll(columns);
        List<List<String>> cells = new ArrayList<>();
        for (Row row : rows) {
            List<String> line = new ArrayList<>();
            if (changelog) {
                line.add(row.getKind().shortString());
            }
            for (int i = 0; i < row.getArity(); i++) {
                Object v = row.getField(i);
                line.add(v == null ? "<NULL>" : v.toString());
            }
            cells.add(line);
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> line : cells) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder border = new StringBuilder("+");
        for (int w : width) {
            border.append("-".repeat(w + 2)).append('+');
        }
        out.println(border);
        out.println(tableLine(header, width));
        out.println(border);
        for (List<String> line : cells) {
            out.println(tableLine(line, width));
        }
        out.println(border);
        out.println(rows.size() + (rows.size() == 1 ? " row" : " rows") + " in set");
    }

    private static String tableLine(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < width.length; i++) {
            sb.append(' ').append(String.format("%-" + width[i] + "s", cells.get(i))).append(" |");
        }
        return sb.toString();
    }

    private static void section(PrintStream out, String title) {
        out.println();
        out.println(RULE);
        out.println(title);
        out.println(RULE);
    }

    /** {@code --hosts host:port[,host:port][/chroot]}, {@code --script file}, {@code --help}. */
    static final class Arguments {
        static final String USAGE =
                "Usage: QuickstartDemo [--hosts <zookeeper connect string>] [--script <file.sql>]"
                        + " [--lookup-script <file.sql>] [--seed-only]\n"
                        + "  --hosts   use this ZooKeeper instead of starting an embedded one;\n"
                        + "            the demo replaces its "
                        + ROOT
                        + " tree there\n"
                        + "  --script  the SQL script (default: examples/quickstart.sql)\n"
                        + "  --lookup-script  the streaming lookup join script, run after it\n"
                        + "            (default: examples/lookup-join.sql)\n"
                        + "  --seed-only  only seed the tree of --hosts (to run the script elsewhere)";

        String hosts;
        Path script;
        Path lookupScript;
        boolean help;
        boolean seedOnly;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--hosts":
                        a.hosts = value(args, ++i, arg);
                        break;
                    case "--script":
                        a.script = Paths.get(value(args, ++i, arg));
                        break;
                    case "--lookup-script":
                        a.lookupScript = Paths.get(value(args, ++i, arg));
                        break;
                    case "--seed-only":
                        a.seedOnly = true;
                        break;
                    case "-h":
                    case "--help":
                        a.help = true;
                        break;
                    default:
                        throw new IllegalArgumentException("Unknown argument '" + arg + "'.");
                }
            }
            a.script = orDefault(a.script, "quickstart.sql");
            a.lookupScript = orDefault(a.lookupScript, "lookup-join.sql");
            if (a.seedOnly && a.hosts == null) {
                throw new IllegalArgumentException("--seed-only needs --hosts.");
            }
            if (!a.help && !a.seedOnly) {
                for (Path script : List.of(a.script, a.lookupScript)) {
                    if (!Files.isRegularFile(script)) {
                        throw new IllegalArgumentException("No SQL script at " + script + ".");
                    }
                }
            }
            return a;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length || args[i].isBlank()) {
                throw new IllegalArgumentException(name + " needs a value.");
            }
            return args[i];
        }

        /** The given script, or the one of that name in the repository's examples directory. */
        private static Path orDefault(Path given, String exampleName) {
            Path script = given;
            if (script == null) {
                script = Paths.get("examples", exampleName);
                Path fromModule = Paths.get("..", "examples", exampleName);
                if (!Files.isRegularFile(script) && Files.isRegularFile(fromModule)) {
                    script = fromModule;
                }
            }
            return script.toAbsolutePath().normalize();
        }
    }

    /**
     * The script as the Flink on this classpath takes it (see {@link SqlScript#forFlinkVersion}).
     */
    static String forThisFlink(String script) {
        return SqlScript.forFlinkVersion(script, EnvironmentInformation.getVersion());
    }
}
