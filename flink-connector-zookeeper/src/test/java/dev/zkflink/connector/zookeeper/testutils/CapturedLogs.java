package dev.zkflink.connector.zookeeper.testutils;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything logged while it is open, with stack traces, at DEBUG for the connector, ZooKeeper and
 * Curator and INFO for Flink: a secret that reaches any of it shows up here.
 */
public final class CapturedLogs implements AutoCloseable {
    private static final String[] DEBUG_LOGGERS = {
        "dev.zkflink", "org.apache.zookeeper", "org.apache.curator"
    };

    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;
    private final Level[] before = new Level[DEBUG_LOGGERS.length + 1];

    public CapturedLogs() {
        appender =
                new AbstractAppender("captured", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        StringBuilder sb = new StringBuilder(event.getLoggerName());
                        sb.append(' ').append(event.getMessage().getFormattedMessage());
                        if (event.getThrown() != null) {
                            StringWriter trace = new StringWriter();
                            event.getThrown().printStackTrace(new PrintWriter(trace));
                            sb.append('\n').append(trace);
                        }
                        synchronized (lines) {
                            lines.add(sb.toString());
                        }
                    }
                };
        appender.start();
        Configuration config = context.getConfiguration();
        for (int i = 0; i < DEBUG_LOGGERS.length; i++) {
            before[i] = config.getLoggerConfig(DEBUG_LOGGERS[i]).getLevel();
            setLevel(DEBUG_LOGGERS[i], Level.DEBUG);
        }
        before[DEBUG_LOGGERS.length] = config.getLoggerConfig("org.apache.flink").getLevel();
        setLevel("org.apache.flink", Level.INFO);
        config.getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    private void setLevel(String logger, Level level) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(logger, level);
    }

    /** All captured lines so far, joined. */
    public String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    public int size() {
        synchronized (lines) {
            return lines.size();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        for (int i = 0; i < DEBUG_LOGGERS.length; i++) {
            setLevel(DEBUG_LOGGERS[i], before[i]);
        }
        setLevel("org.apache.flink", before[DEBUG_LOGGERS.length]);
        context.updateLoggers();
        appender.stop();
    }
}
