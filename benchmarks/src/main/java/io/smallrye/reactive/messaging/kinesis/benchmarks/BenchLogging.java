package io.smallrye.reactive.messaging.kinesis.benchmarks;

import java.util.logging.Handler;
import java.util.logging.Level;

import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Warnings and errors only, to stderr, as {@code logging.properties} intends. On this class path the JBoss LogManager
 * does not read that file: Quarkus's bootstrap runner registers its own initial configurator, which sets the root
 * logger to ALL with a handler that queues every record until a Quarkus application starts (none does here). Every
 * DEBUG statement of the SDK and Netty would then be formatted and queued: in the SDK PutRecords loop, Netty's
 * {@code LoggingHandler} hex dump of every request and answer was about 40 % of the loop's CPU. The same holds for
 * every JVM on this class path, whatever {@code java.util.logging.manager} says (the SDK and Netty log through
 * slf4j-jboss-logmanager): the suite's own JVM and the JMH forks call this first too.
 */
final class BenchLogging {

    private BenchLogging() {
    }

    static void warningsOnly() {
        Logger root = LogContext.getLogContext().getLogger("");
        root.setLevel(Level.WARNING);
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR,
                new PatternFormatter("%d{HH:mm:ss} %-5p [%c{3.}] %s%e%n"));
        console.setAutoFlush(true);
        root.setHandlers(new Handler[] { console });
    }
}
