package io.mailpipe.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

/**
 * Log levels while a command-line tool runs: its own output is the answer, so mailpipe's INFO lines and Kafka's and
 * Camel's warnings (50 "connection could not be established" lines when a broker is down) stay out of it, unless
 * {@code --verbose}. The levels in force before are restored on {@link #close()}.
 */
final class CliLogging implements AutoCloseable {

    private final Map<Logger, Level> before = new LinkedHashMap<>();

    private CliLogging() {
    }

    /** Quiet for a tool: only mailpipe's warnings and errors; with {@code verbose}, the usual levels. */
    static CliLogging forTool(boolean verbose) {
        CliLogging logging = new CliLogging();
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return logging;
        }
        logging.set(context, Logger.ROOT_LOGGER_NAME, verbose ? Level.INFO : Level.WARN);
        logging.set(context, "io.mailpipe", verbose ? Level.INFO : Level.WARN);
        for (String library : new String[] {"org.apache.kafka", "org.apache.camel", "com.icegreen"}) {
            logging.set(context, library, verbose ? Level.WARN : Level.OFF);
        }
        return logging;
    }

    /** Kafka's client silent (the caller reports the failure itself): for the check before a worker starts, too. */
    static CliLogging kafkaSilent() {
        CliLogging logging = new CliLogging();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            logging.set(context, "org.apache.kafka", Level.OFF);
        }
        return logging;
    }

    private void set(LoggerContext context, String name, Level level) {
        Logger logger = context.getLogger(name);
        before.put(logger, logger.getLevel());
        logger.setLevel(level);
    }

    @Override
    public void close() {
        before.forEach(Logger::setLevel);
    }
}
