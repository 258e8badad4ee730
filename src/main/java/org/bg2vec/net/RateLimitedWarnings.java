package org.bg2vec.net;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * WARN lines about things strangers can repeat at will (refused connections, failing accepts): the first
 * {@code perMinute} of each minute are logged, the rest counted and summarised in one line when the next
 * minute starts, so a flood cannot fill the log.
 */
public final class RateLimitedWarnings {

    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final int perMinute;
    private long windowStart = System.nanoTime();
    private int logged;
    private long suppressed;

    public RateLimitedWarnings(Logger log, int perMinute) {
        this.log = log;
        this.perMinute = perMinute;
    }

    /** Logs {@code message} at WARN unless this minute's quota is used up. */
    public synchronized void warn(String message) {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            if (suppressed > 0) {
                log.warn("{} more such warnings were not logged in the last minute", suppressed);
            }
            windowStart = now;
            logged = 0;
            suppressed = 0;
        }
        if (logged < perMinute) {
            logged++;
            log.warn("{}", message);
        } else {
            suppressed++;
        }
    }
}
