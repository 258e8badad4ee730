package org.bg2vec.collective;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test helper: collects WARN+ messages of one logger (log4j2, the backend on the test classpath). */
final class CapturedWarnings extends AbstractAppender implements AutoCloseable {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Logger logger;

    CapturedWarnings(Class<?> source) {
        super("captured-" + source.getSimpleName() + "-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = (Logger) LogManager.getLogger(source);
        start();
        logger.addAppender(this);
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
            messages.add(event.getMessage().getFormattedMessage());
        }
    }

    /** Waits up to {@code millis} for a message containing {@code text}. */
    boolean awaitContaining(String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (messages.stream().anyMatch(m -> m.contains(text))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
