package dev.zkflink.connector.zookeeper.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script as the Flink SQL client takes it: statements end with {@code ;}, {@code --} comments
 * run to the end of the line, and {@code ${name}} placeholders are substituted first. Quoted text
 * ({@code '...'}, {@code `...`}, {@code "..."}) is kept as it is, so a {@code ;} or {@code --}
 * inside a string does not split a statement.
 */
public final class SqlScript {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
    private static final Pattern ON_CONFLICT_DEDUPLICATE =
            Pattern.compile("\\s+ON\\s+CONFLICT\\s+DO\\s+DEDUPLICATE\\b", Pattern.CASE_INSENSITIVE);

    private SqlScript() {}

    /** Replaces every {@code ${name}}; fails on a name that has no value. */
    public static String substitute(String script, Map<String, String> variables) {
        Matcher m = PLACEHOLDER.matcher(script);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(
                        "The script uses ${" + m.group(1) + "}, which has no value.");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The script as the given Flink version takes it. {@code ON CONFLICT} came with Flink 2.3,
     * which needs it for an insert-only query into a PRIMARY KEY table; earlier versions do not
     * parse it and need none, so there {@code ON CONFLICT DO DEDUPLICATE} (what an upsert does
     * anyway) is dropped.
     */
    public static String forFlinkVersion(String script, String flinkVersion) {
        String[] parts = flinkVersion.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
        boolean hasOnConflict = major > 2 || (major == 2 && minor >= 3);
        return hasOnConflict ? script : ON_CONFLICT_DEDUPLICATE.matcher(script).replaceAll("");
    }

    /** The statements of the script, without comments, the final {@code ;} and blank lines. */
    public static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            if (c == '\'' || c == '`' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) {
                            end += 2; // doubled quote: an escaped quote character
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) {
                    throw new IllegalArgumentException(
                            "Unterminated " + c + " quote in: " + (current + script.substring(i)));
                }
                current.append(script, i, end + 1);
                i = end;
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i + 1 < n && script.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.toString().split("\n", -1)) {
            String trimmed = line.replaceAll("\\s+$", "");
            if (!trimmed.isBlank()) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(trimmed);
            }
        }
        String statement = sb.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
    }
}
