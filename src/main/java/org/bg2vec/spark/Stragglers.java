package org.bg2vec.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * After a job failed, Spark cancels its other tasks but does not wait for them: a task that was writing may still
 * create files for a moment. A driver that removes a job's temporary output waits here first, so that nothing
 * recreates it afterwards.
 */
final class Stragglers {

    private static final Logger LOG = LoggerFactory.getLogger(Stragglers.class);
    /** How long a failed job's tasks get to stop before the temporary output is removed anyway. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private Stragglers() {
    }

    /** Waits until no executor of {@code sc} runs a task (at most {@code patience}); logs if some still do. */
    static void awaitNoRunningTasks(SparkContext sc, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        int running = running(sc);
        while (running > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            running = running(sc);
        }
        if (running > 0) {
            LOG.warn("{} task(s) of the failed job still run after {} s; removing the temporary output anyway",
                    running, patience.toSeconds());
        }
    }

    private static int running(SparkContext sc) {
        int n = 0;
        for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
            n += e.numRunningTasks();
        }
        return n;
    }
}
