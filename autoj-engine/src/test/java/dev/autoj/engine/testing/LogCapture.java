package dev.autoj.engine.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records of one class's logger (System.Logger goes to java.util.logging), kept off the
 * console while captured; shared through the engine's test-jar.
 *
 * <pre>{@code
 * try (LogCapture log = new LogCapture(RemoteBackend.class)) {
 *     ...
 *     assertThat(log.messages(Level.WARNING)).hasSize(1);
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    // A strong reference: java.util.logging keeps loggers only weakly.
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Captures what {@code source}'s logger (named after the class) writes, from now until {@link #close()}. */
    public LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    /** Every record so far, in order. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages so far, in order. */
    public List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The messages of one level so far, in order. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
    }
}
