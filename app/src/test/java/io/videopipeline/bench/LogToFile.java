package io.videopipeline.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While open, this JVM's log goes to a file instead of the console. The in-JVM runner of the routing benchmark
 * logs one line per event; under failsafe the console is piped to Maven, which would charge the route with a cost
 * a real runner (stdout to a file or a container log) does not have.
 */
final class LogToFile implements AutoCloseable {
    private final Logger root;
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    private final FileAppender<ILoggingEvent> file;

    LogToFile(Path path) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        encoder.start();
        file = new FileAppender<>();
        file.setContext(context);
        file.setName("bench-file");
        file.setFile(path.toString());
        file.setEncoder(encoder);
        file.start();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            detached.add(it.next());
        }
        detached.forEach(root::detachAppender);
        root.addAppender(file);
    }

    @Override
    public void close() {
        root.detachAppender(file);
        detached.forEach(root::addAppender);
        file.stop();
    }
}
