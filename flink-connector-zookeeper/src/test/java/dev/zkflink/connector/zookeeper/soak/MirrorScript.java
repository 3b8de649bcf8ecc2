package dev.zkflink.connector.zookeeper.soak;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code examples/mirror-subtree.sql}, run as the SQL client runs it: {@code ${name}} placeholders
 * substituted, {@code SET 'key' = 'value'} applied to the session's configuration, the other
 * statements executed. The soak runs the example itself, so the example is what the soak checks;
 * its {@code 'sink.delivery-guarantee'} line is the one place that decides the guarantee.
 *
 * <p>The e2e module's {@code SqlScript} reads scripts in full generality; it lives in a module that
 * depends on this one. This reader only needs what the example uses: {@code --} comments, no {@code
 * ;} or {@code --} inside quoted text.
 */
final class MirrorScript {
    static final Path DEFAULT_LOCATION = Paths.get("..", "examples", "mirror-subtree.sql");

    /** The check that lists the paths where the mirror differs from its source. */
    static final Path CHECK_LOCATION = Paths.get("..", "examples", "mirror-check.sql");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    private static final Pattern GUARANTEE =
            Pattern.compile("'sink\\.delivery-guarantee'\\s*=\\s*'([^']+)'");

    private final List<String> statements;
    private final String deliveryGuarantee;

    private MirrorScript(String text) {
        this.statements = split(text);
        Matcher m = GUARANTEE.matcher(text);
        this.deliveryGuarantee = m.find() ? m.group(1) : "at-least-once";
    }

    /** The example at {@code location}, with {@code variables} substituted. */
    static MirrorScript load(Path location, Map<String, String> variables) throws IOException {
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
        return new MirrorScript(sb.toString());
    }

    /** The sink table's {@code 'sink.delivery-guarantee'} (the connector's default if unset). */
    String deliveryGuarantee() {
        return deliveryGuarantee;
    }

    /**
     * Runs the script in {@code tEnv}; {@code overrides} are set after the script's own {@code
     * SET}s (the soak checkpoints and restarts faster than a production job). Returns the INSERT's
     * result.
     */
    TableResult run(StreamTableEnvironment tEnv, Map<String, String> overrides) {
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
