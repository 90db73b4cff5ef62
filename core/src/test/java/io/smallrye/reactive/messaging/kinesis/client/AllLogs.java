package io.smallrye.reactive.messaging.kinesis.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Collects every log record of every category at or above a level, as "LEVEL [category] message", while open; with
 * {@link #debugOf(String)}, one category is also opened down to DEBUG meanwhile.
 */
public final class AllLogs extends Handler implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Logger debugged;
    private Level debuggedLevel;

    private AllLogs(Level level) {
        setLevel(level);
    }

    public static AllLogs atWarn() {
        AllLogs logs = new AllLogs(Level.WARNING);
        logs.root.addHandler(logs);
        return logs;
    }

    public static AllLogs debugOf(String category) {
        AllLogs logs = new AllLogs(Level.FINE);
        logs.debugged = Logger.getLogger(category);
        logs.debuggedLevel = logs.debugged.getLevel();
        logs.debugged.setLevel(Level.FINE);
        logs.root.addHandler(logs);
        return logs;
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() < getLevel().intValue()) {
            return;
        }
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        lines.add(record.getLevel() + " [" + record.getLoggerName() + "] " + message
                + (record.getThrown() == null ? "" : ": " + record.getThrown()));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines at SEVERE (ERROR). */
    public List<String> errors() {
        return lines.stream().filter(line -> line.startsWith("SEVERE") || line.startsWith("ERROR")).toList();
    }

    public List<String> containing(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        if (debugged != null) {
            debugged.setLevel(debuggedLevel);
        }
    }
}
