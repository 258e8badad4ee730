package org.bg2vec.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * After a job failed, Spark cancels its other tasks but does not wait for them: a task that was writing may still
 * create files for a moment. A driver that removes a job's temporary output waits here first, so that nothing
 * recreates it afterwards.
 *
 * <p>A driver opens one {@code Stragglers} around the jobs that write the output: they run in a job group of their
 * own, and {@link #awaitStopped} waits only for the tasks of that group, not for other jobs that share the Spark
 * context (a notebook or a scheduler running several pipelines in one session). Closing restores the thread's
 * previous job group.
 */
final class Stragglers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Stragglers.class);
    private static final String GROUP_ID = "spark.jobGroup.id";
    private static final String GROUP_DESCRIPTION = "spark.job.description";
    private static final String INTERRUPT = "spark.job.interruptOnCancel";
    /** How long a failed job's tasks get to stop before the temporary output is removed anyway. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final SparkContext sc;
    private final String group;
    private final String[] previous;

    private Stragglers(SparkContext sc, String what) {
        this.sc = sc;
        this.group = "bg2vec-" + what + "-" + UUID.randomUUID();
        this.previous = new String[]{sc.getLocalProperty(GROUP_ID), sc.getLocalProperty(GROUP_DESCRIPTION),
                sc.getLocalProperty(INTERRUPT)};
        sc.setJobGroup(group, "bg2vec " + what, false);
    }

    /** Runs this thread's next jobs in a new job group named after {@code what} (e.g. "prepare"). */
    static Stragglers track(SparkContext sc, String what) {
        return new Stragglers(sc, what);
    }


    /** Waits until no task of this group's jobs runs (at most {@code patience}); logs if some still do. */
    void awaitStopped(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        awaitEventsDelivered(deadline);
        int running = running();
        while (running > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            running = running();
        }
        if (running > 0) {
            LOG.warn("{} task(s) of the failed job still run after {} s; removing the temporary output anyway",
                    running, patience.toSeconds());
        }
    }

    /**
     * The status tracker knows what Spark's listener bus has delivered, and the bus delivers asynchronously: a task
     * that started just before its job failed may not be counted yet. Waits (until the deadline) for the events
     * posted so far to be delivered.
     */
    private void awaitEventsDelivered(long deadline) {
        try {
            sc.listenerBus().waitUntilEmpty(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (TimeoutException e) {
            LOG.debug("Spark's listener bus did not drain in time; counting the tasks it has reported", e);
        }
    }

    /** Tasks of this group's jobs that are still running (a failed job's stages included). */
    int running() {
        SparkStatusTracker tracker = sc.statusTracker();
        int n = 0;
        for (int job : tracker.getJobIdsForGroup(group)) {
            SparkJobInfo info = tracker.getJobInfo(job).getOrElse(() -> null);
            if (info == null) {
                continue;
            }
            for (int stage : info.stageIds()) {
                SparkStageInfo s = tracker.getStageInfo(stage).getOrElse(() -> null);
                n += s == null ? 0 : s.numActiveTasks();
            }
        }
        return n;
    }

    @Override
    public void close() {
        sc.setLocalProperty(GROUP_ID, previous[0]);
        sc.setLocalProperty(GROUP_DESCRIPTION, previous[1]);
        sc.setLocalProperty(INTERRUPT, previous[2]);
    }
}
