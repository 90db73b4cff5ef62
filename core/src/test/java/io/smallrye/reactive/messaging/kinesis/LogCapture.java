package io.smallrye.reactive.messaging.kinesis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** Collects the formatted messages the connector logs at WARN or above (or a given level), while open. */
public final class LogCapture extends Handler implements AutoCloseable {

    private static final String CATEGORY = "io.smallrye.reactive.messaging.kinesis";

    private final Logger logger = Logger.getLogger(CATEGORY);
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final List<String> withStackTrace = new CopyOnWriteArrayList<>();

    private final Level threshold;

    private LogCapture(Level threshold) {
        this.threshold = threshold;
        setLevel(threshold);
    }

    public static LogCapture start() {
        return start(Level.WARNING);
    }

    /** Collects what is logged at {@code threshold} or above (java.util.logging levels: INFO, WARNING, ...). */
    public static LogCapture start(Level threshold) {
        LogCapture capture = new LogCapture(threshold);
        capture.logger.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= threshold.intValue()) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
            messages.add(message);
            if (record.getThrown() != null) {
                withStackTrace.add(message);
            }
        }
    }

    /** The messages captured so far that contain the text (a message id such as SRKIN1200, for instance). */
    public List<String> containing(String text) {
        return messages.stream().filter(message -> message.contains(text)).toList();
    }

    /** The messages captured so far that carry a throwable (their stack trace would be printed). */
    public List<String> withStackTrace() {
        return List.copyOf(withStackTrace);
    }

    public List<String> all() {
        return List.copyOf(messages);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
