package org.bg2vec.spark;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.bg2vec.train.PermanentFailureException;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exceptions the tasks of one training attempt (one Spark job group) failed with, as objects: Spark's job
 * failure for a barrier stage carries only text, but every task end reaches the listener bus with the task's
 * exception deserialized on the driver. {@link #permanent} decides a retry by the exception type
 * ({@link PermanentFailureException#isPermanent}), never by message text.
 */
final class AttemptFailures extends SparkListener {

    private final String jobGroup;
    private final Set<Integer> stages = new HashSet<>();
    /** By task index (the rank): the lowest rank's error explains the others' ("rank 0 refused ... see its error"). */
    private final Map<Integer, Throwable> exceptions = new TreeMap<>();
    private int ended;

    AttemptFailures(String jobGroup) {
        this.jobGroup = jobGroup;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        Properties p = start.properties();
        if (p != null && jobGroup.equals(p.getProperty("spark.jobGroup.id"))) {
            for (Object id : scala.collection.JavaConverters.seqAsJavaList(start.stageIds())) {
                stages.add((Integer) id);
            }
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (!stages.contains(end.stageId())) {
            return;
        }
        ended++;
        if (end.reason() instanceof ExceptionFailure f && f.exception().isDefined()) {
            exceptions.putIfAbsent(end.taskInfo().index(), f.exception().get());
        }
        notifyAll();
    }

    /**
     * Whether a task of the attempt failed with a permanent error. Spark fails the job at the first failed
     * task, before the others end; this waits until all {@code tasks} ended (or {@code patience} passed), so
     * that a permanent error on one rank is not hidden by the abort it caused on the others, and so that no
     * task of this attempt still writes (a checkpoint, the adapter) when the next attempt starts.
     */
    synchronized boolean permanent(int tasks, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (ended < tasks) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return anyPermanent();
    }

    private boolean anyPermanent() {
        return exceptions.values().stream().anyMatch(PermanentFailureException::isPermanent);
    }

    /** The permanent task exception of the lowest rank, if one arrived. */
    synchronized Throwable firstPermanent() {
        return exceptions.values().stream().filter(PermanentFailureException::isPermanent).findFirst().orElse(null);
    }
}
