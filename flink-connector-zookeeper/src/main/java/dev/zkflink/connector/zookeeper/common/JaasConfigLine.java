package dev.zkflink.connector.zookeeper.common;

import org.apache.flink.annotation.Internal;

import org.apache.zookeeper.server.auth.DigestLoginModule;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.AppConfigurationEntry.LoginModuleControlFlag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code auth.sasl.jaas-config}: the body of a JAAS section, in Kafka's style, such as
 * {@code com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/k";}.
 *
 * <p>The line usually holds a secret, so no message here quotes any part of it (a misplaced value
 * could look like an option name): errors name the position only.
 */
@Internal
public final class JaasConfigLine {
    private static final String OPTION = "'auth.sasl.jaas-config'";

    /**
     * ZooKeeper's DIGEST-MD5 login module under its unrelocated name. The SQL jar relocates
     * ZooKeeper, so a user's line naming it is pointed at the class actually on the class path. (A
     * suffix, not the package: the shade plugin would rewrite a full name literal.)
     */
    private static final String DIGEST_MODULE_SUFFIX = ".server.auth.DigestLoginModule";

    private final String text;
    private int pos;

    private JaasConfigLine(String text) {
        this.text = text;
    }

    /** The login modules of the line, in order; at least one. */
    public static List<AppConfigurationEntry> parse(String line) {
        if (line == null || line.trim().isEmpty()) {
            throw new IllegalArgumentException(OPTION + " must not be empty.");
        }
        return new JaasConfigLine(line).modules();
    }

    /** The {@code principal} or {@code username} option of the first module, if any. */
    static String identity(String line) {
        try {
            Map<String, ?> options = parse(line).get(0).getOptions();
            Object id = options.get("principal");
            if (id == null) {
                id = options.get("username");
            }
            return id == null ? null : id.toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<AppConfigurationEntry> modules() {
        List<AppConfigurationEntry> modules = new ArrayList<>();
        skipSpace();
        while (pos < text.length()) {
            String loginModule = loginModuleName(word("a login module class name"));
            LoginModuleControlFlag flag = flag(word("a control flag"));
            Map<String, String> options = new LinkedHashMap<>();
            skipSpace();
            while (pos < text.length() && text.charAt(pos) != ';') {
                String key = word("an option name");
                skipSpace();
                if (pos >= text.length() || text.charAt(pos) != '=') {
                    throw error("expected '=' after an option name");
                }
                pos++;
                skipSpace();
                options.put(key, value());
                skipSpace();
            }
            if (pos >= text.length()) {
                throw error("the login module must end with ';'");
            }
            pos++; // ';'
            modules.add(new AppConfigurationEntry(loginModule, flag, options));
            skipSpace();
        }
        if (modules.isEmpty()) {
            throw error("no login module");
        }
        return modules;
    }

    private static String loginModuleName(String name) {
        return name.endsWith(DIGEST_MODULE_SUFFIX) ? DigestLoginModule.class.getName() : name;
    }

    private LoginModuleControlFlag flag(String flag) {
        switch (flag.toLowerCase(Locale.ROOT)) {
            case "required":
                return LoginModuleControlFlag.REQUIRED;
            case "requisite":
                return LoginModuleControlFlag.REQUISITE;
            case "sufficient":
                return LoginModuleControlFlag.SUFFICIENT;
            case "optional":
                return LoginModuleControlFlag.OPTIONAL;
            default:
                throw error(
                        "the control flag must be 'required', 'requisite', 'sufficient' or"
                                + " 'optional'");
        }
    }

    /** A run of characters up to white space, '=', ';' or a quote. */
    private String word(String what) {
        skipSpace();
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '=' || c == ';' || c == '"') {
                break;
            }
            pos++;
        }
        if (start == pos) {
            throw error("expected " + what);
        }
        return text.substring(start, pos);
    }

    private String value() {
        if (pos < text.length() && text.charAt(pos) == '"') {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (pos < text.length() && text.charAt(pos) != '"') {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                sb.append(c);
            }
            if (pos >= text.length()) {
                throw error("a quoted value is not closed");
            }
            pos++;
            return sb.toString();
        }
        return word("an option value");
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(
                String.format(
                        "%s is not a JAAS login-module line of the form '<LoginModule class>"
                                + " required key=\"value\" ...;': %s (at character %d; the line"
                                + " itself is not shown, it may hold a secret).",
                        OPTION, what, pos + 1));
    }
}
