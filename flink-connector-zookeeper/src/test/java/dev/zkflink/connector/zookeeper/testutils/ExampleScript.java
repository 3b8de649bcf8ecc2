package dev.zkflink.connector.zookeeper.testutils;

import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script of {@code examples/}, run as the SQL client runs it: {@code ${name}} placeholders
 * substituted, {@code SET 'key' = 'value'} applied to the session's configuration, the other
 * statements executed. Tests run the examples themselves, so an example is what its test checks.
 *
 * <p>The e2e module's {@code SqlScript} reads scripts in full generality; it lives in a module that
 * depends on this one. This reader only needs what the examples use: {@code --} comments, no {@code
 * ;} or {@code --} inside quoted text.
 */
public final class ExampleScript {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

    private final String text;
    private final List<String> statements;

    private ExampleScript(String text) {
        this.text = text;
        this.statements = split(text);
    }

    /** {@code examples/<fileName>} of the repository, seen from a module's directory. */
    public static Path location(String fileName) {
        return Paths.get("..", "examples", fileName);
    }

    /** The script at {@code location}, with {@code variables} substituted. */
    public static ExampleScript load(Path location, Map<String, String> variables)
            throws IOException {
        String text = new String(Files.readAllBytes(location), StandardCharsets.UTF_8);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(location + " uses ${" + m.group(1) + "}");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return new ExampleScript(sb.toString());
    }

    /**
     * The value of the first {@code 'key' = 'value'} in the script, a table option or a {@code
     * SET}; empty if the script does not set it.
     */
    public Optional<String> option(String key) {
        Matcher m = Pattern.compile("'" + Pattern.quote(key) + "'\\s*=\\s*'([^']*)'").matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * Runs the script in {@code tEnv}; {@code overrides} are set after the script's own {@code
     * SET}s (tests checkpoint and restart faster than a production job). Returns the result of the
     * last statement, the INSERT in the examples.
     */
    public TableResult run(StreamTableEnvironment tEnv, Map<String, String> overrides) {
        TableResult last = null;
        for (String statement : statements) {
            Matcher set = SET.matcher(statement);
            if (set.matches()) {
                tEnv.getConfig().set(set.group(1), set.group(2));
                continue;
            }
            overrides.forEach(tEnv.getConfig()::set);
            last = tEnv.executeSql(statement);
        }
        return last;
    }

    private static List<String> split(String text) {
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int comment = line.indexOf("--");
            code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        List<String> out = new ArrayList<>();
        for (String statement : code.toString().split(";")) {
            if (!statement.isBlank()) {
                out.add(statement.strip());
            }
        }
        return out;
    }
}
