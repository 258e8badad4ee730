package org.bg2vec.spark;

import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver-side progress for a Spark job counting rows in a {@link LongAccumulator}: a daemon thread logs
 * "rows done / total, rows/s" every interval while the job runs. Spark merges accumulators when tasks
 * finish, so the count moves one partition at a time.
 */
final class ProgressLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final String what;
    private final LongAccumulator done;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final Thread thread;

    ProgressLog(String what, LongAccumulator done, long total, long intervalMillis) {
        this.what = what;
        this.done = done;
        this.total = total;
        this.thread = new Thread(() -> loop(intervalMillis), "bg2vec-progress-" + what);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(long intervalMillis) {
        long last = -1;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(intervalMillis);
                long now = done.value();
                if (now != last) {
                    log(now);
                    last = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Seconds since this progress log started. */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void log(long rows) {
        double s = Math.max(elapsedSeconds(), 1e-9);
        LOG.info(String.format("%s: %d/%d rows (%.1f%%), %.1f rows/s, %.0f s", what, rows, total,
                total == 0 ? 100.0 : 100.0 * rows / total, rows / s, s));
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
